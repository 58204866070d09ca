"""Two processes writing one embedding cache at once (Ray workers on one node do).

Each writes many small batches, some keys shared with the other, with compaction forced
often; afterwards a fresh reader must find every vector, exactly, and no stray temp file.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path
from typing import Any

import numpy as np

from notegraph.embed.embedder import EmbeddingCache

BATCHES = 60
PER_BATCH = 4


def vector(key: str) -> np.ndarray:
    """The vector of a key: derived from it, so both writers agree on shared keys."""
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return np.random.default_rng(seed).standard_normal(8).astype(np.float32)


def keys_of(writer: int, batch: int) -> list[str]:
    # half of each batch is shared by both writers, half is the writer's own
    return [f"shared-{batch}-{i}" for i in range(PER_BATCH // 2)] + \
           [f"w{writer}-{batch}-{i}" for i in range(PER_BATCH // 2)]


def write_many(directory: str, writer: int, start: Any) -> None:
    EmbeddingCache.MAX_FILES = 3  # compact every few batches: the racy part
    start.wait()
    cache = EmbeddingCache(Path(directory))
    for batch in range(BATCHES):
        if batch and batch % 10 == 0:
            cache = EmbeddingCache(Path(directory))  # a fresh view, like a restarted worker
        cache.put_many({k: vector(k) for k in keys_of(writer, batch)})


def test_two_writers_never_lose_or_corrupt_vectors(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=write_many, args=(str(tmp_path), w, start)) for w in (0, 1)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    reader = EmbeddingCache(tmp_path)
    expected = {k for w in (0, 1) for b in range(BATCHES) for k in keys_of(w, b)}
    missing = [k for k in sorted(expected) if reader.get(k) is None]
    assert missing == []
    wrong = [k for k in sorted(expected) if not np.array_equal(reader.get(k), vector(k))]
    assert wrong == []
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".npz")] == []
    # compaction happened: far fewer files than the 2 × 60 batches written
    assert len(list(tmp_path.glob("*.npz"))) < BATCHES
