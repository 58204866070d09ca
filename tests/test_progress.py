"""What a user sees of long work: stages with live counts in a terminal, nothing when
quiet, one line per stage with its count and time at --verbose."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from notegraph import api, store
from notegraph.config import load_config
from notegraph.models import Transcript
from notegraph.notes.generate import generate_notes
from notegraph.report import NORMAL, QUIET, VERBOSE, Reporter

FIXTURE = Path(__file__).parent / "fixtures" / "notes_talk.json"


def _run(tmp_path: Path, level: int, terminal: bool = True) -> str:
    """Notes of the fixture talk with the real model, as the user's stderr shows them."""
    config = load_config(tmp_path)
    transcript = Transcript.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    store.save_transcript(config.transcripts_path, transcript)
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=120)
    generate_notes(config, reporter=Reporter(level, console))
    return out.getvalue()


def _plain(shown: str) -> str:
    """The text of terminal output, without its colours and cursor moves."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)


@pytest.mark.slow
def test_a_terminal_run_shows_each_stage_with_live_embedding_counts(tmp_path: Path) -> None:
    shown = _plain(_run(tmp_path, NORMAL))
    for stage in ("sentences", "embedding", "segmenting", "writing"):
        assert f"fixture-talk: {stage}" in shown, stage
    counts = re.findall(r"fixture-talk: embedding\D*?(\d+)/(\d+)", shown)
    assert counts and all(0 <= int(n) <= int(m) for n, m in counts), shown[-2000:]
    assert any(n == m for n, m in counts), "the embedding count reaches its total"


@pytest.mark.slow
def test_quiet_prints_nothing(tmp_path: Path) -> None:
    assert _run(tmp_path, QUIET) == ""


@pytest.mark.slow
def test_verbose_says_each_stage_once_with_count_and_time(tmp_path: Path) -> None:
    lines = _run(tmp_path, VERBOSE, terminal=False).splitlines()
    stage_lines = [line for line in lines if line.startswith("fixture-talk: ")]
    assert re.search(r"fixture-talk: sentences: \d+ sentences \(\d+\.\d\d s\)", "\n".join(lines))
    assert any(re.fullmatch(r"fixture-talk: segmenting: \d+ segments from \d+ windows "
                            r"\(\d+\.\d\d s\)", line) for line in stage_lines), lines
    assert any(re.fullmatch(r"fixture-talk: embedding: \d+ texts, \d+\.\d\d s in the model "
                            r"\((\d+)/\1, \d+\.\d\d s\)", line) for line in stage_lines), lines
    assert any(re.fullmatch(r"fixture-talk: writing: \d+ topics written \(\d+/\d+, "
                            r"\d+\.\d\d s\)", line) for line in stage_lines), lines


SITE_PROJECT = Path(__file__).parent / "fixtures" / "site_project"


def _build(tmp_path: Path, level: int, terminal: bool = True) -> str:
    """A build of the fixture site with the default plug-ins, as stderr shows it."""
    root = tmp_path / "project"
    shutil.copytree(SITE_PROJECT, root)
    out = io.StringIO()
    api.build(load_config(root), Reporter(level, Console(file=out, force_terminal=terminal,
                                                         width=120)))
    return out.getvalue()


def test_a_terminal_build_shows_its_stages_and_pages_counted(tmp_path: Path) -> None:
    shown = _plain(_build(tmp_path, NORMAL))
    for stage in ("reading notes", "linking notes", "preparing graph", "pages", "search"):
        assert stage in shown, stage
    counts = re.findall(r"pages\D*?(\d+)/(\d+)", shown)
    assert counts and any(n == m != "0" for n, m in counts), shown[-2000:]


def test_a_quiet_build_prints_nothing(tmp_path: Path) -> None:
    assert _build(tmp_path, QUIET) == ""


def test_a_verbose_build_says_each_stage_with_its_time(tmp_path: Path) -> None:
    lines = _build(tmp_path, VERBOSE, terminal=False).splitlines()
    assert any(re.fullmatch(r"reading notes: \d+ notes, \d+ transcripts \(\d+\.\d\d s\)", ln)
               for ln in lines), lines
    assert any(re.fullmatch(r"pages: \d+ note pages \((\d+)/\1, \d+\.\d\d s\)", ln)
               for ln in lines), lines
    assert any(re.fullmatch(r"search \(\d+\.\d\d s\)", ln) for ln in lines), lines
