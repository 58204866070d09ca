"""The graph part of the site: related notes and a local graph on every note page, the
global graph page (`graph/`) and `graph.json`.

A `SiteExtension` (see `notegraph.site.build`). Everything costly is cached under the
build cache by content hash: the global layout by the graph's hash, related notes by the
graph's and the embeddings' hash, embeddings by text (the embedder's own cache). So a
rebuild with warm caches recomputes none of them, and only a changed graph pays again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from notegraph import store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.graph import CONTENT_KINDS, Related, graph_digest, graph_from_vault, related_all
from notegraph.site import graphviz
from notegraph.site.pages import NoteRef, Page, SiteIndex
from notegraph.vault import Vault, plain_text

RELATED_VERSION = "1"
EMBED_CHARS = 500  # title + opening ≈ 120 tokens: enough to relate notes, 2-3x cheaper
# than the 256 tokens MiniLM can read
COMMUNITY_LEGEND = 12


class GraphExtension:
    """Related notes, local graphs and the global graph page."""

    name = "graph"

    def __init__(self, *, embed: bool = True, related_k: int = 6, ring1_max: int = 10,
                 ring2_max: int = 12) -> None:
        self.embed = embed
        self.related_k = related_k
        self.ring1_max = ring1_max
        self.ring2_max = ring2_max
        self.warnings: list[str] = []
        self._graph: nx.Graph = nx.Graph()
        self._urls: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._layout = graphviz.Layout({}, {})
        self._related: dict[str, list[Related]] = {}

    # -- SiteExtension -----------------------------------------------------------------

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None:
        """Build the graph, its layout and every note's related notes (cached)."""
        cache = config.cache_path / "graph"
        self._graph = graph_from_vault(vault)
        self._urls = dict(vault.urls)
        self._titles = {i: n.title for i, n in vault.notes.items()}
        self._layout = graphviz.cached_layout(self._graph, cache)
        vectors = self._vectors(vault, config) if self.embed else None
        self._related = _cached_related(self._graph, vectors, self.related_k, cache)

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """`related` (NoteRefs) and `local_graph` (inline SVG) for one note page."""
        url = self._urls.get(note_id)
        if url is None:
            return {}
        root = "../" * url.count("/")
        related = tuple(NoteRef(self._titles[r.note_id], self._urls[r.note_id])
                        for r in self._related.get(note_id, ()))
        svg = graphviz.local_svg(self._graph, note_id, lambda u: root + self._urls[u],
                                 self._layout.community, self.ring1_max, self.ring2_max)
        if svg:
            ring1, ring2 = graphviz.local_rings(self._graph, note_id, self.ring1_max,
                                                self.ring2_max)
            kinds = graphviz.kinds_present(self._graph, [note_id, *ring1, *ring2])
            legend = "".join(f'<li style="--kc: var(--k-{k})">{k}</li>' for k in kinds)
            # graph.css is linked site-wide by base.html (when the graph is built)
            svg = (f'{svg}'
                   f'<ul class="ng-kinds">{legend}</ul>'
                   f'<p class="ng-more"><a href="{root}graph/">Open the full graph</a></p>')
        return {"related": related, "local_graph": svg}

    def pages(self) -> Iterable[Page]:
        """The global graph page."""
        g = self._graph
        svg = graphviz.global_svg(g, self._layout, lambda u: "../" + self._urls[u])
        return [Page("graph", "graph/", "graph/index.html", "graph.html", "Graph",
                     data={"svg": svg, "node_count": g.number_of_nodes(),
                           "edge_count": g.number_of_edges(),
                           "legend": self._legend(),
                           "summary": f"A map of all {g.number_of_nodes()} notes and how "
                                      "they link, coloured by community."})]

    def finish(self, site_dir: Path, result: Any) -> None:
        """Write `graph.json` (positions, communities, edges) when it changed."""
        data = graphviz.graph_json(self._graph, self._layout, lambda u: self._urls[u])
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        if store.write_text_if_changed(store.safe_join(site_dir, "graph.json"), text):
            result.written.append("graph.json")

    # -- helpers -------------------------------------------------------------------------

    def _legend(self) -> tuple[tuple[int, str, int], ...]:
        """(community, label, size) for the biggest communities: label = its best-tied note."""
        members: dict[int, list[str]] = {}
        for node, c in self._layout.community.items():
            members.setdefault(c, []).append(node)
        out = []
        for c in sorted(members)[:COMMUNITY_LEGEND]:
            hub = max(sorted(members[c]), key=lambda u: self._graph.degree(u))
            out.append((c, self._titles.get(hub, hub), len(members[c])))
        return tuple(out)

    def _vectors(self, vault: Vault, config: Config) -> dict[str, np.ndarray] | None:
        """One embedding per content note (title + start of its text), or None without a model."""
        ids = [i for i, n in vault.notes.items()
               if self._graph.nodes[i].get("kind") in CONTENT_KINDS]
        if not ids:
            return None
        # plain_text of the opening only: cleaning a whole 600-word body to keep 500
        # characters of it was the slowest step of a warm build
        texts = [f"{vault.notes[i].title}. "
                 f"{plain_text(vault.notes[i].body[: EMBED_CHARS * 3], EMBED_CHARS)}"
                 for i in ids]
        try:
            from notegraph.embed import load_embedder

            matrix = load_embedder(config).embed(texts)
        except (ImportError, NotegraphError, OSError) as exc:
            self.warnings.append(f"related notes without embeddings: {exc}")
            return None
        return dict(zip(ids, matrix, strict=True))


def _cached_related(g: nx.Graph, vectors: Mapping[str, np.ndarray] | None, k: int,
                    cache_dir: Path) -> dict[str, list[Related]]:
    """`related_all`, reused from disk when the graph and the embeddings are the same."""
    vec_part = ""
    if vectors:
        ids = sorted(vectors)
        vec_part = store.content_hash("\n".join(ids).encode(),
                                      np.stack([vectors[i] for i in ids]).tobytes())
    key = store.content_hash(RELATED_VERSION, code_digest("notegraph.graph"), graph_digest(g),
                             vec_part, str(k))
    path = cache_dir / f"related-{key}.json"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {n: [Related(*r) for r in rows] for n, rows in data.items()}
        except (OSError, ValueError, TypeError):
            pass
    result = related_all(g, k, vectors=vectors)
    if path.parent.is_dir():
        for old in path.parent.glob("related-*.json"):  # keep only the current one
            old.unlink(missing_ok=True)
    store.atomic_write_json(path, {n: [[r.note_id, r.score, r.similarity, r.shared, r.linked]
                                       for r in rows] for n, rows in result.items()})
    return result
