"""Plain-text/markdown transcripts: the family of layouts podcasts publish."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.errors import ParseError
from notegraph.sources import read_transcript_file


def read(tmp_path: Path, text: str, name: str = "t.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return read_transcript_file(p)


def test_time_per_line(tmp_path: Path) -> None:
    t = read(tmp_path, "00:00:00 Welcome to the show.\n00:00:05 Today: bees.\n"
                       "1:10 Bees are great.\n")
    assert [(c.start, c.end, c.text, c.speaker) for c in t.cues] == [
        (0, 5, "Welcome to the show.", None), (5, 70, "Today: bees.", None),
        (70, 70 + 3 / 2.5, "Bees are great.", None)]
    assert t.source == "file:text"  # every cue has its own time


def test_bracket_time_then_speaker(tmp_path: Path) -> None:
    t = read(tmp_path, "[00:00:01] Ann Lee: Hi. How are you?\n[00:00:04] Bob: Fine.\n"
                       "[00:00:06] Ann Lee: Good.\n")
    assert [(c.speaker, c.text) for c in t.cues] == [
        ("Ann Lee", "Hi."), ("Ann Lee", "How are you?"), ("Bob", "Fine."), ("Ann Lee", "Good.")]
    assert t.cues[1].start == pytest.approx(1.75)  # interpolated: 1 of 4 words to 00:04
    assert t.source == "file:text (times interpolated)"


def test_time_then_name_with_speakers_who_speak_once(tmp_path: Path) -> None:
    t = read(tmp_path, "[00:00:00] Ann Lee: Welcome.\n\n(00:00:05) Bob Smith: Thanks, Ann.\n")
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [
        (0, "Ann Lee", "Welcome."), (5, "Bob Smith", "Thanks, Ann.")]


def test_youtube_show_transcript_copy(tmp_path: Path) -> None:
    t = read(tmp_path, "0:00\nhello and welcome\n0:03\nto the show\n1:02:03\nlast bit\n")
    assert [(c.start, c.text) for c in t.cues] == [
        (0, "hello and welcome"), (3, "to the show"), (3723, "last bit")]


def test_speaker_paren_time_dash(tmp_path: Path) -> None:
    t = read(tmp_path, "Ann (00:00:10) - So it begins.\nBob (00:00:20) - Indeed it does.\n")
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [
        (10, "Ann", "So it begins."), (20, "Bob", "Indeed it does.")]


def test_rev_style_paragraphs(tmp_path: Path) -> None:
    text = ("Speaker 1 (00:00):\nWelcome everyone. Thanks for\ncoming.\n\n"
            "Speaker 2 (01:05):\nHappy to be here.\n")
    t = read(tmp_path, text)
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [
        (0, "Speaker 1", "Welcome everyone."), (pytest.approx(65 * 2 / 5), "Speaker 1",
                                                 "Thanks for coming."),
        (65, "Speaker 2", "Happy to be here.")]


def test_otter_style_name_then_time(tmp_path: Path) -> None:
    t = read(tmp_path, "Jane Doe  0:03\nHello there.\n\nJohn Roe  0:09\nHi Jane.\n")
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [
        (3, "Jane Doe", "Hello there."), (9, "John Roe", "Hi Jane.")]


def test_bold_speakers_with_sparse_escaped_marks(tmp_path: Path) -> None:
    text = ("**Jerod Santo:** Alright, we're joined by Gunner. What's up?\n\n"
            "**Allen Gunn:** Not much \\[laughs\\]. Happy to be here.\n\n"
            "Second paragraph by Allen.\n\n"
            "**Jerod Santo:** \\[02:00\\] So tell us about it.\n\n"
            "**Allen Gunn:** Sure. \\[03:00\\] It started in 2017.\n")
    t = read(tmp_path, text, "x.md")
    assert [c.speaker for c in t.cues] == ["Jerod Santo"] * 2 + ["Allen Gunn"] * 3 + [
        "Jerod Santo"] + ["Allen Gunn"] * 2
    assert t.cues[2].text == "Not much." and t.cues[4].text == "Second paragraph by Allen."
    starts = [c.start for c in t.cues]
    assert starts[0] == 0 and starts[5] == 120 and starts[7] == 180
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert t.source == "file:text (times interpolated)"


WEB_PAGE = """# [My Podcast](https://example.com/)

Menu Skip to content

  * [Home](https://example.com/)
  * [Episodes](/episodes)

# Transcript for Jane Doe: Bees and Us | My Podcast #12

This is a transcript of episode 12. Here are some useful links:

  * Go back to [the episode page](https://example.com/12/)

## Table of Contents

  * 0:00 - Introduction
  * 1:00 - Bees
  * 2:00 - Outro

## Introduction

Host Name [(00:00:00)](https://youtube.com/watch?v=abc&t=0) Welcome to the
show. Today, Jane Doe.

## Bees

[(00:01:00)](https://youtube.com/watch?v=abc&t=60) Jane, why bees?

Jane Doe [(00:01:05)](https://youtube.com/watch?v=abc&t=65)
Because they [inaudible 00:01:07] matter. I was up at
3:15 in the morning, and
Around 4:00 they were out.

This entry was posted in [transcripts](https://example.com/c/) on [May 4,
2023](https://example.com/12-transcript/ "3:39 pm") by [Host](https://example.com/a/).

### Post navigation

[<- #11 – Someone](https://example.com/11/) [#13 – Other ->](https://example.com/13/)
"""


def test_web_page_with_navigation_toc_and_footer(tmp_path: Path) -> None:
    t = read(tmp_path, WEB_PAGE, "page.txt")
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [
        (0, "Host Name", "Welcome to the show."),
        (pytest.approx(60 * 4 / 7, abs=0.001), "Host Name", "Today, Jane Doe."),
        (60, "Host Name", "Jane, why bees?"),
        (65, "Jane Doe", "Because they matter."),
        (pytest.approx(65 + 3 / 2.5, abs=0.01), "Jane Doe",
         "I was up at 3:15 in the morning, and Around 4:00 they were out.")]
    assert [(c.start, c.title) for c in t.chapters] == [(0, "Introduction"), (60, "Bees"),
                                                        (120, "Outro")]
    assert t.title == "Jane Doe: Bees and Us | My Podcast #12"


def test_title_with_slash_from_page_is_only_a_title(tmp_path: Path) -> None:
    t = read(tmp_path, "# A/B testing / ../../etc\n\n00:00 Hi there.\n00:05 Bye.\n", "ab.md")
    assert t.title == "A/B testing / ../../etc" and t.video_id.startswith("ab-")


@pytest.mark.parametrize("text, problem", [
    ("Just some words with no times at all.\nAnother line.\n", "unknown transcript layout"),
    ("Ann: hello\nBob: hi\nAnn: bye\n", "no timestamps found"),
    ("**Ann:** hello\n\n**Bob:** hi\n", "no timestamps found"),
    ("00:05:00 later\n00:01:00 earlier\n", "timestamps out of order (00:01:00 after 00:05:00)"),
])
def test_bad_text_layouts(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ParseError) as err:
        read(tmp_path, text)
    assert problem in str(err.value) and "t.txt" in str(err.value)


@pytest.mark.shared
def test_real_web_page_transcript(shared_data: Path,
                                  shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "speaker_timestamp_markdown__lexfridman_com_lisa_randall.txt")
    t = read_transcript_file(path)
    assert t.title.startswith("Lisa Randall: Dark Matter, Theoretical Physics")
    assert [c.title for c in t.chapters] == ["Introduction", "Dark matter", "Extinction events",
                                             "Particle physics", "Physics vs mathematics"]
    assert t.chapters[2].start == 19 * 60 + 16
    assert {c.speaker for c in t.cues} == {"Lex Fridman", "Lisa Randall"}
    text = " ".join(c.text for c in t.cues)
    for junk in ("Menu Skip", "Proudly powered", "Post navigation", "Table of Contents",
                 "youtube.com", "posted in"):
        assert junk not in text
    # Last mark is 00:58:55 and ~60 words follow it: the video is 3565 s long.
    assert 3535 < t.duration < 3600
    assert t.source == "file:text (times interpolated)"
    # Every mark of the page is a cue start (times read, not guessed, where the page has them).
    marks = {int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in
             re.findall(r"\[\((\d\d):(\d\d):(\d\d)\)\]", path.read_text())}
    assert marks <= {c.start for c in t.cues}
    # The chaptered twin holds the same page's turns (made by another tool): same turns,
    # same words (less the five "[inaudible hh:mm:ss]" notes).
    twin = shared_data / "chaptered" / "VPaOy3G1-2A.json"
    if twin.exists():
        turns = json.loads(twin.read_text())["speaker_turns"]
        ours = [k for k, _ in itertools.groupby(c.speaker for c in t.cues)]
        assert ours == [x["speaker"] for x in turns]
        words = " ".join(re.sub(r"\[\(\d\d:\d\d:\d\d\)\]\([^)]*\)", " ", x["text"]) for x in turns)
        words = re.sub(r"\[inaudible \d\d:\d\d:\d\d\]", " ", words)
        def real(ws: str) -> list[str]:
            return [w for w in ws.split() if re.search(r"\w", w)]

        assert len(real(text)) == len(real(words)) == 10205


@pytest.mark.shared
def test_real_bold_speaker_markdown_sparse_marks(shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "speaker_bold_markdown_sparse_ts__changelog_sustainoss_2018.md")
    raw = path.read_text()
    t = read_transcript_file(path)
    assert {c.speaker for c in t.cues} == {"Jerod Santo", "Allen Gunn", "Adam Stacoviak"}
    spoken = re.sub(r"\*\*[^*]+:\*\*|\\\[\d\d:\d\d\\\]|\\\[laughs\\\]", " ", raw)
    assert sum(len(c.text.split()) for c in t.cues) == len(spoken.split())
    marks = [int(m) * 60 + int(s) for m, s in re.findall(r"\\\[(\d\d):(\d\d)\\\]", raw)]
    starts = {c.start for c in t.cues}
    assert set(marks) <= starts
    # Sparse marks: the rest is interpolated, and the transcript says so.
    assert t.source == "file:text (times interpolated)"
    assert marks[-1] < t.duration < marks[-1] + 300
    assert t.cues[0].start == 0
    assert t.cues[0].text == "Alright, we're joined with Allen Gunner Gunn."
    # The paragraph at the 16:01 mark starts exactly there, by Allen Gunn.
    at = [c for c in t.cues if c.start == 16 * 60 + 1]
    assert at and at[0].speaker == "Allen Gunn" and at[0].text.startswith("So I think")
