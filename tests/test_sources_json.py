"""JSON transcripts by shape: youtube-transcript-api, Whisper, Podcasting 2.0, notegraph,
and the chaptered episodes other branches evaluate on."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from notegraph.errors import ParseError
from notegraph.models import Chapter, Cue, Transcript
from notegraph.sources import read_transcript_file


def write(tmp_path: Path, name: str, data: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_youtube_transcript_api_list(tmp_path: Path) -> None:
    data = [{"text": "[Music]", "start": 0.0, "duration": 1.5},
            {"text": "hello &amp; welcome", "start": 1.5, "duration": 2.0},
            {"text": "&gt;&gt; thanks", "start": 3.5, "duration": 1.0}]
    t = read_transcript_file(write(tmp_path, "abc.json", data))
    assert [(c.start, c.end, c.text) for c in t.cues] == [(1.5, 3.5, "hello & welcome"),
                                                         (3.5, 4.5, "thanks")]
    assert t.source == "file:youtube-json" and t.duration == 4.5
    assert t.cues[1].speaker is not None and t.cues[0].speaker is None  # a turn, unnamed


def test_whisper_json(tmp_path: Path) -> None:
    data = {"text": "...", "language": "fr", "segments": [
        {"id": 0, "start": 0.0, "end": 2.0, "text": " Bonjour à tous."},
        {"id": 1, "start": 2.0, "end": 4.0, "text": " Merci."}]}
    t = read_transcript_file(write(tmp_path, "w.json", data))
    assert [c.text for c in t.cues] == ["Bonjour à tous.", "Merci."]
    assert t.language == "fr" and t.is_generated and t.source == "file:whisper-json"


def test_podcasting20_word_level_is_rejoined(tmp_path: Path) -> None:
    words = [("Ann", 0.0, 0.4, "Hello"), ("Ann", 0.4, 0.8, "there."), ("Ann", 0.8, 1.2, "How"),
             ("Ann", 1.2, 1.5, "are"), ("Ann", 1.5, 1.9, "you?"), ("Bob", 2.5, 2.9, "Fine,"),
             ("Bob", 2.9, 3.2, "thanks")]
    data = {"version": "1.0.0", "segments": [
        {"speaker": s, "startTime": a, "endTime": b, "body": w} for s, a, b, w in words]}
    t = read_transcript_file(write(tmp_path, "p.json", data))
    assert [(c.speaker, c.start, c.end, c.text) for c in t.cues] == [
        ("Ann", 0.0, 0.8, "Hello there."), ("Ann", 0.8, 1.9, "How are you?"),
        ("Bob", 2.5, 3.2, "Fine, thanks")]


def test_podcasting20_sentence_segments(tmp_path: Path) -> None:
    data = {"segments": [{"speaker": "Ann", "startTime": 0, "endTime": 5,
                          "body": "A whole sentence here."},
                         {"startTime": 5, "endTime": 9, "body": "No speaker given."}]}
    t = read_transcript_file(write(tmp_path, "p.json", data))
    assert [(c.speaker, c.text) for c in t.cues] == [("Ann", "A whole sentence here."),
                                                     (None, "No speaker given.")]


def test_own_normalized_json_round_trips(tmp_path: Path) -> None:
    original = Transcript("vid-1", "A / B title", "Chan", "en", "youtube:manual", False, 9.0,
                          (Chapter(0, "Intro"),), (Cue(0, 4, "one", "Ann"), Cue(4, 9, "two")))
    t = read_transcript_file(write(tmp_path, "x.json", original.to_dict()))
    assert (t.video_id, t.title, t.channel, t.chapters, t.cues, t.duration) == (
        "vid-1", "A / B title", "Chan", original.chapters, original.cues, 9.0)


def test_unsafe_id_inside_a_file_is_not_used(tmp_path: Path) -> None:
    data = Transcript("../../evil", "T", "C", "en", "x", False, 2.0, (),
                      (Cue(0, 2, "hello"),)).to_dict()
    t = read_transcript_file(write(tmp_path, "safe name.json", data))
    assert t.video_id.startswith("safe-name-") and ".." not in t.video_id


@pytest.mark.parametrize("data, problem", [
    ({"foo": 1}, "not a known transcript shape"),
    ([{"text": "x"}], "not {text, start, duration}"),
    ({"segments": [{"start": "soon", "end": 1, "text": "x"}]}, "start is not a number"),
    ([{"text": "x", "start": -3, "duration": 1}], "negative time"),
    ([{"text": "a", "start": 5, "duration": 1}, {"text": "b", "start": 1, "duration": 1}],
     "out of order"),
])
def test_bad_json_is_one_clear_error(tmp_path: Path, data: Any, problem: str) -> None:
    path = write(tmp_path, "bad.json", data)
    with pytest.raises(ParseError) as err:
        read_transcript_file(path)
    assert problem in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text('{"segments": [\n{"start": 0,,}]}')
    with pytest.raises(ParseError, match=r"b\.json: looks like JSON but invalid JSON at line 2"):
        read_transcript_file(p)


def test_speaker_turns_split_cues_where_the_words_match(tmp_path: Path) -> None:
    data = {"video_id": "abcdefghijk", "title": "T", "channel": "C", "duration": 9,
            "cues": [{"start": 0, "duration": 3, "text": "so what is dark"},
                     {"start": 3, "duration": 3, "text": "matter um I think it is"},
                     {"start": 6, "duration": 3, "text": "a mystery yeah"}],
            "chapters": [],
            "speaker_turns": [
                {"start": 0, "speaker": "Lex", "text": "So what is dark matter?"},
                {"start": 4, "speaker": "Lisa", "text": "I think it's a mystery."},
                {"start": 8, "speaker": "Lex", "text": "Yeah."}]}
    t = read_transcript_file(write(tmp_path, "e.json", data))
    assert [(c.speaker, c.text) for c in t.cues] == [
        ("Lex", "so what is dark"), ("Lex", "matter um"), ("Lisa", "I think it is"),
        ("Lisa", "a mystery"), ("Lex", "yeah")]
    assert t.cues[2].start == pytest.approx(3 + 3 * 2 / 6)  # shared by word position
    assert t.source == "file:chaptered-json (speakers aligned)"


_CHAPTERED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "chaptered"
# The six known episodes, plus any added to ../shared later (held-back ones included).
CHAPTERED = sorted({"9qfwPv7clEw", "MVYrJJNdrEg", "VPaOy3G1-2A", "XpC7SVDXimg", "jvqFAi7vkBc",
                    "k7aQEqDbuf8"} | ({p.stem for p in _CHAPTERED_DIR.glob("*.json")}
                                      if _CHAPTERED_DIR.is_dir() else set()))


@pytest.mark.shared
@pytest.mark.parametrize("video_id", CHAPTERED)
def test_chaptered_episode_keeps_metadata_and_chapters(
        video_id: str, shared_file: Callable[..., Path]) -> None:
    path = shared_file("chaptered", f"{video_id}.json")
    data = json.loads(path.read_text())
    t = read_transcript_file(path)
    assert (t.video_id, t.title, t.channel) == (data["video_id"], data["title"], data["channel"])
    assert [(c.start, c.title) for c in t.chapters] == [
        (float(c["start"]), c["title"]) for c in data["chapters"]]
    assert t.duration == pytest.approx(data["duration"])
    if video_id in ("jvqFAi7vkBc", "VPaOy3G1-2A"):  # uploaded vs auto-captions
        assert t.is_generated == (video_id != "jvqFAi7vkBc")
    src_words = sum(len(c["text"].split()) for c in data["cues"])
    words = sum(len(c.text.split()) for c in t.cues)
    assert 0.95 * src_words <= words <= src_words  # only [Music]-style tags and "- " marks go
    # Speakers come from the human transcript's turns, aligned to the caption words.
    names = {turn["speaker"] for turn in data["speaker_turns"]}
    assert {c.speaker for c in t.cues} <= names
    assert "Lex Fridman" in {c.speaker for c in t.cues}
    ours = [k for k, _ in itertools.groupby(c.speaker for c in t.cues)]
    ref = [k for k, _ in itertools.groupby(x["speaker"] for x in data["speaker_turns"])]
    assert len(ours) >= 0.8 * len(ref)  # short interjections the captions lack are lost
    assert all(a.start <= b.start for a, b in zip(t.cues, t.cues[1:], strict=False))
