"""The one related-notes engine: which notes a reader of one note would want next.

Used for the site's "Related notes" of every page (over the vault's graph and the
embeddings of the notes) and for the "Related" callout of generated topic notes (over
the topics' graph and their topic vectors): the same scoring, see `related`.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from notegraph.graph.nearest import Nearest, VectorSpace, nearest, nearest_to
from notegraph.models import INTRODUCTION

# Notes a reader would want in a "Related notes" list (people/concepts are hubs, not reads).
CONTENT_KINDS = frozenset({"topic", "note", "video"})


def recommendable(data: Mapping[str, object], kinds: frozenset[str]) -> bool:
    """Whether a graph node (its data) may be recommended: of `kinds`, and not a show's
    opening ("Introduction" topics: every episode's intro reads alike, so they were 3 %
    of the related notes of 23 episodes, never a read anyone wanted next)."""
    return data.get("kind") in kinds and not (
        data.get("kind") == "topic" and data.get("title") == INTRODUCTION)


@dataclass(frozen=True)
class Related:
    """One related note and why: the combined score and its parts."""

    note_id: str
    score: float
    similarity: float = 0.0
    shared: int = 0
    linked: bool = False


# Neighbours with more ties than this (a channel of 10,000 topics) are skipped when
# looking for shared neighbours: they say little and would make `related` quadratic.
HUB_DEGREE = 500


class RelatedIndex:
    """Answers `related` queries over one graph; build once, query every note.

    Precomputes adjacency, kinds and Adamic-Adar weights so that a query touches only
    plain dicts (at 10,000 notes that is the difference between seconds and a minute).
    """

    def __init__(self, g: nx.Graph, vectors: Mapping[str, np.ndarray] | None = None,
                 kinds: frozenset[str] = CONTENT_KINDS) -> None:
        self.vectors = vectors or {}
        self.kinds = kinds
        self._nbrs: dict[str, tuple[str, ...]] = {u: tuple(g[u]) for u in g}
        self._wanted = {u for u, d in g.nodes(data=True) if recommendable(d, kinds)}
        # A neighbour's weight: rare ties count more (Adamic-Adar); hubs are not expanded.
        self._weight = {u: 1.0 / math.log(2.0 + len(n)) for u, n in self._nbrs.items()}
        self._space: VectorSpace | None = None
        self._row: dict[str, int] = {}

    def _most_similar(self, note: str, n: int) -> list[str]:
        """The `n` notes (of the wanted kinds) whose vectors are closest to `note`'s."""
        if self._space is None:
            self._space = VectorSpace(sorted(u for u in self.vectors if u in self._wanted),
                                      self.vectors)
            self._row = {u: i for i, u in enumerate(self._space.ids)}
        ids = self._space.ids
        row = self._row.get(note)
        if row is None:  # not a wanted note: rank it against the wanted ones
            ids = sorted({*ids, note})
            return nearest_to({u: self.vectors[u] for u in ids}, note, n)
        return [ids[c] for c, _ in self._space.rows([row], min(n, len(ids) - 1))[row]]

    def related(self, note: str, k: int = 5, similar: Iterable[str] | None = None,
                groups: Mapping[str, str] | None = None) -> list[Related]:
        """See `related`; `similar` defaults to the 3·k notes nearest by embedding."""
        nbrs = self._nbrs.get(note)
        if nbrs is None:
            return []
        weight, all_nbrs = self._weight, self._nbrs
        shared_w: dict[str, float] = {}
        shared_n: dict[str, int] = {}
        total = 0.0
        for v in nbrs:
            around = all_nbrs[v]
            if len(around) > HUB_DEGREE:
                # a hub is not expanded, so it is not counted in what could be shared
                # either: the score does not move each time the hub gains a note
                continue
            w = weight[v]
            total += w
            for c in around:
                shared_w[c] = shared_w.get(c, 0.0) + w
                shared_n[c] = shared_n.get(c, 0) + 1
        mine = set(nbrs)
        wanted = self._wanted
        structural: dict[str, float] = {}
        for c, sw in shared_w.items():
            if c in wanted and total > 0:
                structural[c] = 0.3 * sw / total
        for c in mine:
            if c in wanted:
                structural[c] = structural.get(c, 0.0) + 0.25
        structural.pop(note, None)
        vec = self.vectors.get(note)
        pool: Iterable[str] = structural
        if vec is not None:
            # Similarity is looked up only for the strongest structural candidates and the
            # given similar notes: a weak structural tie cannot beat both lists.
            top = heapq.nsmallest(4 * k, structural, key=lambda c: (-structural[c], c))
            extra = self._most_similar(note, 3 * k) if similar is None else similar
            pool = set(top) | {c for c in extra if c != note and c in wanted}
        out = []
        for c in pool:
            sim = 0.0
            if vec is not None:
                other = self.vectors.get(c)
                if other is not None:
                    sim = max(0.0, float(np.dot(vec, other)))
            score = 0.6 * sim + structural.get(c, 0.0)
            if score > 0:
                out.append(Related(c, round(score, 6), round(sim, 6), shared_n.get(c, 0),
                                   c in mine))
        if groups:  # notes of other groups (videos) first, then the note's own
            mine_group = groups.get(note)
            out.sort(key=lambda r: (groups.get(r.note_id) == mine_group, -r.score, r.note_id))
        else:
            out.sort(key=lambda r: (-r.score, r.note_id))
        return out[:k]


def related(g: nx.Graph, note: str, k: int = 5, *,
            vectors: Mapping[str, np.ndarray] | None = None,
            similar: Iterable[str] | None = None,
            kinds: frozenset[str] = CONTENT_KINDS) -> list[Related]:
    """The `k` notes (of `kinds`) most related to `note`, best first.

    The score adds three signals: embedding similarity (cosine of L2-normalised vectors,
    when `vectors` has both notes; weight 0.6), shared neighbours (concepts, people and
    notes both are tied to, Adamic-Adar weighted so that rare ties count more, as a
    share of what `note` could share; weight 0.3; hubs of more than `HUB_DEGREE` ties
    count for neither part, so a hub gaining a note changes no score) and a direct link
    (0.25). Candidates
    are the 4·k strongest structural candidates (two hops away at most) and the 3·k
    nearest notes by embedding (or `similar`, when given).
    Ties break by note id. For many queries build one `RelatedIndex` instead.
    """
    return RelatedIndex(g, vectors, kinds).related(note, k, similar)


def related_all(g: nx.Graph, k: int = 5, *, vectors: Mapping[str, np.ndarray] | None = None,
                kinds: frozenset[str] = CONTENT_KINDS,
                similar: Mapping[str, Sequence[str]] | None = None,
                notes: Iterable[str] | None = None,
                groups: Mapping[str, str] | None = None) -> dict[str, list[Related]]:
    """`related` for every note of `kinds` (or just `notes`), with one similarity search.

    The same ranking as `related`. `similar` gives each note's nearest notes by
    embedding when the caller has them (`nearest_lists`); otherwise they are computed.
    `groups` (note → group, e.g. its video): related notes of other groups come first.
    """
    index = RelatedIndex(g, vectors, kinds)
    targets = sorted(n for n, d in g.nodes(data=True) if d.get("kind") in kinds)
    if notes is not None:
        wanted = set(notes)
        targets = [n for n in targets if n in wanted]
    if similar is None:
        similar = nearest_lists(g, vectors, k, kinds).lists() if vectors else {}
    return {note: index.related(note, k, similar.get(note, ()), groups) for note in targets}


def nearest_lists(g: nx.Graph, vectors: Mapping[str, np.ndarray], k: int,
                  kinds: frozenset[str] = CONTENT_KINDS, previous: Nearest | None = None
                  ) -> Nearest:
    """The 3·k nearest notes by embedding of every note of `kinds` that has a vector:
    the similarity candidates of `related` (updated from `previous` when given)."""
    wanted = {n: vectors[n] for n, d in g.nodes(data=True)
              if d.get("kind") in kinds and n in vectors}
    return nearest(wanted, 3 * k, previous)


def related_keys(g: nx.Graph, k: int, vector_digests: Mapping[str, str],
                 similar: Mapping[str, Sequence[str]],
                 kinds: frozenset[str] = CONTENT_KINDS) -> dict[str, str]:
    """Per note of `kinds`, a hash of everything `related(note)` reads.

    That is: the note, its vector, its neighbours (each with its kind, vector and, for a
    non-hub, its own neighbours with theirs: the shared-neighbour step walks two hops)
    and its nearest notes by embedding (`similar`, with their vectors). A note whose key
    is unchanged has the same related notes, so its cached list can be served.
    """
    adj = g._adj
    kind = {u: recommendable(d, kinds) for u, d in g.nodes(data=True)}
    targets = sorted(u for u, d in g.nodes(data=True) if d.get("kind") in kinds)
    token = {u: f"{u}\t{kind[u]:d}\t{vector_digests.get(u, '')}".encode() for u in kind}

    def digest(*parts: bytes) -> bytes:  # hashlib directly: 20,000 hashes per build
        return hashlib.blake2b(b"\n".join(parts), digest_size=16).digest()

    # what a note reads about its neighbour v (a hub: only that it is one)
    seen = {v: digest(token[v], b"hub") if len(adj[v]) > HUB_DEGREE
            else digest(token[v], *(token[c] for c in adj[v])) for v in kind}
    salt = f"related\t{k}".encode()
    keys = {}
    for u in targets:
        keys[u] = hashlib.blake2b(
            b"".join((salt, token[u], b"".join(seen[v] for v in adj[u]), b"\nsimilar\n",
                      b"\n".join(token.get(c) or c.encode() for c in similar.get(u, ())))),
            digest_size=12).hexdigest()
    return keys
