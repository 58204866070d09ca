"""Each note's nearest notes by embedding, exactly, and incrementally after a change.

Related notes take the few notes nearest to each note by embedding as candidates. The
lists must be a pure function of the vectors, whether computed from scratch (one big
blocked matrix product) or updated after one note was added (a thin product against
the new vectors only). Float sums depend on how a product is blocked, so two ways of
computing the same similarity can differ in the last bit and swap two near-tied
neighbours. So the ranking uses an exact similarity: vectors are quantised to integers
(`2**bits` per unit) and dotted in float64, where every partial sum is an integer below
2**53, hence exact in any order. A float32 product only preselects candidates, with a
margin larger than its rounding error; the exact score decides, ties by note id.

Incremental update (`nearest` with `previous`): a note keeps its previous list merged
with the new and changed vectors, unless one of its listed neighbours changed or went
away; then its row is computed again. Either way the list is the one a fresh
computation gives.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

BLOCK = 1024  # rows per float32 product: ~40 MB of similarities at 10,000 notes


@dataclass(frozen=True)
class Nearest:
    """Per note (sorted `ids`), its `want` nearest other notes as (id, exact score),
    best first; `digests` fingerprint each vector, so a later run sees what changed."""

    ids: tuple[str, ...]
    digests: tuple[str, ...]
    want: int
    bits: int
    top: Mapping[str, tuple[tuple[str, int], ...]]

    def to_json(self) -> dict:
        """Plain data for a cache file."""
        return {"ids": list(self.ids), "digests": list(self.digests), "want": self.want,
                "bits": self.bits,
                "top": {n: [[t, s] for t, s in rows] for n, rows in self.top.items()}}

    @classmethod
    def from_json(cls, data: dict) -> Nearest:
        """The inverse of `to_json` (raises KeyError/TypeError/ValueError when malformed)."""
        return cls(tuple(data["ids"]), tuple(data["digests"]), int(data["want"]),
                   int(data["bits"]),
                   {n: tuple((str(t), int(s)) for t, s in rows)
                    for n, rows in data["top"].items()})

    def neighbours(self, note: str) -> list[str]:
        """The ids nearest to `note`, best first (empty when it has no vector)."""
        return [t for t, _ in self.top.get(note, ())]


def vector_digest(vector: np.ndarray) -> str:
    """A fingerprint of one vector (its float32 bytes)."""
    data = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def quantise_bits(dim: int) -> int:
    """Bits per unit so that a dot product of two quantised unit vectors is exact in
    float64: `dim` products of at most 2**(2·bits) stay below 2**52."""
    return max(8, min(20, (52 - math.ceil(math.log2(max(dim, 2)))) // 2))


class VectorSpace:
    """The vectors of one run: float32 for preselection, quantised float64 for ranks."""

    def __init__(self, ids: Sequence[str], vectors: Mapping[str, np.ndarray]) -> None:
        self.ids = list(ids)
        self.m32 = (np.vstack([np.asarray(vectors[i], dtype=np.float32) for i in self.ids])
                    if self.ids else np.zeros((0, 1), dtype=np.float32))
        dim = self.m32.shape[1]
        self.bits = quantise_bits(dim)
        unit = float(2 ** self.bits)
        # clipped to [-1, 1]: rows are unit vectors, so this only guards the exactness bound
        self.q = np.round(np.clip(self.m32.astype(np.float64), -1.0, 1.0) * unit)
        # float32 product error (≤ dim·2⁻²⁴ for unit rows) plus the quantisation error
        # (≤ √dim / 2**bits), both doubled: the preselection margin
        self.eps = 2 * (dim * 2.0 ** -24 + math.sqrt(dim) / unit)

    def rows(self, rows: Sequence[int], want: int) -> dict[int, list[tuple[int, int]]]:
        """For each row index: its `want` best (column, exact score), best first."""
        out: dict[int, list[tuple[int, int]]] = {}
        n = len(self.ids)
        if want <= 0 or n < 2:
            return {r: [] for r in rows}
        rows = list(rows)
        for start in range(0, len(rows), BLOCK):
            chunk = rows[start:start + BLOCK]
            approx = self.m32[chunk] @ self.m32.T
            approx[np.arange(len(chunk)), chunk] = -np.inf  # never yourself
            # the want-th best approximate score per row, then everything within the margin
            cut = -np.partition(-approx, want - 1, axis=1)[:, want - 1] - 2 * self.eps
            for i, r in enumerate(chunk):
                cand = np.flatnonzero(approx[i] >= cut[i])
                exact = self.q[cand] @ self.q[r]
                order = np.lexsort((cand, -exact))[:want]
                out[r] = [(int(cand[j]), int(exact[j])) for j in order]
        return out


def nearest(vectors: Mapping[str, np.ndarray], want: int,
            previous: Nearest | None = None) -> Nearest:
    """Every vector's `want` nearest others (see the module doc), reusing `previous`."""
    ids = sorted(vectors)
    space = VectorSpace(ids, vectors)
    digests = tuple(vector_digest(space.m32[i]) for i in range(len(ids)))
    want = max(0, min(want, len(ids) - 1))
    pos = {u: i for i, u in enumerate(ids)}
    top: dict[str, tuple[tuple[str, int], ...]] = {}
    redo: list[int] = list(range(len(ids)))
    if (previous is not None and want > 0
            and (previous.want, previous.bits) == (want, space.bits)):
        before = dict(zip(previous.ids, previous.digests, strict=True))
        changed = [i for i, u in enumerate(ids) if before.get(u) != digests[i]]
        kept = {u for i, u in enumerate(ids) if before.get(u) == digests[i]}
        gone = set(previous.ids) - kept  # removed, or changed: no longer what was ranked
        fresh = set(changed)
        redo = list(changed)
        merge: list[int] = []
        for i, u in enumerate(ids):
            if i in fresh:
                continue
            old = previous.top.get(u)
            if old is None or len(old) < want or any(t in gone for t, _ in old):
                redo.append(i)
            else:
                top[u] = old
                merge.append(i)
        if changed and merge:
            # exact scores of the kept rows against the new and changed vectors (a thin
            # product); only those reaching a row's current last place can enter its list
            scores = space.q[merge] @ space.q[changed].T
            last = np.array([top[ids[i]][-1][1] for i in merge], dtype=np.float64)
            for a, b in zip(*np.nonzero(scores >= last[:, None]), strict=True):
                u = ids[merge[a]]
                top[u] = (*top[u], (ids[changed[b]], int(scores[a, b])))
            for i in merge:
                u = ids[i]
                if len(top[u]) > want:
                    top[u] = tuple(sorted(top[u], key=lambda ts: (-ts[1], pos[ts[0]]))[:want])
    for r, best in space.rows(sorted(redo), want).items():
        top[ids[r]] = tuple((ids[c], s) for c, s in best)
    return Nearest(tuple(ids), digests, want, space.bits, {u: top[u] for u in ids})


def nearest_to(vectors: Mapping[str, np.ndarray], note: str, want: int) -> list[str]:
    """The `want` ids nearest to `note` (one query; the same ranking as `nearest`)."""
    ids = sorted(vectors)
    if note not in vectors:
        return []
    space = VectorSpace(ids, vectors)
    row = ids.index(note)
    return [ids[c] for c, _ in space.rows([row], min(want, len(ids) - 1))[row]]
