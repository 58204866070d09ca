"""`notegraph import` as a user meets it: written, no-op, --force, and every bad input
as one line with exit != 0, no traceback and nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notegraph.cli import cli

SRT = "1\n00:00:00,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,000 --> 00:00:04,000\nBye.\n"


def run(root: Path, *args: str) -> Result:
    # --no-notes: these tests are about ingestion; notes have their own tests
    return CliRunner().invoke(cli, ["--root", str(root), "import", "--no-notes", *args])


def written(root: Path) -> list[Path]:
    """Every file under the project except the inputs we put there."""
    return sorted(p for p in root.rglob("*") if p.is_file() and "inputs" not in p.parts)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "inputs").mkdir()
    return tmp_path


def test_import_writes_normalized_transcript(project: Path) -> None:
    src = project / "inputs" / "ep1.srt"
    src.write_text(SRT)
    result = run(project, str(src), "--title", "Ep 1 / the start", "--channel", "Show")
    assert result.exit_code == 0, result.output
    [out] = written(project)
    data = json.loads(out.read_text())
    assert out.name == data["video_id"] + ".json" and data["video_id"].startswith("ep1-")
    assert (data["title"], data["channel"], data["source"]) == (
        "Ep 1 / the start", "Show", "file:srt")
    assert data["cues"][0] == {"start": 0, "end": 2, "text": "Hello there.", "speaker": None}
    assert "2 cues" in result.output


def test_reimport_is_a_noop_unless_forced(project: Path) -> None:
    src = project / "inputs" / "ep1.srt"
    src.write_text(SRT)
    assert run(project, str(src)).exit_code == 0
    [out] = written(project)
    before = out.read_text()
    src.write_text(SRT.replace("Bye.", "Goodbye."))
    again = run(project, str(src))
    assert again.exit_code == 0 and "already stored" in again.output
    assert out.read_text() == before
    forced = run(project, str(src), "--force")
    assert forced.exit_code == 0 and "Goodbye." in out.read_text()


def test_chaptered_episode_via_cli_with_its_own_id(project: Path,
                                                   shared_file: Callable[..., Path]) -> None:
    src = shared_file("chaptered", "VPaOy3G1-2A.json")
    assert run(project, str(src)).exit_code == 0
    data = json.loads((project / "content" / "transcripts" / "VPaOy3G1-2A.json").read_text())
    assert data["channel"] == "Lex Fridman" and len(data["chapters"]) == 5
    assert data["title"].startswith("Lisa Randall")


def _bad_inputs(inputs: Path) -> dict[str, tuple[list[str], str]]:
    huge = inputs / "huge.vtt"
    with huge.open("wb") as fh:
        fh.truncate(2 * 1024**3)
    files = {
        "empty.srt": b"", "binary.srt": b"\x00\x01\x02\xff" * 100,
        "latin1.srt": "1\n00:00:00,000 --> 00:00:01,000\ncaf\xe9\n".encode("latin-1"),
        "unknown.txt": b"nothing timed here\n",
        "order.srt": (b"1\n00:00:09,000 --> 00:00:10,000\nb\n\n"
                      b"2\n00:00:01,000 --> 00:00:02,000\na\n"),
        "neg.json": b'[{"text": "x", "start": -2, "duration": 1}]',
        "ok.srt": SRT.encode(),
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    ok = str(inputs / "ok.srt")
    return {
        "empty": ([str(inputs / "empty.srt")], "empty"),
        "binary": ([str(inputs / "binary.srt")], "binary file"),
        "huge": ([str(huge)], "too big"),
        "utf8": ([str(inputs / "latin1.srt")], "not valid UTF-8"),
        "unknown": ([str(inputs / "unknown.txt")], "unknown transcript layout"),
        "order": ([str(inputs / "order.srt")], "out of order"),
        "negative": ([str(inputs / "neg.json")], "negative time"),
        "missing": ([str(inputs / "missing.srt")], "no such file"),
        "id": ([ok, "--id", "../x"], "invalid ID '../x'"),
        "abs-id": ([ok, "--id", "/tmp/evil"], "invalid ID"),
        "bad-chapters": ([ok, "--chapters", str(inputs / "unknown.txt")], "no chapter list"),
    }


@pytest.mark.parametrize("case", ["empty", "binary", "huge", "utf8", "unknown", "order",
                                  "negative", "missing", "id", "abs-id", "bad-chapters"])
def test_bad_input_one_line_nonzero_nothing_written(project: Path, case: str) -> None:
    args, problem = _bad_inputs(project / "inputs")[case]
    result = run(project, *args)
    assert result.exit_code != 0
    assert problem in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert written(project) == []


def test_title_with_slash_never_becomes_a_path(project: Path) -> None:
    src = project / "inputs" / "t.srt"
    src.write_text(SRT)
    result = run(project, str(src), "--title", "../../../outside/evil", "--id", "safe-id")
    assert result.exit_code == 0
    assert written(project) == [project / "content" / "transcripts" / "safe-id.json"]
    assert not (project.parent / "outside").exists()


def test_one_bad_file_does_not_stop_the_others(project: Path) -> None:
    good, bad = project / "inputs" / "good.srt", project / "inputs" / "bad.srt"
    good.write_text(SRT)
    bad.write_text("")
    result = run(project, str(bad), str(good))
    assert result.exit_code == 1
    assert "1 of 2 inputs failed" in result.output
    [out] = written(project)
    assert out.parent.name == "transcripts" and out.name.startswith("good-")
