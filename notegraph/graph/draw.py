"""Drawing the graph: a note's local (radial) graph, the global graph as SVG, and the
`graph.json` the graph page's script reads. Positions of the global graph come from
`notegraph.graph.layout`."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import networkx as nx

from notegraph import store
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


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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
                     f'{escape(_short(g.nodes[u].get("title") or u))}</text>')
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


LOCAL_HALF_WIDTH = 186  # the local graph's viewBox spans ±this horizontally
# the width of a label's character in viewBox units, a wide estimate (15 px sans-serif,
# graph.css; DejaVu Sans averages ≈ 8.2): labels are fitted and kept apart with it
LOCAL_LABEL_CHAR = 10.0


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
    ring_labels = _ring_labels(g, sp, ring1, labels)
    for u in sorted(sp, key=lambda u: (u == node, u in ring1, u)):
        x, y = sp[u]
        title, kind, _ = labels[u]
        here = u == node
        r = 9.0 if here else (6.0 if u in ring1 else 4.0)
        # colour by kind only ("cx": no community colour) in a local graph
        circle = (f'<circle class="cx k-{kind}{" ng-here" if here else ""}" cx="{x:.2f}" '
                  f'cy="{y:.2f}" r="{r:.2f}"><title>{title} ({kind})</title></circle>')
        label = ring_labels.get(u, "")
        url = None if here else href(u)
        if url:  # the label is part of the link, so it is clickable too
            parts.append(f'<a href="{escape(url)}" data-id="{escape(u)}">{circle}{label}</a>')
        else:
            parts.append(circle + label)
    parts.append("</svg>")
    return LocalGraph("".join(parts), (node, *sorted(pos.keys() - {node})))


def _ring_labels(g: nx.Graph, sp: Mapping[str, tuple[float, float]], ring1: set[str],
                 labels: Mapping[str, tuple[str, str, str]]) -> dict[str, str]:
    """The `<text>` of each ring-1 note, placed so that no two labels overlap.

    Labels beside the ring are placed first, on two lines when the title does not fit
    on one (else shortened); one at its top or bottom is centred over its dot and moves
    outward, step by step, off any label it would cover (with ten notes on the ring, the
    top one's label spans its neighbours'); one that finds no free place is left out
    (its dot keeps its title on hover).
    """
    placed: list[tuple[float, float, float, float]] = []
    out: dict[str, str] = {}
    side_first = sorted(ring1, key=lambda u: (abs(sp[u][0]) < 15, u))
    for u in side_first:
        x, y = sp[u]
        short = labels[u][2]
        if abs(x) < 15:  # top or bottom of the ring: centred, moving outward
            anchor, lx = "middle", x
            heights = [y + (19 + 9 * k if y > 0 else -10 - 9 * k) for k in range(4)]
            # the whole title where it is free (the ring's width is its room), else short
            whole = escape(_short(g.nodes[u].get("title") or u, TOP_LABEL_CHARS))
            tries = [([text], ly) for text in dict.fromkeys([whole, short]) for ly in heights]
        else:
            anchor = "start" if x >= 0 else "end"
            lx = x + 9 * (1 if x >= 0 else -1)
            room = LOCAL_HALF_WIDTH - abs(lx)
            lines = _two_lines(g.nodes[u].get("title") or u, room)
            ly = y + (4 if abs(y) < 40 else (14 if y > 0 else -6))
            # two lines sit around the dot's height; one that would cover a neighbour's
            # label falls back to one shortened line
            tries = [(lines, ly - 8)] if len(lines) == 2 else []
            tries.append(([_fitted(g, u, short, room)], ly))
        if label := _placed_label(lx, anchor, tries, placed):
            out[u] = label
    return out


LOCAL_LINE = 16.0  # a label's line height in viewBox units (15 px text, graph.css)
TOP_LABEL_CHARS = 30  # a label centred over the ring fits the local graph's width


def _placed_label(lx: float, anchor: str, tries: Sequence[tuple[list[str], float]],
                  placed: list[tuple[float, float, float, float]]) -> str:
    """The `<text>` of the first of `tries` (escaped lines, first baseline) that covers
    no `placed` label (its box is added to them), or "" when none fits."""
    for lines, ly in tries:
        top = _label_box(lx, ly, anchor, max(len(unescape(t)) for t in lines))
        box = (top[0], top[1], top[2], top[3] + LOCAL_LINE * (len(lines) - 1))
        if any(_overlap(box, other) for other in placed):
            continue
        placed.append(box)
        if len(lines) == 1:
            return f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{lines[0]}</text>'
        spans = "".join(f'<tspan x="{lx:.1f}" dy="{0 if i == 0 else LOCAL_LINE:.0f}">{t}</tspan>'
                        for i, t in enumerate(lines))
        return f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{spans}</text>'
    return ""


def _two_lines(title: str, room: float) -> list[str]:
    """`title` (escaped) on one line when it fits in `room` viewBox units, else broken
    at a space into two that do, the second shortened with "…" if need be."""
    fits = int((room - 4) / LOCAL_LABEL_CHAR)
    if len(title) <= fits or fits < 6:
        return [escape(title)]
    cut = title.rfind(" ", 0, fits + 1)
    if cut <= 0:
        return [escape(_short(title, fits))]
    return [escape(title[:cut]), escape(_short(title[cut + 1:], fits))]


def _label_box(x: float, baseline: float, anchor: str, chars: int
               ) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label in viewBox units, from a wide estimate (the
    height is Chromium's box of a 15 px line: 23 units)."""
    w = chars * LOCAL_LABEL_CHAR
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return left, baseline - 17, left + w, baseline + 6


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
             ) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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


def _fitted(g: nx.Graph, u: str, short: str, room: float) -> str:
    """`u`'s short label, shortened more when it would run past the edge of the local
    graph (`room` viewBox units from its anchor): a phone shows the SVG at its own
    width, so what passes the edge is cut off mid-letter."""
    fits = int((room - 4) / LOCAL_LABEL_CHAR)
    title = g.nodes[u].get("title") or u
    return short if len(title) <= fits or fits >= 14 else escape(_short(title, max(fits, 4)))


def _node_labels(g: nx.Graph) -> dict[str, tuple[str, str, str]]:
    """(escaped title, escaped kind, escaped short title) per node, memoised on the graph."""
    labels = g.graph.get("_labels")
    if labels is None or len(labels) != g.number_of_nodes():
        labels = g.graph["_labels"] = {
            u: (escape(d.get("title") or u), escape(d.get("kind", "note")),
                escape(_short(d.get("title") or u, 14)))
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
