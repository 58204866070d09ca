"""Tune the segmenter's length prior on chaptered episodes (chapters hidden).

For every value of `--target` (seconds per topic the prior expects) and `--min`
(shortest topic), runs `segment.topic_starts` on every episode of the folders given
(default ../shared/data/chaptered/) and prints mean boundary F1 (±30 s) and Pk, the
numbers `notegraph eval segments` reports. Window embeddings are computed once per
episode (and come from the project's embedding cache under `--root`).

Usage: python scripts/tune_segments.py [DIR ...] [--root DIR] [--target 420 540 ...]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notegraph.config import load_config  # noqa: E402
from notegraph.embed.embedder import load_embedder  # noqa: E402
from notegraph.text.sentences import split_sentences  # noqa: E402
from notegraph.topics import segment  # noqa: E402
from notegraph.topics.evaluate import load_episodes, score_starts  # noqa: E402


class MemoEmbedder:
    """Keeps every vector in memory: each window is embedded (or read) once per run."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.memo: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.embed(missing), strict=True))  # type: ignore[attr-defined]
        return np.stack([self.memo[t] for t in texts])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--target", type=float, nargs="+",
                        default=[segment.TARGET_TOPIC_SECONDS])
    parser.add_argument("--min", dest="mins", type=float, nargs="+",
                        default=[segment.MIN_TOPIC_SECONDS])
    args = parser.parse_args()
    dirs = args.dirs or [ROOT.parent / "shared" / "data" / "chaptered"]
    embedder = MemoEmbedder(load_embedder(load_config(args.root)))
    episodes = [(ep, split_sentences(ep.transcript)) for d in dirs
                for _, ep in load_episodes(d)]
    print("| target s | min s | mean F1 | mean Pk |\n|---|---|---|---|")
    for target, min_len in itertools.product(args.target, args.mins):
        segment.MIN_TOPIC_SECONDS = min_len
        f1s, pks = [], []
        for ep, sentences in episodes:
            starts = segment.topic_starts(sentences, embedder, duration=ep.transcript.duration,
                                          target_seconds=target)
            score = score_starts(ep, starts, "notegraph")
            f1s.append(score.f1)
            pks.append(score.pk)
        print(f"| {target:.0f} | {min_len:.0f} | {np.mean(f1s):.3f} | {np.mean(pks):.3f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
