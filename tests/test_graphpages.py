"""The graph extension of the site: related notes, local graphs, the graph page, caches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notegraph.config import load_config
from notegraph.site.emit import EmitContext
from notegraph.site.pages import SiteIndex
from notegraph.site.plugins.graph import GraphExtension
from notegraph.vault.read import build_vault, parse_note

NOTES = {
    "topics/towels.md": "---\ntype: topic\ntitle: Towels are hard\nvideoId: vid00000001\n"
                        "concepts: [Moravec's paradox]\n---\nSee [[chess]].\n",
    "topics/chess.md": "---\ntype: topic\ntitle: Chess\nvideoId: vid00000001\n"
                       "concepts: [Moravec's paradox]\n---\nSee [[towels]].\n",
    "videos/ep.md": "---\ntype: video\ntitle: Episode <1>\nvideoId: vid00000001\n---\n",
    "concepts/moravecs_paradox.md": "---\ntype: concept\ntitle: Moravec's paradox\n---\n",
    "mine.md": "I think about [[Moravec's paradox]] and [[towels]].\n",
}


@pytest.fixture
def prepared(tmp_path: Path) -> GraphExtension:
    vault = build_vault(tmp_path, [parse_note(k, v.encode()) for k, v in NOTES.items()])
    ext = GraphExtension(embed=False)
    ext.prepare(vault, SiteIndex.build(vault, {}), load_config(tmp_path))
    return ext


def test_note_context_gives_related_notes_and_a_local_graph(prepared: GraphExtension):
    ctx = prepared.note_context("topics/towels")
    assert ctx["related"][0].title == "Chess"
    assert all(r.url.endswith("/") and not r.url.startswith("/") for r in ctx["related"])
    svg = ctx["local_graph"]
    # links are relative to the page (topics/towels/ is two folders deep)
    assert 'href="../../topics/chess/"' in svg
    assert "<link" not in svg  # graph.css comes from base.html, once, in <head>
    assert "Episode &lt;1&gt;" in svg
    assert prepared.note_context("nope") == {}


def test_graph_page_and_graph_json(prepared: GraphExtension, tmp_path: Path):
    (page,) = prepared.pages()
    assert (page.url, page.output, page.template) == ("graph/", "graph/index.html", "graph.html")
    assert page.data["node_count"] == 5
    assert page.data["svg"].count("<circle") == 5
    assert 'href="../mine/"' in page.data["svg"]

    site = tmp_path / "site"
    ctx = EmitContext(site, frozenset())
    assert prepared.emit(ctx) == ["graph.json"]
    data = json.loads((site / "graph.json").read_text())
    assert {n["id"] for n in data["nodes"]} == {k[:-3] for k in NOTES}
    mtime = (site / "graph.json").stat().st_mtime_ns
    assert prepared.emit(ctx) == ["graph.json"]  # unchanged: not rewritten
    assert (site / "graph.json").stat().st_mtime_ns == mtime


def test_layout_and_related_are_cached(tmp_path: Path):
    vault = build_vault(tmp_path, [parse_note(k, v.encode()) for k, v in NOTES.items()])
    config = load_config(tmp_path)
    ext = GraphExtension(embed=False)
    ext.prepare(vault, SiteIndex.build(vault, {}), config)
    cache = config.cache_path / "graph"
    files = sorted(p.name for p in cache.iterdir())
    assert files[0].startswith("graph-layout-")
    assert files[1:] == ["layout-groups-7.json", "related.npz"]
    again = GraphExtension(embed=False)
    again.prepare(vault, SiteIndex.build(vault, {}), config)
    assert again.note_context("mine") == ext.note_context("mine")
