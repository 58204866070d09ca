"""scripts/blind_points.py: points only one writer wrote, shuffled; unmasked by the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "blind_points.py"


def _notes(root: Path, points: list[str]) -> Path:
    (root / "topics").mkdir(parents=True)
    body = "".join(f'- [[Ada Park]]: {p} <a class="yt-timestamp" data-t="00:00:0{i}">x</a>\n'
                   for i, p in enumerate(points))
    (root / "topics" / "t.md").write_text("---\ntype: topic\n---\n\n" + body, encoding="utf-8")
    return root


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, check=False)


def test_draws_only_unshared_points_and_scores_by_writer(tmp_path: Path) -> None:
    before = _notes(tmp_path / "a", ["Shared point.", "Old one.", "Old two."])
    after = _notes(tmp_path / "b", ["Shared point.", "New [[x|one]]."])
    key = tmp_path / "key.json"
    drawn = _run("draw", str(before), str(after), "--n", "5", "--key", str(key))
    assert drawn.returncode == 0, drawn.stderr
    shown = {line.split(" ", 1)[1] for line in drawn.stdout.splitlines()}
    assert shown == {"Old one.", "Old two.", "New one."}  # labels shown, shared left out
    items = json.loads(key.read_text(encoding="utf-8"))
    labels = "".join("y" if writer == "after" else "n" for writer, _ in items)
    scored = _run("score", str(key), labels)
    assert "before: 0 of 2 kept" in scored.stdout and "after: 1 of 1 kept" in scored.stdout
    bad = _run("score", str(key), "y")
    assert bad.returncode == 2 and "one y/n per point" in bad.stderr


def test_lead_draws_the_lead_sentences(tmp_path: Path) -> None:
    notes = []
    for root, lead in [(tmp_path / "a", "Old lead."), (tmp_path / "b", "New lead.")]:
        (root / "topics").mkdir(parents=True)
        (root / "topics" / "t.md").write_text(
            "---\ntype: topic\n---\n\nFrom: [[c|C]] <br/>\n"
            f'{lead} <a class="yt-timestamp" data-t="00:00:01">x</a>\n\n## Key points\n\n'
            '- Same point. <a class="yt-timestamp" data-t="00:00:02">x</a>\n', encoding="utf-8")
        notes.append(root)
    key = tmp_path / "key.json"
    drawn = _run("draw", *map(str, notes), "--lead", "--key", str(key))
    assert drawn.returncode == 0, drawn.stderr
    assert {line.split(" ", 1)[1] for line in drawn.stdout.splitlines()} == {
        "Old lead.", "New lead."}
