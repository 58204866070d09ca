"""WebVTT: plain cues, voice spans, styling tags, YouTube's rolling word-timed captions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.sources import read_transcript_file
from notegraph.sources.vtt import looks_like_vtt, parse_vtt

FIXTURES = Path(__file__).parent / "fixtures"

PLAIN = """WEBVTT
Kind: captions
Language: de

NOTE written by hand
over two lines

STYLE
::cue { color: yellow }

intro-1
00:00:01.000 --> 00:00:04.000 line:90%
<i>Hello</i> <b>there</b>, &amp; welcome.

00:04.000 --> 00:06.500
<c.yellow>Second</c> cue
on two lines.
"""

VOICES = """WEBVTT

00:00:00.000 --> 00:00:03.000
<v Ann Lee>Hi, I'm Ann.</v>

00:00:03.000 --> 00:00:05.000
<v.loud Bob>Hello Ann!

00:00:05.000 --> 00:00:09.000
<v Ann Lee>Bob, one two three.</v>
<v Bob>Four.</v>
"""

# The shape YouTube serves for auto-captions (yt-dlp --write-auto-subs): each cue shows
# the previous line above the new, word-timed one, with 10 ms hold cues in between.
YOUTUBE_AUTO = (FIXTURES / "youtube_auto_captions.en.vtt").read_text(encoding="utf-8")



def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_detects_by_signature_not_extension(tmp_path: Path) -> None:
    assert looks_like_vtt("\ufeffWEBVTT\n\n") and not looks_like_vtt("1\n00:00:00,000 --> x")
    t = read_transcript_file(write(tmp_path, "talk.txt", PLAIN))
    assert t.source == "file:webvtt"


def test_plain_cues_tags_notes_and_styles(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "talk.vtt", PLAIN))
    assert [(c.start, c.end, c.text) for c in t.cues] == [
        (1.0, 4.0, "Hello there, & welcome."), (4.0, 6.5, "Second cue on two lines.")]
    assert t.language == "de" and t.duration == 6.5 and not t.is_generated


def test_voice_spans_name_speakers_and_split_shared_cues(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "v.vtt", VOICES))
    assert [(c.speaker, c.text) for c in t.cues] == [
        ("Ann Lee", "Hi, I'm Ann."), ("Bob", "Hello Ann!"),
        ("Ann Lee", "Bob, one two three."), ("Bob", "Four.")]
    # The two-voice cue's 4 s are shared by word count (4 words : 1 word).
    assert t.cues[2].start == 5.0 and t.cues[3].start == pytest.approx(8.2)
    assert t.cues[3].end == 9.0


def test_youtube_auto_captions_each_word_once(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "x.en.vtt", YOUTUBE_AUTO))
    assert " ".join(c.text for c in t.cues) == (
        "the following is a conversation with Lisa Randall a physicist")
    assert [c.start for c in t.cues] == [0.0, 2.32, 4.71]
    assert t.is_generated and t.language == "en" and t.duration == 9.0


def test_parse_is_pure_and_keeps_lines_for_cleanup() -> None:
    parsed = parse_vtt(YOUTUBE_AUTO)
    assert parsed.cues[2].text == "the following is a\nconversation with Lisa"


REAL = {
    # file: (cues, duration, words, a line that must be there, speakers)
    "webvtt_plain__talkpython_313.vtt": (
        1134, 3686.38, 12563, "We welcome Samuel Colvin, creator of Pydantic, to the show.",
        set()),
    "webvtt_voice_tags__talkpython_558.vtt": (959, 4405.08, 11908,
                                              "It's a great name.",
                                              {"Michael Kennedy", "Michael Booth"}),
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_vtt_files(name: str, shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", name)
    cues, duration, words, line, speakers = REAL[name]
    t = read_transcript_file(path)
    # Duration: the end of the file's last cue.
    last_end = max(float(x) for x in [_last_end(path.read_text())])
    assert t.duration == pytest.approx(last_end) == pytest.approx(duration)
    assert len(t.cues) == cues
    assert sum(len(c.text.split()) for c in t.cues) == words
    assert any(c.text == line for c in t.cues)
    assert {c.speaker for c in t.cues if c.speaker} == speakers
    assert "<" not in " ".join(c.text for c in t.cues)  # no tag left


def _last_end(text: str) -> float:
    stamp = [ln for ln in text.splitlines() if "-->" in ln][-1].split("-->")[1].split()[0]
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
