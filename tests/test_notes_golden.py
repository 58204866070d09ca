"""Golden notes for a small fixture talk: the whole vault, byte for byte.

A deliberate change of the output is accepted with `pytest --update-goldens`; review
the diff of tests/golden/notes/ before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

from notes_helpers import HashEmbedder, vault_problems

from notegraph import store
from notegraph.config import load_config
from notegraph.models import Transcript
from notegraph.notes.generate import generate_notes

FIXTURE = Path(__file__).parent / "fixtures" / "notes_talk.json"
GOLDEN = Path(__file__).parent / "golden" / "notes"


def _vault(tmp_path: Path) -> tuple[Path, Transcript]:
    config = load_config(tmp_path)
    transcript = Transcript.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    store.save_transcript(config.transcripts_path, transcript)
    result = generate_notes(config, embedder=HashEmbedder())
    assert result.processed == (transcript.video_id,)
    return config.notes_path, transcript


def test_fixture_vault_matches_golden(tmp_path: Path, update_goldens: bool) -> None:
    notes_dir, _ = _vault(tmp_path)
    produced = {p.relative_to(notes_dir).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(notes_dir.rglob("*.md"))}
    if update_goldens:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for rel, text in produced.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(GOLDEN.rglob("*.md"))}
    assert sorted(produced) == sorted(expected)
    for rel, text in produced.items():
        assert text == expected[rel], f"{rel} differs from its golden (pytest --update-goldens)"


def test_fixture_vault_is_grounded(tmp_path: Path) -> None:
    notes_dir, transcript = _vault(tmp_path)
    assert vault_problems(notes_dir, {transcript.video_id: transcript}) == []
