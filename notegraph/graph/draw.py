"""Drawing the graph: a note's local (radial) graph, the global graph as SVG, and the
`graph.json` the graph page's script reads. Positions of the global graph come from
`notegraph.graph.layout`."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import networkx as nx

from notegraph import store
from notegraph.graph.labels import LOCAL_HALF_WIDTH, ring_labels, short_title
from notegraph.graph.layout import MAX_EDGES_DRAWN, PALETTE_SIZE, Href, Layout

# ---------------------------------------------------------------- local (radial) layout

def _adjacency(g: nx.Graph) -> tuple[dict[str, list[tuple[str, Any]]], dict[str, int]]:
    """Each node's (neighbour, weight) list in adjacency order, and its degree.

    Built once per graph and memoised on it (`g.graph`): walking networkx's views for
    each of 10,000 local graphs was most of a warm build's graph time.
    """
    cached = g.graph.get("_adjacency")
    if cached is None or len(cached[1]) != g.number_of_nodes():
        adj = {u: [(v, data.get("weight", 1.0)) for v, data in nbrs.items()]
               for u, nbrs in g._adj.items()}
        cached = g.graph["_adjacency"] = (adj, dict(g.degree()))
    return cached


def _rings(g: nx.Graph, node: str, ring1_max: int, ring2_max: int
           ) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """The notes shown around `node` and, for each ring-2 note, its ring-1 neighbours.

    Ring 1 is `neighbourhood(g, node, hops=1)` (heaviest tie, then best connected);
    ring 2 the notes most tied to ring 1.
    """
    if node not in g:
        return [], [], {}
    adj, degree = _adjacency(g)
    # the same order as neighbourhood(): heavier tie, then higher degree, then id
    near = [(-float(w), -degree[v], v) for v, w in adj[node] if v != node]
    ring1 = [v for _, _, v in heapq.nsmallest(ring1_max, near)] if ring1_max > 0 else []
    if not ring1:
        return ring1, [], {}
    seen = {node, *ring1}
    score: dict[str, float] = {}
    parents: dict[str, list[str]] = {}
    for v in ring1:
        for w, weight in adj[v]:
            if w not in seen:
                score[w] = score.get(w, 0.0) + weight
                parents.setdefault(w, []).append(v)
    ring2 = [w for _, _, w in heapq.nsmallest(
        ring2_max, ((-s, -degree[w], w) for w, s in score.items()))]
    return ring1, ring2, {w: parents[w] for w in ring2}


def local_layout(g: nx.Graph, node: str, community: Mapping[str, int] | None = None,
                 ring1_max: int = 10, ring2_max: int = 12) -> dict[str, tuple[float, float]]:
    """Radial positions around `node`: centre (0, 0), ring 1 at radius 1, ring 2 at 1.8."""
    return _local_layout(g, node, community, ring1_max, ring2_max)[0]


def _local_layout(g: nx.Graph, node: str, community: Mapping[str, int] | None,
                  ring1_max: int, ring2_max: int
                  ) -> tuple[dict[str, tuple[float, float]], set[str]]:
    """Positions (see `local_layout`) and the set of ring-1 notes."""
    if node not in g:
        return {}, set()
    ring1, ring2, parents = _rings(g, node, ring1_max, ring2_max)
    kinds = _node_kinds(g)
    comm = community or {}
    ring1.sort(key=lambda v: (kinds[v], comm.get(v, 0), v))
    pos = {node: (0.0, 0.0)}
    sin: dict[str, float] = {}
    cos: dict[str, float] = {}
    for i, v in enumerate(ring1):
        a = 2 * math.pi * i / len(ring1) - math.pi / 2
        sin[v], cos[v] = math.sin(a), math.cos(a)
        pos[v] = (round(cos[v], 4), round(sin[v], 4))

    def parent_angle(v: str) -> float:  # the mean direction of its ring-1 neighbours
        ps = sorted(parents[v])
        return math.atan2(sum(sin[p] for p in ps), sum(cos[p] for p in ps)) % (2 * math.pi)

    ring2.sort(key=lambda v: (round(parent_angle(v), 6), v))
    for i, v in enumerate(ring2):
        a = 2 * math.pi * (i + 0.5) / len(ring2) - math.pi / 2
        pos[v] = (round(1.8 * math.cos(a), 4), round(1.8 * math.sin(a), 4))
    return pos, set(ring1)


def _node_kinds(g: nx.Graph) -> dict[str, str]:
    """Each node's kind ("" when unset), memoised on the graph like `_adjacency`."""
    kinds = g.graph.get("_kinds")
    if kinds is None or len(kinds) != g.number_of_nodes():
        kinds = g.graph["_kinds"] = {u: d.get("kind", "") for u, d in g.nodes(data=True)}
    return kinds


# ---------------------------------------------------------------- SVG

def _node_radius(degree: int) -> float:
    return 0.32 + 0.1 * math.log2(1 + degree)


def global_svg(g: nx.Graph, layout: Layout, href: Href, labels: int | None = None) -> str:
    """The whole graph as one SVG: nodes are links, coloured by community.

    The `labels` best-connected nodes (default: one in eight, 6 to 40) get a label; every
    node has a `<title>` (shown on hover without JavaScript). Edges are one path, heaviest
    first, capped at `MAX_EDGES_DRAWN`.
    """
    pos = layout.positions
    if not pos:
        return ('<svg class="ng-graph ng-global" viewBox="0 0 10 10" role="img" '
                'aria-label="Empty graph"></svg>')
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    margin = 3.0
    w = max(xs) - min(xs) + 2 * margin
    h = max(ys) - min(ys) + 2 * margin
    ox, oy = min(xs) - margin, min(ys) - margin
    # heaviest first, then by ids; plain adjacency dicts, not networkx's edge views
    # (which cost a second per build at 10,000 notes, with graph_json)
    edges = sorted((-float(d.get("weight", 1.0)), a, b)
                   for a, nbrs in g._adj.items() for b, d in nbrs.items() if a <= b)
    parts = [f'<svg class="ng-graph ng-global" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="{ox:.1f} {oy:.1f} {w:.1f} {h:.1f}" role="img" '
             f'aria-label="Graph of {g.number_of_nodes()} notes" '
             f'data-nodes="{g.number_of_nodes()}" data-edges="{g.number_of_edges()}">']
    d = "".join(f"M{pos[a][0]:.1f} {pos[a][1]:.1f}L{pos[b][0]:.1f} {pos[b][1]:.1f}"
                for _, a, b in edges[:MAX_EDGES_DRAWN])
    parts.append(f'<path class="ng-edges" d="{d}"/>')
    parts.append('<g class="ng-nodes">')
    degree = dict(g.degree)
    for u in sorted(pos, key=lambda u: (degree.get(u, 0), u)):  # hubs drawn on top
        parts.append(_node_svg(g, u, pos[u], href, layout.community.get(u, 0),
                               _node_radius(degree.get(u, 0))))
    parts.append("</g>")
    if labels is None:
        labels = max(6, min(40, len(pos) // 8))
    # Every big community gets its hub labelled, then the best-connected overall.
    by_degree = sorted(pos, key=lambda u: (-degree.get(u, 0), u))
    top: list[str] = []
    for u in by_degree:
        c = layout.community.get(u, 0)
        if c < PALETTE_SIZE and all(layout.community.get(t, 0) != c for t in top):
            top.append(u)
    top = top[:labels]
    top += [u for u in by_degree if u not in top][: max(0, labels - len(top))]
    parts.append('<g class="ng-labels" aria-hidden="true">')
    for u in sorted(top):
        x, y = pos[u]
        r = _node_radius(degree.get(u, 0))
        parts.append(f'<text x="{x:.1f}" y="{y - r - 0.3:.1f}">'
                     f'{escape(short_title(g.nodes[u].get("title") or u))}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _node_svg(g: nx.Graph, u: str, p: tuple[float, float], href: Href, comm: int,
              r: float, extra: str = "") -> str:
    kind = g.nodes[u].get("kind", "note")
    title = escape(g.nodes[u].get("title") or u)
    cls = f"c{comm}" if comm < PALETTE_SIZE else "cx"
    circle = (f'<circle class="{cls} k-{escape(kind)}{extra}" cx="{p[0]:.2f}" cy="{p[1]:.2f}" '
              f'r="{r:.2f}"><title>{title} ({escape(kind)})</title></circle>')
    url = href(u)
    if not url:
        return circle
    return f'<a href="{escape(url)}" data-id="{escape(u)}">{circle}</a>'


@dataclass(frozen=True)
class LocalGraph:
    """The small graph of one page: its SVG and the notes it shows (centre first)."""

    svg: str
    nodes: tuple[str, ...]


def local_graph(g: nx.Graph, node: str, href: Href,
                community: Mapping[str, int] | None = None,
                ring1_max: int = 10, ring2_max: int = 12) -> LocalGraph:
    """A small radial SVG of `node`'s neighbourhood (empty when it has none).

    Sized for a sidebar: the centre and its direct neighbours are labelled, the outer
    ring shows its titles on hover. Colours are by kind (class `k-<kind>`). Called for
    every page of a site, so it walks only the neighbourhood, once.
    """
    pos, ring1 = _local_layout(g, node, community, ring1_max, ring2_max)
    if len(pos) < 2:
        return LocalGraph("", tuple(pos))
    r1 = 56.0
    sp = {u: (x * r1, y * r1) for u, (x, y) in pos.items()}
    edges = _local_edges(g, node, ring1, pos)
    labels = _node_labels(g)
    parts = ['<svg class="ng-graph ng-local" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="{-LOCAL_HALF_WIDTH} -125 {2 * LOCAL_HALF_WIDTH} 250" role="img" '
             f'aria-label="Notes around {labels[node][0]}">']
    d = "".join(f"M{sp[a][0]:.1f} {sp[a][1]:.1f}L{sp[b][0]:.1f} {sp[b][1]:.1f}"
                for a, b in edges)
    parts.append(f'<path class="ng-edges" d="{d}"/>')
    # the centre is the page itself: its title is the page's heading, so no label
    placed = ring_labels(g, sp, ring1, labels)
    for u in sorted(sp, key=lambda u: (u == node, u in ring1, u)):
        x, y = sp[u]
        title, kind, _ = labels[u]
        here = u == node
        r = 9.0 if here else (6.0 if u in ring1 else 4.0)
        # colour by kind only ("cx": no community colour) in a local graph
        circle = (f'<circle class="cx k-{kind}{" ng-here" if here else ""}" cx="{x:.2f}" '
                  f'cy="{y:.2f}" r="{r:.2f}"><title>{title} ({kind})</title></circle>')
        label = placed.get(u, "")
        url = None if here else href(u)
        if url:  # the label is part of the link, so it is clickable too
            parts.append(f'<a href="{escape(url)}" data-id="{escape(u)}">{circle}{label}</a>')
        else:
            parts.append(circle + label)
    parts.append("</svg>")
    return LocalGraph("".join(parts), (node, *sorted(pos.keys() - {node})))


def _local_edges(g: nx.Graph, node: str, ring1: set[str], shown: Mapping[str, Any]
                 ) -> list[tuple[str, str]]:
    """The edges a local graph draws: from the centre and ring 1 to any note shown
    (outer-to-outer ties only add clutter)."""
    adj, _ = _adjacency(g)
    return sorted({(a, b) if a < b else (b, a) for a in (node, *ring1)
                   for b, _ in adj[a] if b in shown and b != a})


def local_graph_key(g: nx.Graph, node: str, href: Href,
                    community: Mapping[str, int] | None = None,
                    ring1_max: int = 10, ring2_max: int = 12) -> str:
    """A hash of what `local_graph` draws for `node`, without drawing it: the notes
    shown with their places, labels and links, and the edges between them.

    Unlike `local_graph_inputs` (every input within two hops, degrees included) it
    changes only when the picture does: a neighbour's degree going from 30 to 31
    changes the inputs of ~1,600 pages at 10,000 notes, and the picture of a few.
    It costs a ring layout, so it is worth computing for those pages only.
    """
    pos, ring1 = _local_layout(g, node, community, ring1_max, ring2_max)
    if len(pos) < 2:
        return ""
    titles = _node_labels(g)
    full = g._node
    return store.content_hash(
        *(f"{u}\0{pos[u]}\0{u in ring1}\0{titles[u]}\0{full[u].get('title')}\0{href(u)}"
          for u in sorted(pos)),
        *(f"{a}\0{b}" for a, b in _local_edges(g, node, ring1, pos)))


def local_graph_inputs(g: nx.Graph, community: Mapping[str, int] | None = None,
                       hrefs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Per node, a hash of everything its `local_graph` reads, without drawing it.

    A local graph reads two hops: the centre's ties (weights) and its neighbours',
    the degree of every note within two hops (it ranks both rings), and the title and
    kind of the notes shown, the community of ring 1. So a node's *state* is its own
    label, community and degree with its ties and each neighbour's degree and label,
    and a node's input is its state with its neighbours' states: two hops, at the cost
    of two passes over the edges. `hrefs` are what the caller's `href` makes of each
    node (they are part of its label).
    """
    adj, degree = _adjacency(g)
    labels = _node_labels(g)
    comm, urls = community or {}, hrefs or {}
    h = store.content_hash
    # each note's label hashed once and joined into one string per note: half the
    # time of hashing every neighbour's label in full (0.6 s against 1.2 s at 10k)
    own = {u: h(u, t, k, urls.get(u, "")) + f":{degree[u]}"
           for u, (t, k, _) in labels.items()}
    state = {u: h(f"{own[u]}:{comm.get(u, 0)}|" + "|".join(f"{own[v]}:{w}" for v, w in nbrs))
             for u, nbrs in adj.items()}
    return {u: h(state[u] + "|" + "|".join(state[v] for v, _ in nbrs))
            for u, nbrs in adj.items()}


def _node_labels(g: nx.Graph) -> dict[str, tuple[str, str, str]]:
    """(escaped title, escaped kind, escaped short title) per node, memoised on the graph."""
    labels = g.graph.get("_labels")
    if labels is None or len(labels) != g.number_of_nodes():
        labels = g.graph["_labels"] = {
            u: (escape(d.get("title") or u), escape(d.get("kind", "note")),
                escape(short_title(d.get("title") or u, 14)))
            for u, d in g.nodes(data=True)}
    return labels


def kinds_present(g: nx.Graph, nodes: Sequence[str]) -> list[str]:
    """The kinds among `nodes`, in a fixed order (for a colour legend)."""
    order = ("topic", "video", "person", "concept", "channel", "note")
    have = {g.nodes[u].get("kind", "note") for u in nodes if u in g}
    return [k for k in order if k in have]


def graph_json(g: nx.Graph, layout: Layout, href: Href) -> dict:
    """Positions and edges as plain data (`graph.json`) for scripts and other tools."""
    ids = sorted(layout.positions)
    index = {u: i for i, u in enumerate(ids)}
    return {
        "nodes": [{"id": u, "title": g.nodes[u].get("title") or u,
                   "kind": g.nodes[u].get("kind", "note"), "url": href(u),
                   "x": layout.positions[u][0], "y": layout.positions[u][1],
                   "community": layout.community.get(u, 0), "degree": g.degree(u)}
                  for u in ids],
        "edges": sorted([min(index[a], index[b]), max(index[a], index[b])]
                        for a, nbrs in g._adj.items() if a in index
                        for b in nbrs if a <= b and b in index),
    }
