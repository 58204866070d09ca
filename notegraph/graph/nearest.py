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


@dataclass(frozen=True, eq=False)
class Nearest:
    """Each of `ids` (sorted) with its `want` nearest others: row i of `cols` holds their
    indices into `ids`, best first, and `scores` their exact scores. `digests`
    fingerprint each vector, so a later run sees what changed."""

    ids: tuple[str, ...]
    digests: tuple[str, ...]
    want: int
    bits: int
    cols: np.ndarray  # (len(ids), want) int32
    scores: np.ndarray  # (len(ids), want) int64

    def lists(self) -> dict[str, list[str]]:
        """Every id's nearest ids, best first."""
        ids = self.ids
        return {u: [ids[c] for c in row] for u, row in zip(ids, self.cols.tolist(),
                                                             strict=True)}

    def same_as(self, other: Nearest | None) -> bool:
        """Whether `other` holds exactly the same lists (so a cache need not be rewritten)."""
        return (other is not None and (self.ids, self.digests, self.want, self.bits)
                == (other.ids, other.digests, other.want, other.bits)
                and np.array_equal(self.cols, other.cols)
                and np.array_equal(self.scores, other.scores))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for a cache file (`numpy.savez`: loads far faster than JSON)."""
        return {"ids": pack_strings(self.ids), "digests": pack_strings(self.digests),
                "want": np.array(self.want), "bits": np.array(self.bits),
                "cols": self.cols, "scores": self.scores}

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray]) -> Nearest:
        """The inverse of `to_arrays` (raises KeyError/ValueError when malformed)."""
        ids = tuple(unpack_strings(data["ids"]))
        digests = tuple(unpack_strings(data["digests"]))
        want = int(data["want"])
        cols = np.asarray(data["cols"], dtype=np.int32)
        scores = np.asarray(data["scores"], dtype=np.int64)
        if (len(digests) != len(ids) or cols.shape != (len(ids), want)
                or scores.shape != cols.shape
                or (cols.size and (cols.min() < 0 or cols.max() >= len(ids)))):
            raise ValueError("nearest cache: malformed arrays")
        return cls(ids, digests, want, int(data["bits"]), cols, scores)


def pack_strings(strings: Sequence[str]) -> np.ndarray:
    """Strings as one NUL-separated UTF-8 byte array (a fixed-width numpy string array
    would pad every id to the longest: 10,000 ids took megabytes)."""
    return np.frombuffer("\0".join(strings).encode("utf-8"), dtype=np.uint8)


def unpack_strings(data: np.ndarray) -> list[str]:
    """The inverse of `pack_strings` (raises ValueError when not such an array)."""
    if data.dtype != np.uint8 or data.ndim != 1:
        raise ValueError("not a packed string array")
    return data.tobytes().decode("utf-8").split("\0") if data.size else []


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
            r_i, c_i = np.nonzero(approx >= cut[:, None])  # row-major: grouped by row
            rows_at = np.asarray(chunk, dtype=np.int64)[r_i]
            exact = np.einsum("ij,ij->i", self.q[rows_at], self.q[c_i])
            order = np.lexsort((c_i, -exact, r_i))  # per row: best first, ties by id
            r_s, c_s, e_s = r_i[order], c_i[order], exact[order]
            first = np.searchsorted(r_s, np.arange(len(chunk)))
            for i, r in enumerate(chunk):
                a = int(first[i])
                out[r] = list(zip(c_s[a:a + want].tolist(),
                                  e_s[a:a + want].astype(np.int64).tolist(), strict=True))
        return out


def nearest(vectors: Mapping[str, np.ndarray], want: int,
            previous: Nearest | None = None) -> Nearest:
    """Every vector's `want` nearest others (see the module doc), reusing `previous`."""
    ids = sorted(vectors)
    n = len(ids)
    space = VectorSpace(ids, vectors)
    digests = tuple(vector_digest(row) for row in space.m32)
    want = max(0, min(want, n - 1))
    cols = np.zeros((n, want), dtype=np.int32)
    scores = np.zeros((n, want), dtype=np.int64)
    redo = np.ones(n, dtype=bool)
    if (previous is not None and want > 0 and n > 0
            and (previous.want, previous.bits) == (want, space.bits)):
        _update(previous, ids, digests, space, cols, scores, redo)
    rows = np.flatnonzero(redo).tolist()
    for r, best in space.rows(rows, want).items():
        for j, (c, sc) in enumerate(best):
            cols[r, j] = c
            scores[r, j] = sc
    return Nearest(tuple(ids), digests, want, space.bits, cols, scores)


def _update(previous: Nearest, ids: list[str], digests: tuple[str, ...], space: VectorSpace,
            cols: np.ndarray, scores: np.ndarray, redo: np.ndarray) -> None:
    """Fill the rows of `cols`/`scores` that `previous` still answers; clear their `redo`.

    A row is reused when its vector and all its listed neighbours are unchanged; the
    new and changed vectors are then merged in where they reach its last place.
    """
    want = cols.shape[1]
    pos = {u: i for i, u in enumerate(ids)}
    # previous index → current index, -1 when that vector is gone or changed
    remap = np.array([pos[u] if u in pos and digests[pos[u]] == d else -1
                      for u, d in zip(previous.ids, previous.digests, strict=True)],
                     dtype=np.int64)
    old_row = {u: i for i, u in enumerate(previous.ids)}
    here = np.array([i for i, u in enumerate(ids) if u in old_row
                     and remap[old_row[u]] == i], dtype=np.int64)  # unchanged vectors
    if len(here) == 0:
        return
    prev_rows = np.array([old_row[ids[i]] for i in here], dtype=np.int64)
    mapped = remap[previous.cols[prev_rows]]
    keep = (mapped >= 0).all(axis=1)
    here, mapped = here[keep], mapped[keep]
    cols[here] = mapped
    scores[here] = previous.scores[prev_rows[keep]]
    redo[here] = False
    changed = np.flatnonzero(redo)  # new, changed, and rows whose list lost a member
    fresh = np.array([i for i in changed.tolist()
                      if ids[i] not in old_row or remap[old_row[ids[i]]] != i], dtype=np.int64)
    if len(fresh) == 0:
        return
    # exact scores of the kept rows against the new and changed vectors (a thin product):
    # only those reaching a row's last place can enter its list
    extra = space.q[here] @ space.q[fresh].T
    hits_a, hits_b = np.nonzero(extra >= scores[here, -1][:, None])
    for a in np.unique(hits_a).tolist():
        r = int(here[a])
        merged = list(zip(cols[r].tolist(), scores[r].tolist(), strict=True))
        merged += [(int(fresh[b]), int(extra[a, b])) for b in hits_b[hits_a == a].tolist()]
        merged.sort(key=lambda cs: (-cs[1], cs[0]))
        for j, (c, sc) in enumerate(merged[:want]):
            cols[r, j] = c
            scores[r, j] = sc


def nearest_to(vectors: Mapping[str, np.ndarray], note: str, want: int) -> list[str]:
    """The `want` ids nearest to `note` (one query; the same ranking as `nearest`)."""
    ids = sorted(vectors)
    if note not in vectors:
        return []
    space = VectorSpace(ids, vectors)
    row = ids.index(note)
    return [ids[c] for c, _ in space.rows([row], min(want, len(ids) - 1))[row]]
