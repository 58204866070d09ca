"""A build plans only the note pages whose inputs changed, and still gives, after every
kind of edit, byte for byte the site a build from scratch gives (`notegraph.site.page_keys`).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.config import load_config
from notegraph.site.build import BuildResult, build_site
from notegraph.site.plugins import FeedsExtension, GraphExtension

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"
CLUSTERS, SIZE = 4, 15


def _vault(root: Path) -> None:
    """The fixture project (typed notes: topics, a video, a person...) plus clusters of
    hand-written notes linking mostly inside their cluster, so most pages are far from
    any one edit."""
    shutil.copytree(FIXTURE, root)
    notes = root / "content/notes/clusters"
    notes.mkdir()
    rng = random.Random(5)
    for c in range(CLUSTERS):
        for i in range(SIZE):
            links = sorted({f"c{c}n{rng.randrange(SIZE):02d}" for _ in range(3)}
                           - {f"c{c}n{i:02d}"})
            body = " and ".join(f"[[c{c}n{j[-2:]}|note {j}]]" if k % 2 else f"[[{j}]]"
                                for k, j in enumerate(links))
            extra = " Still to write: [[A future note]]." if (c, i) == (3, 4) else ""
            (notes / f"c{c}n{i:02d}.md").write_text(
                f"---\ntitle: Note {c}.{i}\n---\n\nThis links {body}.{extra}\n",
                encoding="utf-8")


def _build(root: Path) -> BuildResult:
    # graph (local graphs, related notes by links: no model) and feeds; search only
    # reads the written pages
    return build_site(load_config(root, {}),
                      extensions=[GraphExtension(embed=False), FeedsExtension()])


def _site(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / "content/notes" / rel).write_text(text, encoding="utf-8")
    return edit


def _retitle(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "content/notes" / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return edit


def _remove(rel: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / "content/notes" / rel).unlink()
    return edit


EDITS = {
    "add a note linking two clusters": _write(
        "clusters/added.md", "---\ntitle: Added\n---\n\nOn [[c0n03]] and [[c1n07]].\n"),
    "retitle a linked note": _retitle("clusters/c2n05.md", "title: Note 2.5",
                                      "title: Renamed note"),
    "a dangling link starts to resolve": _write(
        "clusters/future.md", "---\ntitle: A future note\n---\n\nWritten at last.\n"),
    "a topic names a person in its frontmatter": _retitle(
        "topics/the_body_as_interface.md", "title:", "people: [Ada Lovelace]\ntitle:"),
    "remove a note others link to": _remove("clusters/c1n07.md"),
    "edit a note's text only": _retitle("clusters/c0n09.md", "This links", "This joins"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_incremental_build_after_an_edit_equals_a_fresh_build(tmp_path: Path,
                                                                 name: str) -> None:
    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    _vault(grown)
    first = _build(grown)
    notes = first.planned
    assert notes > 60
    EDITS[name](grown)
    again = _build(grown)
    shutil.copytree(grown / "content", fresh / "content")
    _build(fresh)
    after, scratch = _site(grown), _site(fresh)
    assert sorted(after) == sorted(scratch)
    assert [k for k in scratch if scratch[k] != after[k]] == []
    # pages far from the edit were not even planned
    assert 0 < again.planned < notes // 2


def test_pages_deleted_from_site_are_written_back_without_planning(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _vault(root)
    site = root / "site"
    _build(root)
    before = _site(root)
    shutil.rmtree(site / "clusters/c0n01")
    (site / "clusters/c0n02/index.html").write_text("tampered", encoding="utf-8")
    result = _build(root)
    # the deleted page comes back from the render cache; a tampered page is not looked at
    assert result.planned == 0
    assert result.written == ["clusters/c0n01/index.html"]
    assert _site(root)["clusters/c0n01/index.html"] == before["clusters/c0n01/index.html"]
    forced = build_site(load_config(root, {}), force=True,
                        extensions=[GraphExtension(embed=False), FeedsExtension()])
    assert forced.planned > 60  # ...until --force plans and rewrites every page
    assert _site(root) == before


def test_a_rebuild_after_deleting_site_plans_nothing_and_equals_a_fresh_build(
        tmp_path: Path) -> None:
    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    _vault(grown)
    _build(grown)
    EDITS["add a note linking two clusters"](grown)
    _build(grown)
    shutil.rmtree(grown / "site")
    warm = _build(grown)
    # the pages the edit changed were rendered (and kept); the others' keys changed
    # without their HTML changing, so they are planned once more
    assert warm.planned < warm.pages // 2
    assert warm.rendered_bodies == 0
    shutil.copytree(grown / "content", fresh / "content")
    _build(fresh)
    assert _site(grown) == _site(fresh)
    shutil.rmtree(grown / "site")
    again = _build(grown)
    assert again.planned == 0 and again.rendered_bodies == 0
    assert _site(grown) == _site(fresh)


def test_without_kept_pages_every_page_is_planned_again(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _vault(root)
    first = _build(root)
    before = _site(root)
    db = sqlite3.connect(root / ".cache/notegraph/render-cache.sqlite")
    with db:
        db.execute("DELETE FROM pages")
    db.close()
    shutil.rmtree(root / "site")
    assert _build(root).planned == first.planned
    assert _site(root) == before


def test_preview_leads_are_cached_by_note_and_follow_an_edit(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _vault(root)
    _build(root)
    cached = json.loads((root / ".cache/notegraph/preview-leads.json").read_text())["leads"]
    assert len(cached) == len(list((root / "content/notes").rglob("*.md")))
    EDITS["edit a note's text only"](root)
    _build(root)
    previews = {}
    for shard in (root / "site/previews").glob("*.json"):
        previews.update(json.loads(shard.read_text(encoding="utf-8")))
    assert previews["clusters/c0n09/"][2].startswith("This joins")
    fresh = tmp_path / "fresh"
    shutil.copytree(root / "content", fresh / "content")
    _build(fresh)
    assert _site(fresh) == _site(root)


@pytest.mark.parametrize("name", ["add a note linking two clusters",
                                  "remove a note others link to"])
def test_only_pages_whose_local_graph_changes_are_planned(tmp_path: Path, name: str) -> None:
    # A note's degree changes the inputs of every local graph within two hops of it
    # (they rank by degree), but the picture of only a few: those alone are planned.
    root = tmp_path / "p"
    _vault(root)
    _build(root)
    before = _site(root)
    EDITS[name](root)
    result = _build(root)
    after = _site(root)
    changed = {rel for rel in after if rel.endswith("index.html")
               and before.get(rel) != after[rel]}
    assert changed  # the edit shows: the notes it links to (or lost) are redrawn
    assert 0 < result.planned <= len(changed)
