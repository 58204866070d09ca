"""The graph part of the site: related notes and a local graph on every note page, the
global graph page (`graph/`) and `graph.json`.

A `SitePlugin` (see `notegraph.site.emit`). Everything costly is cached under the
build cache, in pieces, so that a changed vault pays only for what changed: the global
layout by the graph's hash and each community's inner layout by its own subgraph's
(`layout.GroupLayouts`); each note's nearest notes by embedding, updated for new
and changed vectors only (`notegraph.graph.nearest`); each note's related notes by a hash of
what they are computed from (`graph.related_keys`); embeddings by text (the embedder's
own cache), and the text to embed by the markdown it comes from. A rebuild with warm
caches recomputes none of them; adding a note recomputes the pieces around it, and
the output is byte for byte what a build from scratch gives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.graph import draw, layout
from notegraph.graph.build import graph_from_vault, node_kind
from notegraph.graph.nearest import Nearest, pack_strings, unpack_strings
from notegraph.graph.related import CONTENT_KINDS, Related, nearest_lists, related_all, related_keys
from notegraph.site.emit import EmitContext
from notegraph.site.pages import NoteRef, Page, SiteIndex
from notegraph.vault.read import Vault
from notegraph.vault.text import plain_text

RELATED_VERSION = "2"
EMBED_CHARS = 500  # title + opening ≈ 120 tokens: enough to relate notes, 2-3x cheaper
# than the 256 tokens MiniLM can read
COMMUNITY_LEGEND = 12
LOCAL_KEYS = "local-keys.json"  # in the graph cache: note → [inputs hash, drawn hash]


class GraphExtension:
    """Related notes, local graphs and the global graph page."""

    name = "graph"
    phase = "files"  # graph.json is made from the vault, not from the written pages

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
        self._layout = layout.Layout({}, {})
        self._group_key: dict[str, int] = {}
        self._related: dict[str, list[Related]] = {}
        self._local_inputs: dict[str, str] | None = None
        self._local_keys = _LocalKeys(None, "")
        # what the last `prepare` reused from its caches and computed (for tests, benchmarks)
        self.stats: dict[str, int] = {}

    # -- SitePlugin --------------------------------------------------------------------

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None:
        """Build the graph, its layout and every note's related notes (cached)."""
        cache = config.cache_path / "graph"
        self._local_keys = _LocalKeys(cache / LOCAL_KEYS, store.content_hash(
            code_digest("notegraph.graph.draw", "notegraph.site.plugins.graph"),
            f"{self.ring1_max},{self.ring2_max}"))
        self._urls = dict(vault.urls)
        self._titles = {i: n.title for i, n in vault.notes.items()}
        self.stats = {}
        # Embeddings first, while this process holds little more than the vault: the
        # model process (~650 MB, started only for a text not in the cache) must not
        # live beside the graph and its layout too, or a cold 10k build passes 1 GB.
        # (Its few seconds of loading used to overlap the layout; memory comes first.)
        ids, texts = self._embed_inputs(vault, config) if self.embed else ([], [])
        vectors = self._vectors(self._embedder(config, texts), ids, texts)
        self._graph = graph_from_vault(vault)
        self._layout = layout.cached_layout(self._graph, cache, stats=self.stats)
        self._group_key = _stable_group_keys(self._layout.community)
        self._related = _cached_related(self._graph, vectors, self.related_k, cache,
                                        self.stats)
        self._local_inputs = None

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """`related` (NoteRefs) and `local_graph` (inline SVG) for one note page."""
        url = self._urls.get(note_id)
        if url is None:
            return {}
        root = "../" * url.count("/")
        related = tuple(NoteRef(self._titles[r.note_id], self._urls[r.note_id])
                        for r in self._related.get(note_id, ()))
        local = draw.local_graph(self._graph, note_id, self._href(url),
                                 self._group_key, self.ring1_max, self.ring2_max)
        svg = local.svg
        if svg:
            kinds = draw.kinds_present(self._graph, local.nodes)
            legend = "".join(f'<li style="--kc: var(--k-{k})">{k}</li>' for k in kinds)
            # graph.css is linked site-wide by base.html (when the graph is built)
            svg = (f'{svg}'
                   f'<ul class="ng-kinds">{legend}</ul>'
                   f'<p class="ng-more"><a href="{root}graph/">Open the full graph</a></p>')
        return {"related": related, "local_graph": svg}

    def page_key(self, note_id: str) -> str:
        """A hash of what `note_context` makes for `note_id`, without making it (see
        `notegraph.site.page_keys`): what its local graph draws, its related notes and
        every URL either shows.

        What a local graph draws (`draw.local_graph_key`) costs a ring layout, so it is
        kept under the hash of the local graph's inputs (`draw.local_graph_inputs`,
        one pass for all notes) and computed again only when those changed."""
        if self._local_inputs is None:
            self._local_inputs = draw.local_graph_inputs(self._graph, self._group_key,
                                                          self._urls)
        url = self._urls.get(note_id)
        if url is None:
            return ""
        local = self._local_keys.get(note_id, self._local_inputs.get(note_id, ""),
                                     lambda: draw.local_graph_key(
                                         self._graph, note_id, self._href(url),
                                         self._group_key, self.ring1_max, self.ring2_max))
        return store.content_hash(
            local, f"{self.ring1_max},{self.ring2_max}",
            *(f"{r.note_id}\0{self._titles[r.note_id]}\0{self._urls[r.note_id]}"
              for r in self._related.get(note_id, ())))

    def pages(self) -> Iterable[Page]:
        """The global graph page."""
        g = self._graph
        svg = draw.global_svg(g, self._layout, lambda u: "../" + self._urls[u])
        return [Page("graph", "graph/", "graph/index.html", "graph.html", "Graph",
                     data={"svg": svg, "node_count": g.number_of_nodes(),
                           "edge_count": g.number_of_edges(),
                           "legend": self._legend(),
                           "summary": f"A map of all {g.number_of_nodes()} notes and how "
                                      "they link, coloured by community."})]

    def emit(self, ctx: EmitContext) -> list[str]:
        """Write `graph.json` (positions, communities, edges) when it changed."""
        data = draw.graph_json(self._graph, self._layout, lambda u: self._urls[u])
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        store.write_text_if_changed(store.safe_join(ctx.site_dir, "graph.json"), text)
        self._local_keys.save()
        return ["graph.json"]

    # -- helpers -------------------------------------------------------------------------

    def _href(self, page_url: str) -> Callable[[str], str]:
        """A note's link as the page at `page_url` writes it (relative to the root)."""
        root = "../" * page_url.count("/")
        return lambda u: root + self._urls[u]

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

    def _embed_inputs(self, vault: Vault, config: Config) -> tuple[list[str], list[str]]:
        """The content notes to embed and their texts (title + start of the text)."""
        ids = [i for i, n in vault.notes.items() if node_kind(n.type) in CONTENT_KINDS]
        texts = _embed_texts([(vault.notes[i].title, vault.notes[i].body) for i in ids],
                             config.cache_path / "graph" / "embed-texts.json") if ids else []
        return ids, texts

    def _embedder(self, config: Config, texts: list[str]) -> Any:
        """The embedder, its model already loading when some text is not cached."""
        if not texts:
            return None
        try:
            from notegraph.embed.embedder import load_embedder

            embedder = load_embedder(config)
            prefetch = getattr(embedder, "prefetch", None)
            if prefetch is not None:
                prefetch(texts)
            return embedder
        except (ImportError, NotegraphError, OSError) as exc:
            self.warnings.append(f"related notes without embeddings: {exc}")
            return None

    def _vectors(self, embedder: Any, ids: list[str], texts: list[str]
                 ) -> dict[str, np.ndarray] | None:
        """One embedding per content note, or None without a model."""
        if embedder is None:
            return None
        try:
            matrix = embedder.embed(texts)
        except (ImportError, NotegraphError, OSError) as exc:
            self.warnings.append(f"related notes without embeddings: {exc}")
            return None
        finally:
            # stop the model process now: its memory is not needed for the rest of the
            # build (pages, then Pagefind beside this process)
            close = getattr(embedder, "close", None)
            if close is not None:
                close()
        return dict(zip(ids, matrix, strict=True))


class _LocalKeys:
    """What each note's local graph draws (`draw.local_graph_key`), kept between builds
    under the hash of its inputs: a build recomputes it only where the inputs changed.
    The cache file holds the current notes only."""

    def __init__(self, path: Path | None, version: str) -> None:
        self.path = path
        self.version = version
        data = cache.read_json(path, version) or {}
        known = data.get("notes")
        self.known: dict[str, list[str]] = known if isinstance(known, dict) else {}
        self.used: dict[str, list[str]] = {}

    def get(self, note_id: str, inputs: str, compute: Callable[[], str]) -> str:
        """The key of `note_id`'s local graph, whose inputs hash to `inputs`."""
        old = self.known.get(note_id)
        same = isinstance(old, list) and len(old) == 2 and old[0] == inputs
        key = old[1] if same else compute()
        self.used[note_id] = [inputs, key]
        return key

    def save(self) -> None:
        """Write the keys used by this build, when they differ from the stored ones."""
        if self.path is not None and self.used and self.used != self.known:
            cache.write_json(self.path, self.version, {"notes": self.used})
            self.known = self.used


def _stable_group_keys(community: Mapping[str, int]) -> dict[str, int]:
    """Per node, a number for its community that other communities cannot change.

    Local graphs group a page's neighbours by community. Community numbers rank
    communities by size, so one note joining a community can renumber all of them, and
    every page whose neighbours span two communities would change. Instead a community
    is known by the smallest hash of its members' ids (a min-hash): it changes only when
    that community's members do, and a note joining a community of n changes it with
    probability 1/(n+1) (the smallest id would change it whenever new notes sort first).
    """
    key: dict[int, int] = {}
    for node, c in community.items():
        h = int.from_bytes(hashlib.blake2b(node.encode(), digest_size=4).digest(), "big")
        if c not in key or h < key[c]:
            key[c] = h
    return {node: key[c] for node, c in community.items()}


def _embed_texts(notes: list[tuple[str, str]], cache_file: Path) -> list[str]:
    """The text embedded for each (title, body): the title and the start of its plain text.

    Cached by a hash of exactly what it is made from: cleaning 10,000 openings of
    markdown costs a second, and a build after adding one note needs only one.
    """
    version = store.content_hash(str(EMBED_CHARS), code_digest("notegraph.vault.text"),
                                 code_digest("notegraph.site.plugins.graph"))
    data = cache.read_json(cache_file, version) or {}
    cached = data.get("texts") if isinstance(data.get("texts"), dict) else {}
    texts: dict[str, str] = {}
    out = []
    for title, body in notes:
        # plain_text of the opening only: cleaning a whole 600-word body to keep 500
        # characters of it was the slowest step of a warm build
        opening = body[: EMBED_CHARS * 3]
        key = hashlib.blake2b(f"{title}\0{opening}".encode(), digest_size=12).hexdigest()
        text = cached.get(key)
        if not isinstance(text, str):
            text = f"{title}. {plain_text(opening, EMBED_CHARS)}"
        texts[key] = text
        out.append(text)
    if texts != cached:
        cache.write_json(cache_file, version, {"texts": texts})
    return out


def _cached_related(g: nx.Graph, vectors: Mapping[str, np.ndarray] | None, k: int,
                    cache_dir: Path, stats: dict[str, int] | None = None
                    ) -> dict[str, list[Related]]:
    """`related_all`, with each note's list reused when nothing it reads has changed.

    Two cache files: `nearest.npz`, every note's nearest notes by embedding (updated,
    not recomputed, when a few vectors change; see `notegraph.graph.nearest`), and
    `related.npz`, each note's related notes under a hash of its inputs
    (`related_keys`). Adding a note recomputes the lists of the notes around it and of
    the few notes it is nearest to, and gives what a fresh build gives.
    """
    version = store.content_hash(RELATED_VERSION,
                                 code_digest("notegraph.graph.build", "notegraph.graph.related",
                                             "notegraph.graph.nearest",
                                             "notegraph.site.plugins.graph"))
    related_path = cache_dir / "related.npz"
    nearest_path = cache_dir / "nearest.npz"
    similar: dict[str, list[str]] = {}
    digests: dict[str, str] = {}
    if vectors:
        previous = None
        data = cache.read_arrays(nearest_path, version)
        if data is not None:
            try:
                previous = Nearest.from_arrays(data)
            except (KeyError, TypeError, ValueError, IndexError):
                previous = None
        near = nearest_lists(g, vectors, k, previous=previous)
        similar = near.lists()
        digests = dict(zip(near.ids, near.digests, strict=True))
        if not near.same_as(previous):
            cache.write_arrays(nearest_path, version, near.to_arrays())
    keys = related_keys(g, k, digests, similar)
    cached = _read_related(related_path, version)
    result: dict[str, list[Related] | None] = {n: cached.get(key) for n, key in keys.items()}
    missing = [n for n, rows in result.items() if rows is None]
    if missing:
        result.update(related_all(g, k, vectors=vectors, similar=similar, notes=missing))
    done: dict[str, list[Related]] = {n: rows or [] for n, rows in result.items()}
    if stats is not None:
        stats.update(related_reused=len(done) - len(missing), related_computed=len(missing))
    if missing or len(cached) != len(keys):
        # only the current notes' entries: the file does not grow without end
        _write_related(related_path, version, {keys[n]: rows for n, rows in done.items()})
    for old in cache_dir.glob("related-*.json"):  # the whole-graph cache of before
        old.unlink(missing_ok=True)
    return done


def _read_related(path: Path, version: str) -> dict[str, list[Related]]:
    """Cached related lists by input key (empty when missing, stale or corrupt)."""
    data = cache.read_arrays(path, version)
    if data is None:
        return {}
    try:
        keys, starts = unpack_strings(data["keys"]), data["starts"].tolist()
        ids = unpack_strings(data["ids"])
        notes = [ids[i] for i in data["note"].tolist()]
        rows = list(zip(notes, data["score"].tolist(),
                        data["similarity"].tolist(), data["shared"].tolist(),
                        data["linked"].tolist(), strict=True))
        return {key: [Related(*r) for r in rows[a:b]]
                for key, a, b in zip(keys, starts, starts[1:], strict=False)}
    except (KeyError, ValueError, TypeError, IndexError):
        return {}


def _write_related(path: Path, version: str, lists: Mapping[str, list[Related]]) -> None:
    """Write related lists by input key as flat columns (exact floats, fast to load)."""
    flat = [r for rows in lists.values() for r in rows]
    ids = sorted({r.note_id for r in flat})
    index = {u: i for i, u in enumerate(ids)}
    starts = np.cumsum([0, *(len(rows) for rows in lists.values())])
    cache.write_arrays(path, version, {
        "keys": pack_strings(list(lists)), "starts": starts.astype(np.int64),
        "ids": pack_strings(ids), "note": np.array([index[r.note_id] for r in flat],
                                                   dtype=np.int32),
        "score": np.array([r.score for r in flat], dtype=np.float64),
        "similarity": np.array([r.similarity for r in flat], dtype=np.float64),
        "shared": np.array([r.shared for r in flat], dtype=np.int64),
        "linked": np.array([r.linked for r in flat], dtype=bool)})
