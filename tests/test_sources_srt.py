"""SRT: plain, styled, speaker-labelled, and yt-dlp's rolling YouTube auto-captions."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.sources import read_transcript_file
from notegraph.sources.srt import parse_srt

FIXTURES = Path(__file__).parent / "fixtures"

PLAIN = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> and\r\nwelcome.\r\n\r\n"
    "2\r\n00:00:03,500 --> 00:00:05,000\r\n{\\an8}<font color=\"#fff\">42</font>\r\n\r\n"
    "3\r\n01:00:05.250 --> 01:00:07,000\r\nLast one.\r\n"
)

# yt-dlp --convert-subs srt of YouTube auto-captions: the first cue has a blank line
# inside it, every other cue is a 10 ms hold frame ending with a space-only line.
ROLLING = (FIXTURES / "ytdlp_rolling_autocaptions.en.srt").read_text(encoding="utf-8")

LABELLED = """1
00:00:00,000 --> 00:00:02,000
ANN: Hi there.

2
00:00:02,000 --> 00:00:04,000
BOB: Hello.

3
00:00:04,000 --> 00:00:06,000
How are you?

4
00:00:06,000 --> 00:00:08,000
ANN: Fine.
"""



def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_plain_srt_with_bom_crlf_styling_and_a_numeric_line(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "ep.srt", PLAIN))
    assert [(c.start, c.end, c.text) for c in t.cues] == [
        (1.0, 3.5, "Hello and welcome."), (3.5, 5.0, "42"), (3605.25, 3607.0, "Last one.")]
    assert t.source == "file:srt" and t.duration == 3607.0 and not t.is_generated


def test_rolling_auto_captions_each_word_once(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "x.en.srt", ROLLING))
    assert " ".join(c.text for c in t.cues) == (
        "the following is a conversation with Lisa Randal a theoretical physicist and "
        "cosmologist and and so time")
    assert [c.start for c in t.cues] == [0.04, 1.719, 4.72, 9.35]
    assert t.is_generated and t.duration == 12.0


def test_speaker_labels_carry_over(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "l.srt", LABELLED))
    assert [(c.speaker, c.text) for c in t.cues] == [
        ("ANN", "Hi there."), ("BOB", "Hello."), ("BOB", "How are you?"), ("ANN", "Fine.")]


def test_labels_after_turn_markers(tmp_path: Path) -> None:
    text = ("1\n00:00:00,000 --> 00:00:02,000\n&gt;&gt; JOHN: Hi.\n\n"
            "2\n00:00:02,000 --> 00:00:04,000\n>> MARY: Hello.\n\n"
            "3\n00:00:04,000 --> 00:00:06,000\n>> JOHN: Bye.\n")
    t = read_transcript_file(write(tmp_path, "g.srt", text))
    assert [(c.speaker, c.text) for c in t.cues] == [
        ("JOHN", "Hi."), ("MARY", "Hello."), ("JOHN", "Bye.")]


def test_reader_keeps_line_breaks_for_cleanup() -> None:
    assert parse_srt(ROLLING).cues[2].text == (
        "the following is a conversation with\nLisa Randal a theoretical physicist and")


@pytest.mark.shared
def test_real_rolling_autocaptions(shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "youtube_autocaptions_rolling__lexnotes_VPaOy3G1-2A.en.srt")
    t = read_transcript_file(path)
    assert t.duration == pytest.approx(3566.119)  # end of the last cue ("time")
    assert t.is_generated and t.language == "en"
    assert len(t.cues) == 1595
    assert sum(len(c.text.split()) for c in t.cues) == 11329  # see test_cleanup twin test
    assert t.cues[0].text == "the following is a conversation with"
    assert t.cues[1].text == "Lisa Randal a theoretical physicist and"
    assert t.cues[-1].text == "time"
    # No line is ever followed by itself (the rolling repeat is gone).
    assert all(a.text != b.text for a, b in zip(t.cues, t.cues[1:], strict=False))


@pytest.mark.shared
def test_real_manual_captions(shared_data: Path, shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "youtube_manual_captions__lexnotes_jvqFAi7vkBc.en.srt")
    t = read_transcript_file(path)
    assert t.duration == pytest.approx(6901.415) and not t.is_generated
    words = sum(len(c.text.split()) for c in t.cues)
    # Every word of the file except the 451 "- " turn markers and 12 "[Sam]"/"[Lex]" labels.
    file_words = sum(len(ln.split()) for ln in path.read_text("utf-8-sig").splitlines()
                     if ln.strip() and "-->" not in ln and not ln.strip().isdigit())
    assert words == file_words - 451 - 12
    assert t.cues[0].text == "I think compute is gonna be the currency of the future."
    # "- " turns are speaker changes; "[Sam]" names the speaker where the file does.
    assert any(c.speaker == "Sam" and c.text == "Yeah." for c in t.cues)
    speakers = [c.speaker for c in t.cues]
    changes = sum(1 for a, b in itertools.pairwise(speakers) if a != b)
    assert changes >= 400
    # Same captions as the chaptered twin (which keeps cues as-is): same words.
    twin = shared_data / "chaptered" / "jvqFAi7vkBc.json"
    if twin.exists():
        other = read_transcript_file(twin)
        assert abs(sum(len(c.text.split()) for c in other.cues) - words) <= 2
