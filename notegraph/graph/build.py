"""The knowledge graph of a vault: notes, concepts, people, videos and channels (networkx).

Nodes are vault notes, keyed by their note id and typed by `kind` (`topic`, `video`,
`person`, `concept`, `channel`, or `note` for hand-written notes). Edges come from
resolved wikilinks and from frontmatter (`videoId`, `channel`, `people`, `concepts`),
so a topic is tied to its video and to the people and concepts it names even when its
body does not link them. The graph is undirected: "related" is symmetric, and the site
computes backlinks from the vault itself.

Pure functions over plain inputs: `graph_from_vault` turns a vault into `GraphNote`s,
everything else here is deterministic for a given input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from notegraph import store
from notegraph.graph.louvain import louvain_communities

KINDS = ("topic", "video", "person", "concept", "channel", "note")

# Edge weights: an explicit link says more than a shared frontmatter field.
LINK_WEIGHT = 1.0
FRONTMATTER_WEIGHT = 0.6


@dataclass(frozen=True)
class GraphNote:
    """What the graph needs to know about one note.

    `links` are the note ids its wikilinks resolved to; `refs` are the frontmatter names
    (`people`, `concepts`, `channel`) already resolved to note ids; `video_id` is the
    frontmatter `videoId` (a topic and its video share it).
    """

    note_id: str
    title: str
    kind: str = "note"
    links: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    video_id: str | None = None


def node_kind(note_type: str) -> str:
    """The graph's `kind` of a note of this type (an unknown type is a plain `note`)."""
    return note_type if note_type in KINDS else "note"


def build_graph(notes: Iterable[GraphNote]) -> nx.Graph:
    """The undirected, typed graph of `notes`.

    Self-links and links to notes outside `notes` are dropped. A link and a frontmatter
    reference between the same pair add up (weight), so strongly tied notes sit closer.
    Nodes and edges are inserted in sorted order, so every later step is deterministic.
    """
    notes = sorted(notes, key=lambda n: n.note_id)
    g = nx.Graph()
    by_video: dict[str, list[str]] = {}
    for n in notes:
        g.add_node(n.note_id, title=n.title, kind=node_kind(n.kind))
        if n.video_id:
            by_video.setdefault(n.video_id, []).append(n.note_id)
    weights: dict[tuple[str, str], float] = {}

    def add(a: str, b: str, w: float) -> None:
        if a == b or a not in g or b not in g:
            return
        key = (a, b) if a < b else (b, a)
        weights[key] = weights.get(key, 0.0) + w

    for n in notes:
        for target in n.links:
            add(n.note_id, target, LINK_WEIGHT)
        for target in n.refs:
            add(n.note_id, target, FRONTMATTER_WEIGHT)
        # A topic belongs to the video note with the same videoId.
        if n.video_id and n.kind == "topic":
            for other in by_video.get(n.video_id, ()):
                if g.nodes[other]["kind"] == "video":
                    add(n.note_id, other, FRONTMATTER_WEIGHT)
    for (a, b), w in sorted(weights.items()):
        g.add_edge(a, b, weight=round(w, 3))
    return g


def communities(g: nx.Graph, seed: int = 7) -> dict[str, int]:
    """Node → community number (0 = largest), by Louvain with a fixed seed
    (`notegraph.graph.louvain`: igraph's, in C).

    Ties in size are broken by the smallest node id, so numbering is stable.
    """
    if g.number_of_nodes() == 0:
        return {}
    groups = louvain_communities(g, weight="weight", seed=seed)
    ordered = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c[0]))
    return {node: i for i, members in enumerate(ordered) for node in members}


def neighbourhood(g: nx.Graph, node: str, hops: int = 2, limit: int = 30) -> list[str]:
    """`node` and up to `limit - 1` notes within `hops`, nearest and strongest first.

    One-hop neighbours come before two-hop ones; within a ring, heavier ties and then
    better-connected notes win, so hubs such as a channel do not flood the view.
    """
    if node not in g:
        return []
    chosen = [node]
    seen = {node}
    frontier = [node]
    for _ in range(max(0, hops)):
        ring: dict[str, float] = {}
        for u in frontier:
            for v, data in g[u].items():
                if v not in seen:
                    ring[v] = ring.get(v, 0.0) + float(data.get("weight", 1.0))
        ordered = sorted(ring, key=lambda v: (-ring[v], -g.degree(v), v))
        room = limit - len(chosen)
        if room <= 0:
            break
        ordered = ordered[:room]
        chosen.extend(ordered)
        seen.update(ordered)
        frontier = ordered
    return chosen


def graph_digest(g: nx.Graph, *salt: str) -> str:
    """A content hash of the graph's typed nodes and weighted edges (a cache key)."""
    nodes = "\n".join(f"{u}\t{d.get('kind', '')}" for u, d in sorted(g.nodes(data=True)))
    edges = "\n".join(sorted(f"{min(a, b)}\t{max(a, b)}\t{d.get('weight', 1.0)}"
                             for a, b, d in g.edges(data=True)))
    return store.content_hash(*salt, nodes, edges)


def graph_from_vault(vault: Any) -> nx.Graph:
    """The graph of a `notegraph.vault.read.Vault` (its notes, resolved links and frontmatter).

    Reads what the vault already parsed (`Note.type`, `Note.names`, `Note.video_id`), so
    the graph and the pages agree on what a note's frontmatter says.
    """
    notes = []
    for note_id, note in vault.notes.items():
        names = [*note.names("people"), *note.names("concepts")]
        channel = note.name("channel")
        if channel:
            names.append(channel)
        refs: dict[str, None] = {}
        for name in names:  # `[[...]]` already stripped by the vault
            # resolved from the note's own folder, as its page resolves them
            target = vault.resolve(name, note_id)
            if target:
                refs[target] = None
        notes.append(GraphNote(
            note_id=note_id, title=note.title, kind=note.type,  # build_graph maps unknowns
            links=tuple(dict.fromkeys(t for t in vault.resolved.get(note_id, ()) if t)),
            refs=tuple(refs), video_id=note.video_id))
    return build_graph(notes)
