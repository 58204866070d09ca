"""A changed vault pays only for what changed, and gets what a fresh build gets.

The graph caches (community layouts, nearest notes, related notes) are pieces keyed by
what each piece reads; these tests check both halves of that promise: an unchanged
piece is served from the cache, and the result equals a build from scratch.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from notegraph.config import load_config
from notegraph.graph import layout
from notegraph.graph.build import GraphNote, build_graph, communities
from notegraph.graph.nearest import Nearest, nearest
from notegraph.graph.related import HUB_DEGREE, related_all, related_keys
from notegraph.site.emit import EmitContext
from notegraph.site.pages import SiteIndex
from notegraph.site.plugins.graph import GraphExtension, _cached_related
from notegraph.vault.read import build_vault, parse_note

THEMES = ["robots folding laundry and towels", "chess engines and board games",
          "empathy in conversation and listening", "music theory and rhythm"]


def _clusters(clusters: int = 4, size: int = 16, seed: int = 3) -> list[GraphNote]:
    """`clusters` tight groups of notes (4 links inside, rarely one outside)."""
    rng = random.Random(seed)
    notes = []
    for c in range(clusters):
        for i in range(size):
            links = {f"c{c}n{rng.randrange(size):02d}" for _ in range(4)}
            if rng.random() < 0.1:
                links.add(f"c{rng.randrange(clusters)}n{rng.randrange(size):02d}")
            notes.append(GraphNote(f"c{c}n{i:02d}", f"Note {c}.{i}", "note",
                                   tuple(sorted(links))))
    return notes


CACHE = Path(".cache/notegraph")
NEWCOMER = GraphNote("c0new", "New note", "note", ("c0n01", "c0n02", "c0n03"))


def test_an_unchanged_community_layout_is_served_from_the_cache(tmp_path: Path):
    before = build_graph(_clusters())
    after = build_graph([*_clusters(), NEWCOMER])
    # the premise: Louvain keeps the same groups, the newcomer joins community of c0
    old, new = communities(before), communities(after)
    groups_of = lambda c: {frozenset(u for u in c if c[u] == i) for i in set(c.values())}  # noqa: E731
    assert len(groups_of(old) & groups_of(new)) == len(groups_of(old)) - 1

    layout.cached_layout(before, tmp_path)
    stats: dict[str, int] = {}
    laid = layout.cached_layout(after, tmp_path, stats=stats)
    assert stats == {"layout_groups_reused": len(groups_of(old)) - 1,
                     "layout_groups_computed": 1}
    assert laid == layout.global_layout(after)  # the cache changed the cost only

    # and the cache file holds just the current groups
    data = json.loads((tmp_path / "layout-groups-7.json").read_text(encoding="utf-8"))
    assert len(data["groups"]) == len(groups_of(new))
    again: dict[str, int] = {}
    layout.cached_layout(after, tmp_path, stats=again)
    assert again == {}  # an identical graph: the whole layout comes from the cache


def _unit(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    m = rng.standard_normal((n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_nearest_updated_incrementally_equals_nearest_from_scratch():
    rng = np.random.default_rng(5)
    vectors = {f"n{i:03d}": v for i, v in enumerate(_unit(rng, 300))}
    vectors["n007"] = vectors["n005"].copy()  # an exact tie: broken by id, both ways
    first = nearest(vectors, 8)
    changed = dict(vectors)
    for i, v in enumerate(_unit(rng, 3)):
        changed[f"new{i}"] = v
    changed["n010"] = _unit(rng, 1)[0]
    del changed["n020"]
    updated = nearest(changed, 8, previous=first)
    assert updated.same_as(nearest(changed, 8))
    assert updated.same_as(Nearest.from_arrays(updated.to_arrays()))
    # brute force agrees with the quantised ranking
    ids = sorted(changed)
    q = np.round(np.stack([changed[u] for u in ids]).astype(np.float64) * 2 ** updated.bits)
    for row in (0, ids.index("n005"), ids.index("new1")):
        sims = q @ q[row]
        sims[row] = -np.inf
        order = np.lexsort((np.arange(len(ids)), -sims))[:8]
        assert updated.lists()[ids[row]] == [ids[j] for j in order]


def _note_text(note: GraphNote) -> str:
    theme = THEMES[int(note.note_id[1])] if note.note_id[1].isdigit() else THEMES[0]
    links = " ".join(f"[[{t}]]" for t in note.links)
    return f"---\ntitle: {note.title}\n---\nThoughts on {theme}, part {note.title}. {links}\n"


def _prepare(root: Path, notes: list[GraphNote]) -> tuple[GraphExtension, Path]:
    vault = build_vault(root, [parse_note(f"{n.note_id}.md", _note_text(n).encode())
                               for n in notes])
    ext = GraphExtension()  # real embeddings (the packaged model)
    ext.prepare(vault, SiteIndex.build(vault, {}), load_config(root))
    site = root / "site"
    ext.emit(EmitContext(site, frozenset()))
    return ext, site


def _outputs(ext: GraphExtension, site: Path, notes: list[GraphNote]):
    (page,) = ext.pages()
    related = {n.note_id: ext.note_context(n.note_id)["related"] for n in notes}
    return (site / "graph.json").read_bytes(), page.data["svg"], related


def test_adding_a_note_gives_what_a_fresh_build_gives(tmp_path: Path):
    notes = _clusters()
    grown = [*notes, NEWCOMER]
    incremental, fresh = tmp_path / "incremental", tmp_path / "fresh"
    _prepare(incremental, notes)
    ext, site = _prepare(incremental, grown)
    # the fresh build shares only the embeddings (cached by text, not under test here:
    # this spares loading the model a third time)
    shutil.copytree(incremental / CACHE / "embeddings", fresh / CACHE / "embeddings")
    fresh_ext, fresh_site = _prepare(fresh, grown)
    assert _outputs(ext, site, grown) == _outputs(fresh_ext, fresh_site, grown)
    assert not ext.warnings  # the embeddings were there: similarity took part
    for name in ("layout-groups-7.json", "nearest.npz", "related.npz"):
        assert (incremental / CACHE / "graph" / name).read_bytes() == \
            (fresh / CACHE / "graph" / name).read_bytes(), name
    # ... and only the pieces around the newcomer were computed again
    assert ext.stats["layout_groups_computed"] == 1
    assert ext.stats["layout_groups_reused"] >= 3
    assert 0 < ext.stats["related_computed"] < len(grown) / 2
    assert fresh_ext.stats["related_computed"] == len(grown)


def test_related_cache_pieces_are_reused_and_survive_corruption(tmp_path: Path):
    g = build_graph(_clusters())
    rng = np.random.default_rng(9)
    vectors = dict(zip(sorted(g), _unit(rng, g.number_of_nodes()), strict=True))
    first_stats: dict[str, int] = {}
    first = _cached_related(g, vectors, 6, tmp_path, first_stats)
    assert first_stats == {"related_reused": 0, "related_computed": len(g)}
    stats: dict[str, int] = {}
    assert _cached_related(g, vectors, 6, tmp_path, stats) == first
    assert stats == {"related_reused": len(g), "related_computed": 0}
    # a truncated file, and a well-formed file of the wrong shape: both just recomputed
    (tmp_path / "related.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with np.load(tmp_path / "nearest.npz") as data:
        version = data["version"]  # this code's own stamp: only the shapes are wrong
    np.savez(tmp_path / "nearest.npz", version=version, ids=np.array(["a"]),
             digests=np.array(["b"]), want=np.array(18), bits=np.array(20),
             cols=np.zeros((1, 3), dtype=np.int32), scores=np.zeros((1, 3), dtype=np.int64))
    (tmp_path / "layout-groups-7.json").write_text("{not json", encoding="utf-8")
    assert _cached_related(g, vectors, 6, tmp_path) == first
    assert _cached_related(g, vectors, 6, tmp_path, stats) == first
    assert stats["related_computed"] == 0  # and the rewritten cache serves again
    assert layout.cached_layout(g, tmp_path) == layout.global_layout(g)


SITE_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site_project"
ADDED = ("---\ntitle: Listening machines\n---\nA new thought on [[Empathy]], on "
         "[[the_body_as_interface|the body]] and on [[Ada Lovelace]].\n")


def _site_files(root: Path) -> dict[str, bytes]:
    """Every file under site/ except Pagefind's index (its filter order varies per run)."""
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(site).parts[0] != "pagefind"}


@pytest.mark.slow
def test_a_whole_site_built_after_adding_a_note_equals_a_fresh_build(tmp_path: Path):
    """The real build, every extension: incremental after an added note == from scratch."""
    from notegraph import api
    from notegraph.site.plugins import default_extensions

    def build(root: Path) -> None:
        api.build(load_config(root, {}), extensions=default_extensions())

    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    shutil.copytree(SITE_FIXTURE, grown)
    build(grown)
    before = _site_files(grown)
    (grown / "content/notes/journal/listening.md").write_text(ADDED, encoding="utf-8")
    build(grown)
    shutil.copytree(SITE_FIXTURE, fresh)
    (fresh / "content/notes/journal/listening.md").write_text(ADDED, encoding="utf-8")
    build(fresh)
    after, scratch = _site_files(grown), _site_files(fresh)
    assert sorted(after) == sorted(scratch)
    assert [k for k in scratch if scratch[k] != after[k]] == []
    assert b'<section class="related"' in after["journal/listening/index.html"]
    assert b'class="ng-graph ng-local"' in after["journal/listening/index.html"]
    assert after["graph.json"] != before["graph.json"]  # the graph did change


def test_a_hub_gaining_a_note_changes_no_other_related_list():
    """A channel of 600 topics is a hub: a new topic on it must not invalidate (nor
    change) the related notes of the 600 others, or every new video would recompute all."""
    def topics(n: int) -> list[GraphNote]:
        return [GraphNote(f"t{i:03d}", f"Topic {i}", "topic",
                          links=(f"t{(i + 1) % 600:03d}", f"t{(i * 7) % 600:03d}"),
                          refs=("chan",)) for i in range(n)]
    hub = GraphNote("chan", "The channel", "channel")
    before = build_graph([hub, *topics(600)])
    after = build_graph([hub, *topics(600),
                         GraphNote("t600", "Topic 600", "topic", refs=("chan",))])
    assert before.degree("chan") > HUB_DEGREE
    keys_before = related_keys(before, 6, {}, {})
    keys_after = related_keys(after, 6, {}, {})
    assert {n: keys_after[n] for n in keys_before} == keys_before
    assert related_all(before, 6) == {n: r for n, r in related_all(after, 6).items()
                                      if n != "t600"}
