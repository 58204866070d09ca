"""The graph page's labels on a vault of a thousand notes, in Chromium: the real layout,
SVG and graph.js on a synthetic graph of ten dense clusters (a build of that many notes
would take minutes; the labels only need the page)."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx

from notegraph.graph.draw import global_svg
from notegraph.graph.layout import global_layout

ASSETS = Path(__file__).resolve().parents[1] / "notegraph" / "site" / "assets"
CLUSTERS, TOPICS = 10, 90


def _clustered_graph() -> nx.Graph:
    """Ten videos, each with 90 topics that share a few concepts: hubs among leaves."""
    rng = random.Random(7)
    g = nx.Graph()
    for c in range(CLUSTERS):
        video = f"video{c}"
        g.add_node(video, kind="video", title=f"Episode {c}: a long video title")
        concepts = [f"concept{c}-{k}" for k in range(6)]
        for k, con in enumerate(concepts):
            g.add_node(con, kind="concept", title=f"concept {c}.{k}")
        for t in range(TOPICS):
            topic = f"topic{c}-{t}"
            g.add_node(topic, kind="topic", title=f"Topic {c}.{t}")
            g.add_edge(topic, video)
            for con in rng.sample(concepts, 2):
                g.add_edge(topic, con)
        g.add_edge(video, f"video{(c + 1) % CLUSTERS}")
    return g


def test_each_cluster_of_a_large_graph_is_named(chromium, tmp_path):
    g = _clustered_graph()
    svg = global_svg(g, global_layout(g), lambda u: f"#{u}")
    (tmp_path / "graph.html").write_text(
        f'<!doctype html><html><head><link rel="stylesheet" href="{ASSETS}/graph.css">'
        f'</head><body><div class="graph-frame" style="height:700px">{svg}</div>'
        f'<script src="{ASSETS}/graph.js"></script></body></html>', encoding="utf-8")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((tmp_path / "graph.html").as_uri())
    page.wait_for_function("document.querySelector('.ng-labels[data-js]')")
    got = page.evaluate("""() => {
        const dots = [...document.querySelectorAll('svg.ng-global .ng-nodes a')].map(a => ({
          name: a.querySelector('title').textContent.replace(/ \\([^()]*\\)$/, ''),
          b: a.querySelector('circle').getBoundingClientRect()}));
        const labels = [...document.querySelectorAll('svg.ng-global .ng-labels text')].map(
          t => ({text: t.textContent, b: t.getBoundingClientRect()}));
        const meets = (p, q) => p.left < q.right && q.left < p.right
                                && p.top < q.bottom && q.top < p.bottom;
        const own = l => dots.find(d => d.name.startsWith(l.text.replace('…', '')));
        const clashes = [], covers = [];
        labels.forEach((l, i) => {
          labels.slice(i + 1).forEach(m => {
            if (meets(l.b, m.b)) clashes.push([l.text, m.text]); });
          const mine = own(l);
          dots.forEach(d => { const m = d.b.width * 0.2;
            const inner = {left: d.b.left + m, right: d.b.right - m,
                           top: d.b.top + m, bottom: d.b.bottom - m};
            if (d !== mine && d.b.width >= mine.b.width && meets(l.b, inner))
              covers.push([l.text, d.name]); }); });
        return {labels: labels.map(l => l.text), clashes, covers}; }""")
    page.screenshot(path=str(tmp_path / "graph.png"))
    context.close()
    # every cluster is named by its hub, the video (it was one label for 1,806 notes)
    hubs = [t for t in got["labels"] if t.startswith("Episode")]
    assert len(hubs) == CLUSTERS, got["labels"]
    assert got["clashes"] == [], got["clashes"]
    # a label may cover smaller dots, never one as big as its own
    assert got["covers"] == [], got["covers"]
