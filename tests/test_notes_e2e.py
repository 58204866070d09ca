"""End to end with the real embedding model: `import` then `notes`, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from notes_helpers import vault_problems

from notegraph import store
from notegraph.config import load_config
from notegraph.models import Transcript
from notegraph.notes.generate import generate_notes

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "notes_talk.json"


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "notegraph", "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=600, check=False)


@pytest.mark.slow
def test_import_writes_grounded_notes_with_the_real_model(tmp_path: Path) -> None:
    done = _run(tmp_path, "import", "--id", "fixture-talk", str(FIXTURE))
    assert done.returncode == 0, done.stderr
    notes = tmp_path / "content" / "notes"
    topics = sorted(p.name for p in (notes / "topics").glob("*.md"))
    assert topics == ["dark_matter_and_the_bullet_cluster.md", "sleep_and_coffee.md"]
    transcript = store.load_transcript(tmp_path / "content" / "transcripts" / "fixture-talk.json")
    assert vault_problems(notes, {"fixture-talk": transcript}) == []
    # the real model's vectors were cached: nothing is embedded on a second run
    again = _run(tmp_path, "notes")
    assert again.returncode == 0, again.stderr
    assert "0 written" in again.stderr


@pytest.mark.slow
def test_real_model_builds_topic_vectors(tmp_path: Path) -> None:
    from notegraph.embed.embedder import load_embedder

    config = load_config(tmp_path)
    store.save_transcript(config.transcripts_path, Transcript.from_dict(
        json.loads(FIXTURE.read_text(encoding="utf-8"))))
    embedder = load_embedder(config)
    result = generate_notes(config, embedder=embedder)
    assert result.processed == ("fixture-talk",) and result.model_seconds > 0
    cache = json.loads((config.cache_path / "notes" / "topics" / "fixture-talk.json")
                       .read_text(encoding="utf-8"))
    a, b = cache["vectors"]
    assert len(a) == 384 and abs(sum(x * x for x in a) - 1.0) < 1e-3
    assert sum(x * y for x, y in zip(a, b, strict=True)) < 0.9  # two different topics
