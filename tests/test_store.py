"""Atomic writes, confinement to a root, transcript round trips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from notegraph import store
from notegraph.errors import InputError, ParseError
from notegraph.models import Chapter, Cue, Transcript


def _transcript(video_id: str = "abc") -> Transcript:
    return Transcript(
        video_id=video_id, title="T / with slash", channel="C", language="en",
        source="file:srt", is_generated=False, duration=12.5,
        chapters=(Chapter(0, "Intro"),),
        cues=(Cue(0.0, 2.0, "hello there", None), Cue(2.0, 12.5, "second", "Ann")),
    )


def test_transcript_round_trip(tmp_path: Path) -> None:
    path = store.save_transcript(tmp_path, _transcript())
    assert path == (tmp_path / "abc.json").resolve()
    data = json.loads(path.read_text())
    assert list(data) == ["video_id", "title", "channel", "language", "source", "is_generated",
                          "duration", "chapters", "cues"]
    assert data["cues"][0] == {"start": 0, "end": 2, "text": "hello there", "speaker": None}
    assert store.load_transcript(path) == _transcript()


def test_title_with_slash_never_becomes_a_path(tmp_path: Path) -> None:
    store.save_transcript(tmp_path, _transcript())
    assert [p.name for p in tmp_path.iterdir()] == ["abc.json"]


@pytest.mark.parametrize("vid", ["../x", "a/b", "..", "/etc/passwd"])
def test_unsafe_ids_are_refused(tmp_path: Path, vid: str) -> None:
    # The message must name the bad ID and say what is allowed (the house error rule).
    with pytest.raises(InputError, match=rf"invalid ID {re.escape(repr(vid))}: use letters"):
        store.save_transcript(tmp_path / "t", _transcript(vid))
    assert not (tmp_path / "x.json").exists()
    assert not (tmp_path / "t").exists()


def test_safe_join_refuses_escape(tmp_path: Path) -> None:
    assert store.safe_join(tmp_path, "a", "b.md") == tmp_path.resolve() / "a" / "b.md"
    with pytest.raises(InputError, match=r"refusing to write outside .*'\.\./evil'"):
        store.safe_join(tmp_path, "..", "evil")


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    store.atomic_write_text(path, "old")
    # A failure while writing (here: writing a non-bytes object) keeps the old content
    # and leaves no temp file behind.
    with pytest.raises(TypeError, match="bytes-like"):
        store.atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]


def test_load_transcript_reports_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"title": "no id"}')
    with pytest.raises(ParseError, match=r"bad\.json"):
        store.load_transcript(path)


def test_content_hash_is_stable_and_separates_parts() -> None:
    assert store.content_hash("a", "b") == store.content_hash("a", "b")
    assert store.content_hash("ab") != store.content_hash("a", "b")
    assert len(store.content_hash(b"x")) == 16


def test_write_text_if_changed_leaves_an_identical_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "out" / "feed.xml"
    assert store.write_text_if_changed(path, "<rss/>\n") is True  # new (folder made too)
    stamp = path.stat().st_mtime_ns
    assert store.write_text_if_changed(path, "<rss/>\n") is False
    assert path.stat().st_mtime_ns == stamp
    # same text but other line endings is a change: outputs are compared byte for byte
    path.write_bytes(b"<rss/>\r\n")
    assert store.write_text_if_changed(path, "<rss/>\n") is True
    assert path.read_bytes() == b"<rss/>\n"
    assert store.write_text_if_changed(path, "caf\u00e9\n") is True
    assert path.read_text(encoding="utf-8") == "caf\u00e9\n"
