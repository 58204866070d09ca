"""Segmentation metrics (hand-computed cases) and the evaluation on a real episode."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from notegraph.config import Config
from notegraph.embed.embedder import load_embedder
from notegraph.topics import evaluate


@pytest.mark.parametrize(
    ("ref", "hyp", "expected"),
    [
        ([], [], (1.0, 1.0, 1.0)),
        ([100.0], [], (0.0, 0.0, 0.0)),
        ([], [100.0], (0.0, 0.0, 0.0)),
        ([100.0], [100.0], (1.0, 1.0, 1.0)),
        ([100.0], [130.0], (1.0, 1.0, 1.0)),  # exactly on the collar counts
        ([100.0], [131.0], (0.0, 0.0, 0.0)),
        # two hypotheses near one reference: only one may match
        ([100.0], [90.0, 110.0], (0.5, 1.0, 2 / 3)),
        # 3 refs, 2 hyps, 2 matched: P = 1, R = 2/3, F1 = 0.8
        ([100.0, 400.0, 700.0], [95.0, 720.0], (1.0, 2 / 3, 0.8)),
        # the greedy must not steal: ref 100 takes 75, ref 140 takes 125
        ([100.0, 140.0], [75.0, 125.0], (1.0, 1.0, 1.0)),
    ],
)
def test_boundary_f1(ref, hyp, expected):
    assert evaluate.boundary_f1(ref, hyp) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ref", "hyp", "duration", "k", "expected"),
    [
        # identical segmentations: 0
        ([0, 50], [0, 50], 100, None, 0.0),
        # grid 0..90 (10 points), ref labels 0000011111, k = 10/2/2 = 2 (rounded 2.5 → 2)
        # hyp without boundary: disagrees on probes (3,5),(4,6) → 2 of 8
        ([0, 50], [0], 100, None, 2 / 8),
        # hyp boundary one step late (60): ref differs on probes starting at 3 and 4,
        # hyp on 4 and 5 → they disagree at 3 and 5: 2 of 8
        ([0, 50], [0, 60], 100, None, 2 / 8),
        # hyp boundary far off (90): ref differs at 3, 4; hyp at 7 → 3 of 8
        ([0, 50], [0, 90], 100, None, 3 / 8),
        # explicit k = 1: hyp at 70 vs ref 50: probes (4,5),(6,7) disagree → 2 of 9
        ([0, 50], [0, 70], 100, 1, 2 / 9),
    ],
)
def test_pk(ref, hyp, duration, k, expected):
    assert evaluate.pk(ref, hyp, duration, k=k) == pytest.approx(expected)


def test_segment_labels_and_inner_boundaries():
    assert evaluate.inner_boundaries([0, 300, 100, 100, 999], 500) == [100, 300]
    assert list(evaluate.segment_labels([0, 20], 50)) == [0, 0, 1, 1, 1]


def test_equal_starts():
    assert evaluate.equal_starts(100, 4) == [0, 25, 50, 75]
    assert evaluate.equal_starts(100, 0) == [0]


def test_format_table_has_means():
    scores = [evaluate.Score("a", "m", 0.5, 0.2, 3, 3), evaluate.Score("b", "m", 1.0, 0.4, 2, 2)]
    table = evaluate.format_table(scores)
    assert "| m | 0.50 / 0.20 | 1.00 / 0.40 | 0.750 | 0.300 |" in table


def test_load_episode_hides_chapters_and_reads_speakers(tmp_path: Path):
    data = {"video_id": "abc", "title": "T", "channel": "C", "duration": 20,
            "cues": [{"start": 0, "duration": 2, "text": "hello there"},
                     {"start": 5, "duration": 2, "text": "hi"}],
            "chapters": [{"start": 0, "title": "Intro"}, {"start": 10, "title": "Main"}],
            "speaker_turns": [{"start": 0, "speaker": "Ann", "text": "Hello there."},
                              {"start": 5, "speaker": "Bob", "text": "Hi."}]}
    path = tmp_path / "abc.json"
    path.write_text(json.dumps(data))
    episode = evaluate.load_episode(path)
    assert episode.transcript.chapters == ()
    assert episode.reference_starts == [0, 10]
    assert [c.speaker for c in episode.transcript.cues] == ["Ann", "Bob"]
    assert episode.transcript.cues[0].end == 2


def _episode_folder(src: Path, tmp_path: Path) -> Path:
    """A folder holding just `src` (linked, never copied: shared data stays outside)."""
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / src.name).symlink_to(src)
    return folder


@pytest.mark.slow
@pytest.mark.shared
def test_evaluation_on_a_real_episode(shared_file: Callable[..., Path], tmp_path: Path):
    """The whole evaluation on the shortest real episode, with the real model."""
    src = shared_file("chaptered", "VPaOy3G1-2A.json")
    folder = _episode_folder(src, tmp_path)
    embedder = load_embedder(Config(root=tmp_path))
    scores = evaluate.evaluate_segments(folder, embedder)
    assert [s.method for s in scores] == ["notegraph", "equal", "texttiling"]
    episode = evaluate.load_episode(src)
    duration = episode.transcript.duration
    ref = evaluate.inner_boundaries(episode.reference_starts, duration)
    for s in scores:
        assert s.n_reference == len(ref) == 4
        assert 0.0 <= s.f1 <= 1.0 and 0.0 <= s.pk <= 1.0
    # Recompute the equal baseline by hand: its scores must be exactly these.
    k = evaluate.prior_topic_count(duration)
    starts = [duration * i / k for i in range(k)]
    equal = next(s for s in scores if s.method == "equal")
    assert equal.f1 == pytest.approx(evaluate.boundary_f1(ref, starts[1:])[2])
    assert equal.pk == pytest.approx(evaluate.pk(episode.reference_starts, starts, duration))
    # The segmenter beats the plain TextTiling baseline on Pk on this episode.
    mine = next(s for s in scores if s.method == "notegraph")
    tiling = next(s for s in scores if s.method == "texttiling")
    assert mine.pk < tiling.pk
    assert np.isfinite([s.f1 for s in scores]).all()


def test_eval_command_errors_are_one_line(tmp_path: Path):
    from click.testing import CliRunner

    from notegraph.cli import cli

    (tmp_path / "notes.txt").write_text("not a transcript at all\n")
    runner = CliRunner()
    empty = runner.invoke(cli, ["--root", str(tmp_path), "eval", "segments", str(tmp_path)])
    assert empty.exit_code == 1
    assert "no transcript with chapters found" in empty.output
    assert "Traceback" not in empty.output
    bad = runner.invoke(cli, ["--root", str(tmp_path), "eval", "segments", str(tmp_path),
                              "--method", "magic"])
    assert bad.exit_code == 1 and "unknown method(s) magic" in bad.output


@pytest.mark.slow
@pytest.mark.shared
def test_eval_command_prints_the_table(shared_file: Callable[..., Path], tmp_path: Path):
    from click.testing import CliRunner

    from notegraph.cli import cli

    src = shared_file("chaptered", "MVYrJJNdrEg.json")
    folder = _episode_folder(src, tmp_path)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "eval", "segments",
                                      str(folder), "--method", "equal"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("| method | MVYrJJNdrEg F1 / Pk |")
    assert lines[2].startswith("| equal | ")
