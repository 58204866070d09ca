"""A newcomer's first minutes with the CLI (issue 12): init, a build in the wrong folder,
--verbose stages, help with examples, "1 problem"."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from notegraph.cli import cli


def test_init_makes_a_project_with_a_commented_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "my-notes")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "my-notes"
    toml = (root / "notegraph.toml").read_text(encoding="utf-8")
    assert toml.count("\n# ") >= 3 and 'site_title = "my notes"' in toml
    assert (root / "content" / "transcripts").is_dir() and (root / "content" / "notes").is_dir()
    assert "notegraph build" in result.output
    again = CliRunner().invoke(cli, ["init", str(root)])  # never overwrites a project
    assert again.exit_code == 1 and "already exists" in again.output


def test_build_without_content_says_so_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "build"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no content/ folder" in lines[0] and "notegraph init" in lines[0]
    assert not (tmp_path / "site").exists()  # no empty site built


def test_verbose_build_shows_stages_with_counts_and_times(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path)])
    (tmp_path / "content" / "notes" / "a.md").write_text("# A\n\nSee [[b]].\n", "utf-8")
    (tmp_path / "content" / "notes" / "b.md").write_text("# B\n\nBack to [[a]].\n", "utf-8")
    result = runner.invoke(cli, ["--root", str(tmp_path), "-v", "build"])
    assert result.exit_code == 0, result.output
    assert "site:" in result.output and " pages, " in result.output and " s" in result.output


def test_check_says_one_problem(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path)])
    (tmp_path / "content" / "notes" / "a.md").write_text("# A\n\nSee [[nowhere]].\n", "utf-8")
    result = runner.invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert "1 problem (" in result.output and "1 problems" not in result.output


def test_help_is_not_cut_off_and_has_examples() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands and "Quick start:" in result.output
    for command in ("add", "import", "build", "serve", "init", "check", "notes"):
        sub = CliRunner().invoke(cli, [command, "--help"])
        assert "Example" in sub.output, command


def test_all_notes_tells_twins_apart_by_their_video(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path)])
    notes = tmp_path / "content" / "notes"
    for vid, show in (("aaaaaaaaaaa", "First show"), ("bbbbbbbbbbb", "Second show")):
        (notes / f"{vid}.md").write_text(
            f"---\ntype: video\ntitle: {show}\nvideoId: {vid}\n---\n\nAn episode.\n", "utf-8")
        (notes / f"intro_{vid}.md").write_text(
            f"---\ntype: topic\ntitle: Introduction\nvideoId: {vid}\nstart: 0\n---\n\nHi.\n",
            "utf-8")
    result = runner.invoke(cli, ["--root", str(tmp_path), "build"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "all" / "index.html").read_text(encoding="utf-8")
    twins = [line for line in html.splitlines() if ">Introduction</a>" in line]
    assert len(twins) == 2
    assert '<span class="meta">First show</span>' in twins[0] + twins[1]
    assert '<span class="meta">Second show</span>' in twins[0] + twins[1]
