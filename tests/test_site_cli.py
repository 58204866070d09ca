"""`notegraph build` and `notegraph check` through the CLI (CliRunner)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notegraph.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.mark.slow  # the full build: graph, embeddings of every note, search index
def test_build_writes_the_site_then_reports_up_to_date(project: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["--root", str(project), "build"])
    assert first.exit_code == 0, first.output
    assert (project / "site/index.html").exists()
    assert (project / "site/topics/empathy_in_machines/index.html").exists()
    second = runner.invoke(cli, ["--root", str(project), "build"])
    assert second.exit_code == 0 and "up to date" in second.output


def test_check_lists_problems_and_exits_1(project: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(project), "check"])
    assert result.exit_code == 1
    assert "topics/empathy_in_machines.md: [[Nobody Knows This]] matches no note" in result.output
    assert "4 problems" in result.output
    report_only = CliRunner().invoke(cli, ["--root", str(project), "check", "--exit-zero"])
    assert report_only.exit_code == 0 and "Nobody Knows This" in report_only.output


def test_check_on_a_clean_vault_exits_0(tmp_path: Path) -> None:
    notes = tmp_path / "content/notes"
    notes.mkdir(parents=True)
    (notes / "a.md").write_text("---\ntitle: A\n---\nSee [[b]].\n", encoding="utf-8")
    (notes / "b.md").write_text("B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 0 and "no problems" in result.output


def test_build_with_a_broken_template_is_one_clear_error(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/note.html").write_text("{% block x %}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(project), "build"])
    assert result.exit_code == 1
    assert "note.html" in result.output and "Traceback" not in result.output


def test_check_reports_grounding_of_llm_written_notes(tmp_path: Path) -> None:
    notes = tmp_path / "content" / "notes"
    notes.mkdir(parents=True)
    for name, (kept, recited, dropped) in {"a": (5, 1, 2), "b": (3, 0, 1)}.items():
        (notes / f"{name}.md").write_text(
            f"---\ntitle: {name}\ngrounding:\n  kept: {kept}\n  recited: {recited}\n"
            f"  dropped: {dropped}\n---\nProse.\n")
    (notes / "hand.md").write_text("# Mine\n\nNo grounding record here.\n")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 0, result.output
    assert ("grounding: 2 LLM-written note(s), 12 generated sentences: 8 kept as cited, "
            "1 re-cited, 3 dropped as unsupported by the transcript") in result.output


def test_check_says_nothing_about_grounding_without_llm_notes(tmp_path: Path) -> None:
    notes = tmp_path / "content" / "notes"
    notes.mkdir(parents=True)
    (notes / "hand.md").write_text("# Mine\n\nNo grounding record here.\n")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 0
    assert "grounding" not in result.output
