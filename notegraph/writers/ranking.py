"""Ranking sentences within a topic: lexical vectors, PageRank centrality (LexRank), cuts
in time at topic dips and maximal marginal relevance (MMR) for picking without repeats."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from notegraph.topics.concepts import concept_key
from notegraph.topics.words import STOPWORDS

_CONTENT_RE = re.compile(r"[a-z0-9][a-z0-9'-]*")


def lexical_vectors(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows over content words (stopwords out, singular nouns)."""
    docs = [[concept_key(w) for w in _CONTENT_RE.findall(t.lower())
             if w not in STOPWORDS and len(w) > 2] for t in texts]
    vocab: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            vocab.setdefault(w, len(vocab))
    mat = np.zeros((len(texts), max(1, len(vocab))), dtype=np.float32)
    for row, doc in enumerate(docs):
        for w, n in Counter(doc).items():
            mat[row, vocab[w]] = 1.0 + math.log(n)
    df = (mat > 0).sum(axis=0)
    mat *= np.log((1 + len(texts)) / (1 + df)) + 1.0
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.where(norms > 0, norms, 1.0)


def pagerank(vectors: np.ndarray, damping: float = 0.85, iterations: int = 50) -> np.ndarray:
    """PageRank of the graph whose edge weights are positive cosine similarities."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0)
    sim = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(sim, 0.0)
    out = sim.sum(axis=1, keepdims=True)
    # a sentence similar to nothing links to everyone (the usual dangling-node rule)
    trans = np.where(out > 0, sim / np.where(out > 0, out, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * (trans.T @ rank)
        done = np.abs(new - rank).sum() < 1e-8
        rank = new
        if done:
            break
    return rank


def split_in_time(vectors: np.ndarray, parts: int) -> list[range]:
    """Cut `len(vectors)` sentences into ≤ `parts` contiguous ranges at topic dips.

    A cut goes where the mean embedding of the sentences before it and of those after
    it (a few on each side) are least alike; parts are at least a third of an even share.
    """
    n = len(vectors)
    parts = max(1, min(parts, n // 3 or 1))
    if parts == 1:
        return [range(n)]
    min_size = max(2, n // (3 * parts))
    window = max(2, min(6, n // (2 * parts)))
    gaps = []
    for i in range(min_size, n - min_size + 1):
        left = vectors[max(0, i - window):i].mean(axis=0)
        right = vectors[i:i + window].mean(axis=0)
        denom = float(np.linalg.norm(left) * np.linalg.norm(right)) or 1.0
        gaps.append((float(left @ right) / denom, i))
    cuts: list[int] = []
    for _, i in sorted(gaps):
        if all(abs(i - c) >= min_size for c in cuts):
            cuts.append(i)
        if len(cuts) == parts - 1:
            break
    bounds = [0, *sorted(cuts), n]
    return [range(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def mmr(candidates: Sequence[int], relevance: np.ndarray, vectors: np.ndarray, k: int,
        diversity: float = 0.5, max_similarity: float = 0.9) -> list[int]:
    """Pick `k` of `candidates`: relevant, and unlike the ones already picked.

    A candidate more similar than `max_similarity` to a picked one is never taken.
    """
    picked: list[int] = []
    pool = [i for i in candidates if relevance[i] > 0]
    top = max((relevance[i] for i in pool), default=1.0) or 1.0
    while pool and len(picked) < k:
        def gain(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in picked), default=0.0)
            return (1 - diversity) * relevance[i] / top - diversity * redundancy

        best = max(pool, key=gain)
        picked.append(best)
        pool = [i for i in pool
                if i != best and float(vectors[i] @ vectors[best]) <= max_similarity]
    return picked
