"""Graph pictures computed at build time: the global layout, local graphs, SVG and JSON.

The global layout must be fast at 10,000 notes, where `networkx.spring_layout` takes
minutes. So it is hierarchical: Louvain communities are laid out as discs (a small
force layout of the community graph, then overlaps pushed apart), and each community's
nodes are laid out inside their disc; a community too big for a dense force layout is
split again by Louvain. Every random choice has a fixed seed, so the same graph gives
the same picture, and the result is cached on disk by a hash of the graph. A changed
graph reuses the inner layout of every community whose own subgraph did not change
(`GroupLayouts`): adding a note lays out one community again, not all of them.

Local graphs (1–2 hops around a page) use a radial layout: the page in the centre, its
neighbours on a ring, their neighbours on an outer ring, near their parent. That costs
nothing per page, so 10,000 pages each get one.

SVGs are plain links (`<a href>` around each node, `<title>` for hover), so the graph
works without JavaScript; colours come from CSS classes (`c0`…`c11` per community,
`k-topic`… per kind) so dark mode is a stylesheet matter. All text is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.graph.build import communities, graph_digest
from notegraph.graph.louvain import louvain_communities

LAYOUT_VERSION = "4"
SEED = 7
# Largest group laid out by one dense force simulation (O(n²) memory and time per step).
DIRECT_LIMIT = 350
PALETTE_SIZE = 12  # community colours c0…c11 in the stylesheet; the rest are grey
MAX_EDGES_DRAWN = 20000  # beyond this the picture is a grey fog anyway; keep the heaviest
# Layout units per node: a disc of n nodes has radius ≈ SPREAD·√n (dots have r ≈ 0.3–1).
SPREAD = 1.8

Href = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Layout:
    """Positions (layout units ≈ one node spacing) and community of every node."""

    positions: dict[str, tuple[float, float]]
    community: dict[str, int]


# ---------------------------------------------------------------- force layout (dense)

def _force_layout(n: int, edges: Sequence[tuple[int, int, float]], seed: int,
                  iterations: int = 60) -> np.ndarray:
    """Fruchterman–Reingold on `n` nodes, vectorised; positions centred in the unit disc."""
    if n == 1:
        return np.zeros((1, 2))
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, size=(n, 2))
    adj = np.zeros((n, n))
    for i, j, w in edges:
        adj[i, j] += w
        adj[j, i] += w
    k = 1.0 / math.sqrt(n)
    t = 0.2
    dt = t / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=-1))
        np.clip(dist, 0.01, None, out=dist)
        force = (k * k / dist ** 2) - adj * dist / k
        disp = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt((disp ** 2).sum(axis=1))
        np.clip(length, 0.01, None, out=length)
        pos += disp * (t / length)[:, None]
        t -= dt
    pos -= pos.mean(axis=0)
    radius = np.sqrt((pos ** 2).sum(axis=1)).max()
    return pos / radius if radius > 0 else pos


def _separate(centres: np.ndarray, radii: np.ndarray, rounds: int = 80) -> np.ndarray:
    """Push discs apart until (nearly) none overlap, keeping the arrangement's shape."""
    c = centres.copy()
    if len(c) < 2:
        return c
    # Start at a scale where discs roughly fit, then resolve the remaining overlaps.
    d = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    need = (radii[:, None] + radii[None, :]) / d
    c *= float(np.median(need.max(axis=1))) * 1.05
    gap = 0.5
    for _ in range(rounds):
        delta = c[:, None, :] - c[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        overlap = radii[:, None] + radii[None, :] + gap - dist
        np.fill_diagonal(overlap, 0)
        overlap = np.clip(overlap, 0, None)
        if not overlap.any():
            break
        push = (delta / np.clip(dist, 1e-6, None)[..., None]) * (overlap / 2)[..., None]
        c += push.sum(axis=1)
    return c


# ---------------------------------------------------------------- hierarchical layout

def _layout_group(g: nx.Graph, nodes: list[str], seed: int, depth: int = 0
                  ) -> dict[str, np.ndarray]:
    """Positions of `nodes` (sorted) in a disc of radius ≈ sqrt(len(nodes))."""
    n = len(nodes)
    radius = math.sqrt(n) * SPREAD + 0.5
    if n <= DIRECT_LIMIT or depth >= 3:
        if n > DIRECT_LIMIT:  # could not split: a loose grid beats a quadratic blow-up
            side = math.ceil(math.sqrt(n))
            return {u: np.array([(i % side) - side / 2, (i // side) - side / 2]) * SPREAD
                    for i, u in enumerate(nodes)}
        index = {u: i for i, u in enumerate(nodes)}
        sub = g.subgraph(nodes)
        edges = [(index[a], index[b], float(d.get("weight", 1.0)))
                 for a, b, d in sub.edges(data=True)]
        pos = _force_layout(n, sorted(edges), seed)
        return {u: pos[index[u]] * radius for u in nodes}
    groups = louvain_communities(g, weight="weight", seed=seed, resolution=1.0 + depth,
                                 nodes=nodes)
    groups = sorted((sorted(x) for x in groups), key=lambda x: (-len(x), x[0]))
    if len(groups) == 1:  # Louvain could not split it: cut it in order
        groups = [nodes[i:i + DIRECT_LIMIT] for i in range(0, n, DIRECT_LIMIT)]
    return _pack(g, groups, seed, depth + 1)


def _pack(g: nx.Graph, groups: list[list[str]], seed: int, depth: int
          ) -> dict[str, np.ndarray]:
    """Lay out each group in its own disc, then arrange the discs by their ties."""
    units = [_layout_group(g, members, seed + i, depth) for i, members in enumerate(groups)]
    return _arrange_all(g, units, seed)


def _arrange_all(g: nx.Graph, units: list[dict[str, np.ndarray]], seed: int
                 ) -> dict[str, np.ndarray]:
    """`_arrange`, in batches when there are more units than one simulation takes.

    Thousands of unlinked notes are thousands of one-node communities: they are packed
    `DIRECT_LIMIT` at a time first, so no step is ever quadratic in the size of the vault.
    """
    if len(units) > DIRECT_LIMIT:
        units = [_arrange_all(g, units[i:i + DIRECT_LIMIT], seed + b)
                 for b, i in enumerate(range(0, len(units), DIRECT_LIMIT))]
    return _arrange(g, units, seed)


def _arrange(g: nx.Graph, units: list[dict[str, np.ndarray]], seed: int
             ) -> dict[str, np.ndarray]:
    """Place laid-out units (discs of nodes) near the units they are tied to, apart."""
    owner = {u: i for i, unit in enumerate(units) for u in unit}
    centred = []
    radii = []
    for unit in units:
        pts = np.array(list(unit.values()), dtype=float).reshape(-1, 2)
        mid = pts.mean(axis=0)
        radii.append(float(np.sqrt(((pts - mid) ** 2).sum(axis=1)).max()) + 1.0)
        centred.append({u: p - mid for u, p in unit.items()})
    radius = np.array(radii)
    ties: dict[tuple[int, int], float] = {}
    for u, a in owner.items():
        for v, data in g[u].items():
            b = owner.get(v)
            if b is not None and a < b:
                ties[(a, b)] = ties.get((a, b), 0.0) + float(data.get("weight", 1.0))
    # log-damped ties, so one giant pair of units does not collapse the layout
    edges = sorted((a, b, 1.0 + math.log1p(w)) for (a, b), w in ties.items())
    centres = _force_layout(len(units), edges, seed) if len(units) > 1 \
        else np.zeros((1, 2))
    centres = _separate(centres * radius.sum(), radius)
    out: dict[str, np.ndarray] = {}
    for i, unit in enumerate(centred):
        for u, p in unit.items():
            out[u] = centres[i] + p
    return out


class GroupLayouts:
    """Inner layouts of communities, keyed by a hash of each community's own subgraph.

    A community's inner layout depends only on its members and the edges (with weights)
    among them, and its seed is derived from the same hash, never from its rank. So
    after a small change only the communities that changed are laid out again, and the
    result is the one a fresh build computes: the cache changes the cost, not the output.
    `hits`/`misses` count what one layout reused and computed.
    """

    def __init__(self, entries: Mapping[str, list[list[float]]] | None = None) -> None:
        self.entries: dict[str, list[list[float]]] = dict(entries or {})
        self.used: dict[str, list[list[float]]] = {}
        self.hits = 0
        self.misses = 0

    def layout(self, g: nx.Graph, members: list[str], seed: int) -> dict[str, np.ndarray]:
        """`members`' (sorted) positions in their disc, from the cache when it has them."""
        if len(members) == 1:  # nothing to lay out: not worth an entry
            return _layout_group(g, members, seed, depth=1)
        key = group_key(g, members, seed)
        cached = _rows(self.entries.get(key), len(members))
        if cached is not None:
            self.hits += 1
            rows = cached
        else:
            self.misses += 1
            pos = _layout_group(g, members, int(key[:8], 16), depth=1)
            rows = np.array([pos[u] for u in members], dtype=float)
        self.used[key] = rows.tolist()
        return dict(zip(members, rows, strict=True))


def _rows(data: Any, n: int) -> np.ndarray | None:
    """`data` as an (n, 2) array of finite floats, or None (missing or malformed)."""
    if not isinstance(data, list) or len(data) != n:
        return None
    try:
        rows = np.array(data, dtype=float)
    except (TypeError, ValueError):
        return None
    return rows if rows.shape == (n, 2) and np.isfinite(rows).all() else None


def group_key(g: nx.Graph, members: list[str], seed: int) -> str:
    """A hash of `members` (sorted) and the weighted edges among them: all a group's
    inner layout reads."""
    inside = set(members)
    adj = g._adj
    edges = [f"{u}\t{v}\t{d.get('weight', 1.0)}" for u in members
             for v, d in adj[u].items() if v in inside and u < v]
    edges.sort()
    return store.content_hash(str(seed), "\n".join(members), "\n".join(edges))


def global_layout(g: nx.Graph, seed: int = SEED, groups: GroupLayouts | None = None
                  ) -> Layout:
    """Deterministic positions for every node of `g`, grouped by Louvain community.

    `groups` lends cached inner layouts of communities (see `GroupLayouts`); the result
    is the same with or without it.
    """
    community = communities(g, seed=seed)
    if not community:
        return Layout({}, {})
    groups = groups if groups is not None else GroupLayouts()
    members: dict[int, list[str]] = {}
    for node, c in community.items():
        members.setdefault(c, []).append(node)
    units = [groups.layout(g, sorted(members[c]), seed) for c in sorted(members)]
    pos = _arrange_all(g, units, seed)
    arr = np.array([pos[u] for u in sorted(pos)])
    origin = arr.min(axis=0)
    positions = {u: (round(float(pos[u][0] - origin[0]), 2),
                     round(float(pos[u][1] - origin[1]), 2)) for u in sorted(pos)}
    return Layout(positions, dict(sorted(community.items())))


def cached_layout(g: nx.Graph, cache_dir: Path | None, seed: int = SEED,
                  digest: str | None = None, stats: dict[str, int] | None = None) -> Layout:
    """`global_layout`, reusing the cached result for an identical graph and the cached
    inner layouts of unchanged communities for a changed one.

    `digest` is `graph_digest(g)` when the caller has it already. `stats`, when given,
    receives how many community layouts were reused and computed. A missing or corrupt
    cache file just means the layout is computed again.
    """
    version = LAYOUT_VERSION + code_digest("notegraph.graph.layout", "notegraph.graph.build",
                                           "notegraph.graph.louvain")
    digest = digest if digest is not None else graph_digest(g)
    key = store.content_hash(version, digest)
    path = cache_dir / f"graph-layout-{key}-{seed}.json" if cache_dir else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            positions = {k: (float(v[0]), float(v[1])) for k, v in data["positions"].items()}
            community = {k: int(v) for k, v in data["community"].items()}
            if set(positions) == set(g.nodes):
                return Layout(positions, community)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass
    groups_path = cache_dir / f"layout-groups-{seed}.json" if cache_dir else None
    stored = cache.read_json(groups_path, version) or {}
    groups = GroupLayouts(stored["groups"] if isinstance(stored.get("groups"), dict) else {})
    layout = global_layout(g, seed, groups)
    if stats is not None:
        stats.update(layout_groups_reused=groups.hits, layout_groups_computed=groups.misses)
    if path is not None and groups_path is not None:
        for old in path.parent.glob("graph-layout-*.json"):  # keep one: the current graph
            old.unlink(missing_ok=True)
        store.atomic_write_json(path, {"positions": layout.positions,
                                       "community": layout.community})
        if groups.misses or len(groups.used) != len(groups.entries):
            # only the groups of the current graph: the file does not grow without end
            cache.write_json(groups_path, version, {"groups": groups.used})
    return layout


