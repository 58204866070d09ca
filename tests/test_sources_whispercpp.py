"""whisper.cpp stdout: segment lines, word-level tokens re-joined, [SPEAKER_TURN]."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.sources import read_transcript_file
from notegraph.sources.whispercpp import looks_like_whispercpp, parse_whispercpp
from notegraph.text.cleanup import is_unidentified, turn_label

SEGMENTS = """
[00:00:00.000 --> 00:00:06.440]   The goal of this video is simple.
[00:00:06.440 --> 00:00:11.440]   Sam said that, in a world of AGI, things go faster.
[00:00:11.440 --> 00:00:12.000]   Thank you.
[00:00:12.000 --> 00:00:13.000]   Thank you.
[00:00:13.000 --> 00:00:14.000]   Thank you.
[00:00:14.000 --> 00:00:15.000]   Thank you.
"""

# `whisper.cpp -ml 1 -tdrz`: a token per line; a leading space starts a word.
WORDS = """[00:00:00.000 --> 00:00:00.020]
[00:00:00.020 --> 00:00:01.000]   [
[00:00:01.000 --> 00:00:01.990]  M
[00:00:01.990 --> 00:00:03.980]  US
[00:00:03.980 --> 00:00:05.970]  IC
[00:00:05.970 --> 00:00:07.000]  ]
[00:00:21.000 --> 00:00:21.410]   Did
[00:00:21.410 --> 00:00:21.520]   you
[00:00:21.520 --> 00:00:21.800]   see
[00:00:21.800 --> 00:00:22.100]   yesterday
[00:00:22.100 --> 00:00:22.300]  's
[00:00:22.300 --> 00:00:22.500]   show
[00:00:22.500 --> 00:00:23.000]  ? [SPEAKER_TURN]
[00:00:33.500 --> 00:00:23.200]   Yeah
[00:00:23.200 --> 00:00:23.300]  ,
[00:00:23.300 --> 00:00:23.500]   I
[00:00:23.500 --> 00:00:23.900]   did
[00:00:23.900 --> 00:00:24.000]  . [SPEAKER_TURN]
[00:00:24.100 --> 00:00:24.400]   Good
[00:00:24.400 --> 00:00:24.500]  .
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_segments_and_repeated_line_loop(tmp_path: Path) -> None:
    assert looks_like_whispercpp(SEGMENTS)
    t = read_transcript_file(write(tmp_path, "out.txt", SEGMENTS))
    assert [c.text for c in t.cues] == [
        "The goal of this video is simple.",
        "Sam said that, in a world of AGI, things go faster.",
        "Thank you."]  # four in a row is Whisper looping, not speech
    assert t.source == "file:whisper.cpp" and t.is_generated and t.duration == 15.0
    assert all(c.speaker is None for c in t.cues)


def test_word_level_tokens_rejoined_and_turns_are_speaker_changes(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "words.txt", WORDS))
    assert [(c.text, c.speaker) for c in t.cues] == [
        ("Did you see yesterday's show?", turn_label(1)),
        ("Yeah, I did.", turn_label(2)),
        ("Good.", turn_label(3))]
    # [MUSIC] was its own cue and is gone, so the first line starts when it is said.
    assert t.cues[0].start == 21.0
    # A token stamped with a start past its end (whisper.cpp does that) is repaired.
    assert t.cues[1].start == 23.0
    assert t.source == "file:whisper.cpp words"


def test_reader_is_pure() -> None:
    parsed = parse_whispercpp(WORDS)
    assert parsed.cues[0].text == "[MUSIC]"  # cleanup, not the reader, drops tags


@pytest.mark.shared
def test_real_segments(shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "whispercpp_stdout_segments__lawwu_f7jBigoHaUg.txt")
    text = path.read_text()
    t = read_transcript_file(path)
    lines = re.findall(r"^\[[^\]]+\](.*)$", text, re.M)
    assert len(t.cues) == len(lines) == 144
    assert sum(len(c.text.split()) for c in t.cues) == sum(len(x.split()) for x in lines)
    assert t.duration == pytest.approx(530.54)
    assert t.cues[0].text.startswith("The goal of this video is simply to show you 7 AI")


@pytest.mark.shared
def test_real_word_level_with_speaker_turns(shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", "whispercpp_stdout_tdrz_speaker_turns__techzing_072.txt")
    text = path.read_text()
    t = read_transcript_file(path)
    tokens = "".join(m[2:] if m.startswith("  ") else m
                     for m in re.findall(r"^\[[^\]]+\](.*)$", text, re.M))
    spoken = [w for w in tokens.replace("[SPEAKER_TURN]", " ").split() if w != "[MUSIC]"]
    words = [w for c in t.cues for w in c.text.split()]
    assert words == spoken  # each word once, in order; only the two [MUSIC] tags dropped
    assert t.duration == pytest.approx(1663.86)
    assert t.cues[0].text == "Welcome to T_Z_ Daily number seventy two."
    assert t.cues[0].start == pytest.approx(21.0)
    assert all(is_unidentified(c.speaker) for c in t.cues)
    turns = [k for k, _ in itertools.groupby(c.speaker for c in t.cues)]
    assert len(turns) == text.count("[SPEAKER_TURN]") + 1 == 82
    assert all(a.start <= b.start for a, b in itertools.pairwise(t.cues))
