"""The CLI as a user meets it: real files, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from notegraph import __version__
from notegraph.cli import cli

REPO = Path(__file__).resolve().parents[1]


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_bad_config_is_one_line_and_nonzero(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text('colour = "blue"\n')
    (tmp_path / "t.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "import", str(tmp_path / "t.srt")])
    assert result.exit_code == 1
    assert "unknown key 'colour'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "content").exists()


def test_python_m_notegraph_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "notegraph", "--help"], capture_output=True,
                          text=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": ""},
                          check=False)
    assert proc.returncode == 0
    assert "import" in proc.stdout and "add" in proc.stdout
