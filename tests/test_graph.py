"""The vault graph: building, related notes, communities and build-time layouts."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest

from notegraph.graph import draw, layout
from notegraph.graph.build import (
    GraphNote,
    build_graph,
    communities,
    graph_from_vault,
    neighbourhood,
)
from notegraph.graph.related import related, related_all, related_keys
from notegraph.site.pages import SiteIndex, note_page
from notegraph.site.render import RenderedNote
from notegraph.vault.read import build_vault, parse_note


def _note(rel: str, text: str):
    return parse_note(rel, text.encode("utf-8"))


@pytest.fixture
def vault():
    notes = [
        _note("topics/robots_fold_laundry.md",
              "---\ntype: topic\ntitle: Robots fold laundry\nvideoId: vid00000001\n"
              "channel: The Show\npeople: [Hans Moravec]\nconcepts: [Moravec's paradox]\n---\n"
              "From: [[The Show]] <br/>\nTowels are hard, says [[Hans Moravec]].\n"),
        _note("topics/chess_is_easy.md",
              "---\ntype: topic\ntitle: Chess is easy\nvideoId: vid00000001\n"
              "channel: The Show\nconcepts: [Moravec's paradox]\n---\n"
              "See [[robots_fold_laundry|folding]] and [[Nobody Here]].\n"),
        _note("videos/episode_one.md",
              "---\ntype: video\ntitle: Episode one\nvideoId: vid00000001\n"
              "channel: The Show\n---\nAn episode.\n"),
        _note("people/hans_moravec.md", "---\ntype: person\ntitle: Hans Moravec\n---\n"),
        _note("concepts/moravecs_paradox.md",
              "---\ntype: concept\ntitle: Moravec's paradox\naliases: [the paradox]\n---\n"),
        _note("channels/the_show.md", "---\ntype: channel\ntitle: The Show\n---\n"),
        _note("my_thoughts.md", "# Mine\nI liked [[the paradox]] and [[chess is easy]].\n"),
        _note("island.md", "Nothing links here.\n"),
    ]
    return build_vault(__import__("pathlib").Path("."), notes)


def test_graph_from_vault_types_nodes_and_joins_links_and_frontmatter(vault):
    g = graph_from_vault(vault)
    assert g.nodes["topics/robots_fold_laundry"]["kind"] == "topic"
    assert g.nodes["people/hans_moravec"]["kind"] == "person"
    assert g.nodes["my_thoughts"]["kind"] == "note"
    # a wikilink and a frontmatter reference to the same note add up
    assert g["topics/robots_fold_laundry"]["people/hans_moravec"]["weight"] == pytest.approx(1.6)
    # frontmatter only: concepts list, channel, and topic → video by videoId
    assert g.has_edge("topics/chess_is_easy", "concepts/moravecs_paradox")
    assert g.has_edge("topics/chess_is_easy", "channels/the_show")
    assert g.has_edge("topics/chess_is_easy", "videos/episode_one")
    # alias link from a hand-written note; unresolved links add nothing
    assert g.has_edge("my_thoughts", "concepts/moravecs_paradox")
    assert "Nobody Here" not in g
    assert g.degree("island") == 0


def test_graph_reads_frontmatter_names_as_the_pages_do():
    """`people: "A, B"` names two people on the page (`Note.names`): the graph agrees."""
    notes = [
        _note("topics/t.md", "---\ntype: Topic\ntitle: T\n"
              "people: Hans Moravec, Ada Lovelace\nconcepts: ['[[the paradox]]']\n---\nBody.\n"),
        _note("people/hans_moravec.md", "---\ntype: person\ntitle: Hans Moravec\n---\n"),
        _note("people/ada.md", "---\ntype: person\ntitle: Ada Lovelace\n---\n"),
        _note("concepts/p.md", "---\ntype: concept\ntitle: P\naliases: [the paradox]\n---\n"),
        _note("odd.md", "---\ntype: recipe\n---\nA note of a type the graph does not know.\n"),
    ]
    g = graph_from_vault(build_vault(__import__("pathlib").Path("."), notes))
    assert notes[0].names("people") == ("Hans Moravec", "Ada Lovelace")
    assert g.has_edge("topics/t", "people/hans_moravec")
    assert g.has_edge("topics/t", "people/ada")
    assert g.has_edge("topics/t", "concepts/p")  # an Obsidian-style `[[link]]` property
    assert g.nodes["topics/t"]["kind"] == "topic"
    assert g.nodes["odd"]["kind"] == "note"


def test_bracketed_frontmatter_names_link_on_the_page_and_in_the_graph():
    # `people: ["[[Maya Okafor]]"]` (Obsidian's link property) is stripped once, by the
    # vault: the page links the person and the graph has the edge
    notes = [
        _note("topics/t.md", '---\ntype: topic\ntitle: T\npeople: ["[[Maya Okafor]]"]\n'
              'channel: "[[The Show]]"\n---\nBody.\n'),
        _note("people/maya_okafor.md", "---\ntype: person\ntitle: Maya Okafor\n---\n"),
        _note("channels/the_show.md", "---\ntype: channel\ntitle: The Show\n---\n"),
    ]
    v = build_vault(__import__("pathlib").Path("."), notes)
    idx = SiteIndex.build(v, {})
    page = note_page(idx, v.notes["topics/t"], lambda n, url: RenderedNote("", ()), {})
    assert page.data["people"] == (("Maya Okafor", "people/maya_okafor/"),)
    assert page.data["channel"].url == "channels/the_show/"
    g = graph_from_vault(v)
    assert g.has_edge("topics/t", "people/maya_okafor")
    assert g.has_edge("topics/t", "channels/the_show")


def test_ambiguous_frontmatter_names_resolve_as_on_the_page():
    # two "Ada" notes: the one in the naming note's own folder wins, on the page (via
    # `vault.resolve(name, note.id)`) and in the graph alike
    notes = [
        _note("zeta/t.md", "---\ntitle: T\npeople: [Ada]\nchannel: Show\n---\nBody.\n"),
        _note("abel/ada.md", "---\ntype: person\n---\n"),
        _note("zeta/ada.md", "---\ntype: person\n---\n"),
        _note("abel/show.md", "---\ntype: channel\n---\n"),
        _note("zeta/show.md", "---\ntype: channel\n---\n"),
    ]
    v = build_vault(__import__("pathlib").Path("."), notes)
    page = note_page(SiteIndex.build(v, {}), v.notes["zeta/t"],
                     lambda n, url: RenderedNote("", ()), {})
    assert page.data["people"] == (("ada", "zeta/ada/"),)
    assert page.data["channel"].url == "zeta/show/"
    g = graph_from_vault(v)
    assert sorted(g["zeta/t"]) == ["zeta/ada", "zeta/show"]


def test_build_graph_drops_self_links_and_unknown_targets_and_is_order_independent():
    notes = [GraphNote("a", "A", "note", links=("a", "b", "zzz")),
             GraphNote("b", "B", "note", links=("a",))]
    g1, g2 = build_graph(notes), build_graph(reversed(notes))
    assert sorted(g1.edges) == [("a", "b")]
    assert g1["a"]["b"]["weight"] == 2.0  # linked both ways
    assert list(g1.nodes) == list(g2.nodes)
    assert list(g1.edges(data=True)) == list(g2.edges(data=True))


def test_related_prefers_shared_concepts_and_links(vault):
    g = graph_from_vault(vault)
    ranked = related(g, "topics/robots_fold_laundry", k=5)
    ids = [r.note_id for r in ranked]
    assert ids[0] == "topics/chess_is_easy"  # linked, same video, same concept, same channel
    assert ranked[0].linked and ranked[0].shared >= 3
    assert "people/hans_moravec" not in ids  # people are hubs, not reads
    assert "island" not in ids


def test_related_uses_embedding_similarity_when_given(vault):
    g = graph_from_vault(vault)
    v = {n: np.zeros(4, dtype=np.float32) for n in g}
    v["island"] = np.array([1, 0, 0, 0], dtype=np.float32)
    v["my_thoughts"] = np.array([0.99, 0.141, 0, 0], dtype=np.float32)
    ranked = related(g, "island", k=3, vectors=v)
    assert [r.note_id for r in ranked][:1] == ["my_thoughts"]
    assert ranked[0].similarity == pytest.approx(0.99, abs=1e-3)
    assert related(g, "island", k=3) == []  # no links, no vectors: nothing related


def test_related_all_matches_single_queries():
    g = _synthetic(300, seed=3)
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(300, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vectors = dict(zip(sorted(g.nodes), vecs, strict=True))
    batch = related_all(g, 5, vectors=vectors)
    assert len(batch) == 300
    for note in sorted(g.nodes)[:25]:
        single = related(g, note, 5, vectors=vectors)
        assert [r.note_id for r in batch[note]] == [r.note_id for r in single]


def test_a_shows_introduction_is_never_recommended_but_has_related_notes():
    """Every episode's intro reads alike: "Introduction" topics were 3 % of the related
    notes of the 23 chaptered episodes. They are not offered; their own lists remain."""
    notes = [GraphNote("c", "consciousness", "concept"),
             GraphNote("intro_a", "Introduction", "topic", refs=("c",)),
             GraphNote("intro_b", "Introduction", "topic", refs=("c",)),
             GraphNote("mind", "The hard problem", "topic", refs=("c",)),
             GraphNote("body", "Embodiment", "topic", refs=("c",)),
             GraphNote("essay", "Introduction", "note", refs=("c",))]  # not a topic
    g = build_graph(notes)
    vectors = {n.note_id: np.array([1.0, 0.0], dtype=np.float32) for n in notes}
    for note in ("mind", "intro_a"):
        ranked = [r.note_id for r in related(g, note, k=5, vectors=vectors)]
        assert "intro_a" not in ranked and "intro_b" not in ranked, ranked
        assert "essay" in ranked and ("body" in ranked or note == "body")
    batch = related_all(g, 5, vectors=vectors)
    assert batch["intro_a"] and not any(r.note_id.startswith("intro") for rows in
                                        batch.values() for r in rows)
    keys = related_keys(g, 5, {}, {})
    assert {"intro_a", "intro_b", "mind"} <= set(keys)  # cached like any other list


def test_neighbourhood_orders_rings_and_respects_limit(vault):
    g = graph_from_vault(vault)
    around = neighbourhood(g, "topics/robots_fold_laundry", hops=2, limit=4)
    assert around[0] == "topics/robots_fold_laundry"
    assert len(around) == 4
    assert all(g.has_edge(around[0], v) for v in around[1:])  # ring 1 fills first
    assert neighbourhood(g, "missing") == []


def test_communities_are_deterministic_and_numbered_by_size():
    g = _synthetic(400, seed=1)
    a, b = communities(g), communities(g)
    assert a == b
    sizes = [list(a.values()).count(c) for c in range(max(a.values()) + 1)]
    assert sizes == sorted(sizes, reverse=True)


def test_global_layout_is_deterministic_and_keeps_communities_together():
    g = _synthetic(600, seed=2)
    lay1, lay2 = layout.global_layout(g), layout.global_layout(g)
    assert lay1 == lay2
    assert set(lay1.positions) == set(g.nodes)
    pts = np.array(list(lay1.positions.values()))
    assert np.isfinite(pts).all()
    _assert_communities_cluster(lay1)


def test_cached_layout_round_trips_and_survives_a_corrupt_cache(tmp_path):
    g = _synthetic(120, seed=4)
    first = layout.cached_layout(g, tmp_path)
    files = list(tmp_path.glob("graph-layout-*.json"))
    assert len(files) == 1
    assert layout.cached_layout(g, tmp_path) == first
    files[0].write_text("{not json", encoding="utf-8")
    assert layout.cached_layout(g, tmp_path) == first


def test_svgs_escape_titles_and_link_every_node(vault):
    notes = [GraphNote("a", "<script>alert(1)</script>", "topic", links=("b",)),
             GraphNote("b", 'B "quoted" & <img src=x onerror=y>', "person")]
    g = build_graph(notes)
    lay = layout.global_layout(g)
    svg = draw.global_svg(g, lay, lambda u: f"../{u}/")
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
    assert len(re.findall(r'<a href="\.\./[ab]/"', svg)) == 2
    local = draw.local_graph(g, "a", lambda u: f"../{u}/").svg
    assert 'href="../b/"' in local and 'href="../a/"' not in local  # no link to yourself
    assert "<script>" not in local


def test_local_graph_breaks_a_long_side_label_onto_two_lines():
    titles = ["Can empathy be trained?", "Bodies made by machines", "Learning in simulation",
              "Welcome and the question"]
    notes = [GraphNote("c", "Centre", "topic", links=("n0", "n1", "n2", "n3")),
             *(GraphNote(f"n{i}", t, "topic") for i, t in enumerate(titles))]
    svg = draw.local_graph(build_graph(notes), "c", lambda u: f"../{u}/").svg
    texts = re.findall(r"<text [^>]*>(.*?)</text>", svg)
    shown = [" ".join(re.sub(r"<[^>]+>", " ", t).split()) for t in texts]
    # every label shows its title on one line or two, at least 20 characters of it
    # (one line would be cut at 11-14), the end of a second line shortened if need be
    assert len(shown) == len(titles)
    for text in shown:
        assert any(t.startswith(text.rstrip("…")) for t in titles), text
        assert len(text.rstrip("…")) >= 20, text
    assert any("<tspan" in t for t in texts)


def test_local_layout_puts_the_page_in_the_middle(vault):
    g = graph_from_vault(vault)
    pos = draw.local_layout(g, "topics/robots_fold_laundry")
    assert pos["topics/robots_fold_laundry"] == (0.0, 0.0)
    for node, (x, y) in pos.items():
        r = math.hypot(x, y)
        if node == "topics/robots_fold_laundry":
            continue
        ring = 1 if g.has_edge("topics/robots_fold_laundry", node) else 2
        assert (r < 1.2) == (ring == 1)


@pytest.mark.slow
def test_ten_thousand_notes_lay_out_with_structure():
    """Scale: 10k nodes / ~140k edges lay out hierarchically; check structure, not time."""
    g = _synthetic(10_000, seed=5)
    lay = layout.global_layout(g)
    assert len(lay.positions) == 10_000
    pts = np.array([lay.positions[u] for u in sorted(lay.positions)])
    assert np.isfinite(pts).all()
    # nodes are spread out: almost no two share a spot
    assert len({(round(x, 1), round(y, 1)) for x, y in pts}) > 9_900
    _assert_communities_cluster(lay)
    svg = draw.global_svg(g, lay, lambda u: f"/{u}/")
    assert svg.count("<circle") == 10_000


def _assert_communities_cluster(lay: layout.Layout) -> None:
    """Members of a community sit nearer their own centre than other centres do."""
    pts: dict[int, list[tuple[float, float]]] = {}
    for node, c in lay.community.items():
        pts.setdefault(c, []).append(lay.positions[node])
    centres = {c: np.mean(p, axis=0) for c, p in pts.items() if len(p) >= 10}
    assert len(centres) >= 2
    own = np.mean([np.linalg.norm(np.array(p) - centres[c], axis=1).mean()
                   for c, p in pts.items() if c in centres])
    between = np.mean([np.linalg.norm(centres[a] - centres[b])
                       for a in centres for b in centres if a < b])
    assert own < between


def _synthetic(n: int, seed: int):
    """`n` notes in clusters of ~250, 14 links each, 80% inside the cluster."""
    rng = random.Random(seed)
    ids = [f"n{i:05d}" for i in range(n)]
    clusters = max(2, n // 250)
    notes = []
    for i, u in enumerate(ids):
        links: set[str] = set()
        while len(links) < 14:
            j = rng.randrange(i % clusters, n, clusters) if rng.random() < 0.8 \
                else rng.randrange(n)
            if j != i:
                links.add(ids[j])
        notes.append(GraphNote(u, f"Note {i}", "note", tuple(sorted(links))))
    return build_graph(notes)


def test_thousands_of_unlinked_notes_are_packed_in_batches():
    """Unlinked notes are one-node communities each; they must not make one huge
    simulation (that took 30 minutes and 8 GB at 10,000 notes)."""
    notes = [GraphNote(f"n{i:04d}", f"Note {i}", "note") for i in range(2000)]
    notes += [GraphNote("hub", "Hub", "concept", links=("n0000", "n0001", "n0002"))]
    g = build_graph(notes)
    lay = layout.global_layout(g)
    assert len(lay.community) == 2001 and len(set(lay.community.values())) == 1998
    pts = np.array(list(lay.positions.values()))
    assert np.isfinite(pts).all()
    assert len({(round(x, 1), round(y, 1)) for x, y in pts}) == 2001


def test_local_graph_key_follows_the_picture_not_every_input():
    g = _synthetic(300, seed=5)
    href = lambda u: f"../{u}/"  # noqa: E731
    hub = max(sorted(g), key=g.degree)
    far = next(u for u in sorted(g) if u != hub and not g.has_edge(u, hub))
    before = {u: draw.local_graph_key(g, u, href) for u in g}
    svgs = {u: draw.local_graph(g, u, href).svg for u in g}
    inputs = draw.local_graph_inputs(g, {}, {u: href(u) for u in g})
    g.add_edge(hub, far, weight=0.01)  # a weak tie: the hub's degree grows by one
    g.graph.clear()  # the memoised adjacency of the old graph
    after = {u: draw.local_graph_key(g, u, href) for u in g}
    changed_inputs = draw.local_graph_inputs(g, {}, {u: href(u) for u in g})
    moved = {u for u in g if inputs[u] != changed_inputs[u]}
    redrawn = {u for u in g if draw.local_graph(g, u, href).svg != svgs[u]}
    assert {u for u in g if before[u] != after[u]} == redrawn  # the key is the picture's
    assert redrawn < moved  # and fewer pages than the inputs say
