"""Search: the Pagefind index in shards, cached per shard, merged again in the browser.

Builds use only the search extension (no graph, no embeddings) and a tiny shard size,
so a site of a dozen notes already spreads over several shards and Pagefind runs in
well under a second per build.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from notegraph import api
from notegraph.config import load_config
from notegraph.site.plugins import search
from notegraph.site.plugins.search import (
    SearchError,
    SearchExtension,
    indexed_content,
    indexed_pages,
    run_pagefind,
    shard_count,
    shard_of,
)
from tests.local_server import serve_folder

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "site_project"
SUBPATH = "notes"
PER_SHARD = 4
# hand-written notes on two channels: a word they share, and one word each
EXTRA = 10
CHANNELS = ("Night Radio", "Day Radio")


def _extra_note(k: int) -> str:
    return (f"---\ntitle: Jam session {k}\nchannel: {CHANNELS[k % 2]}\n---\n"
            f"Notes on marmalade, part {k}: the word of this one is {_word(k)}.\n")


def _word(k: int) -> str:
    return ("walrus", "trombone", "glacier", "saffron", "lantern", "pebble", "orchid",
            "falcon", "velvet", "harbour")[k]


def _project(root: Path) -> Path:
    shutil.copytree(FIXTURE, root)
    for k in range(EXTRA):
        (root / f"content/notes/journal/jam_{k}.md").write_text(_extra_note(k), "utf-8")
    return root


def _build(root: Path) -> None:
    api.build(load_config(root, {}), extensions=[SearchExtension(pages_per_shard=PER_SHARD)])


def _bundles(site: Path) -> list[str]:
    script = (site / "pagefind" / "bundles.js").read_text("utf-8")
    return json.loads(script[script.index("["):script.rindex("]") + 1])


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}


@pytest.fixture
def runs(monkeypatch) -> list[Path]:
    """The sources Pagefind was run on (each run indexes one shard)."""
    seen: list[Path] = []
    real = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind",
                        lambda src, *a, **k: (seen.append(src), real(src, *a, **k))[1])
    return seen


def test_each_shard_indexes_the_pages_its_path_hashes_to(tmp_path: Path, runs) -> None:
    root = _project(tmp_path / "p")
    _build(root)
    site = root / "site"
    pages = [p.rel for p in indexed_pages(site)]
    assert len(pages) == 9 + EXTRA  # the note pages; home, index and search are not indexed
    count = shard_count(pages, PER_SHARD)
    assert count >= 4 and len(runs) == count
    assert _bundles(site) == [f"shard-{i}/" for i in range(count)]
    for i in range(count):
        entry = json.loads((site / f"pagefind/shard-{i}/pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] == sum(
            shard_of(p, count) == i for p in pages)
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == sorted(
        ["bundles.js", *(f"shard-{i}" for i in range(count))])
    html = (site / "search/index.html").read_text("utf-8")
    assert "pagefind/shard-0/pagefind-ui.js" in html and "pagefind/bundles.js" in html


def test_a_changed_note_reindexes_its_shard_only_and_warm_builds_copy(tmp_path: Path,
                                                                     runs) -> None:
    root = _project(tmp_path / "p")
    site = root / "site"
    _build(root)
    count = len(runs)
    first = _files(site)

    shutil.rmtree(site)  # warm: every shard comes from the cache
    _build(root)
    assert len(runs) == count and _files(site) == first

    note = root / "content/notes/journal/jam_3.md"
    note.write_text(_extra_note(3).replace("marmalade", "apricots"), "utf-8")
    _build(root)
    assert len(runs) == count + 1
    changed = sorted({k.split("/")[1] for k, v in _files(site).items() if first.get(k) != v})
    assert changed == [f"shard-{shard_of('journal/jam_3/index.html', count)}"]

    _build(root)  # nothing changed: Pagefind is not run, the index is not even read
    assert len(runs) == count + 1


def test_a_new_link_to_a_note_reindexes_only_the_shard_of_the_new_note(tmp_path: Path,
                                                                        runs) -> None:
    """jam_3 gains a backlink, which Pagefind ignores: its shard is not indexed again."""
    root = _project(tmp_path / "p")
    site = root / "site"
    _build(root)
    count = len(runs)
    shards = len(_bundles(site))
    first = _files(site)
    target, reply = "journal/jam_3/index.html", "journal/jam_3_reply/index.html"
    # the test means something only if the two pages sit in different shards
    assert shard_of(target, shards) != shard_of(reply, shards)
    (root / "content/notes/journal/jam_3_reply.md").write_text(
        "---\ntitle: A reply\n---\nAn answer to [[jam_3]] about quinces.\n", "utf-8")
    _build(root)
    assert len(_bundles(site)) == shards and len(runs) == count + 1
    changed = sorted({k.split("/")[1] for k, v in _files(site).items() if first.get(k) != v})
    assert changed == [f"shard-{shard_of(reply, shards)}"]
    html = (site / "journal/jam_3/index.html").read_text("utf-8")
    assert "A reply" in html  # the backlink is there, on a page not indexed again


PAGE = (b'<html><head><title>t</title></head><body><header data-pagefind-ignore="all">'
        b'<a href="../">home</a></header><main id="content" data-pagefind-body>'
        b'<article><h1 data-pagefind-meta="title">Jam</h1>'
        b'<span hidden data-pagefind-filter="channel">Day Radio</span>'
        b'<div class="note-body"><p>Marmalade <b>and</b> toast.</p></div>'
        b'<section class="related" data-pagefind-ignore="all"><ul><li>RELATED</li></ul>'
        b'</section><section class="backlinks" data-pagefind-ignore="all"><p>BACK</p>'
        b'<section><p>nested</p></section></section></article></main>'
        b'<aside class="sidebar" data-pagefind-ignore="all"><svg>GRAPH</svg></aside>'
        b'</body></html>')


@pytest.mark.parametrize(("old", "new", "same"), [
    (b"RELATED", b"other related notes", True),
    (b"BACK", b"a new backlink", True),
    (b"nested", b"changed too", True),
    (b"GRAPH", b"another local graph", True),
    (b">home<", b">Home<", True),
    (b"Marmalade", b"Jelly", False),  # the indexed text
    (b">Jam<", b">Jam!<", False),  # the title
    (b"Day Radio", b"Night Radio", False),  # a filter
    (b"<b>and</b>", b"<i>and</i>", False),  # markup of the body counts (conservatively)
])
def test_indexed_content_is_what_pagefind_reads(old: bytes, new: bytes, same: bool) -> None:
    assert PAGE.count(old) == 1
    assert (indexed_content(PAGE) == indexed_content(PAGE.replace(old, new))) is same


def test_indexed_content_of_html_it_cannot_take_apart_is_the_whole_page() -> None:
    unbalanced = PAGE.replace(b"</main>", b"")
    assert indexed_content(unbalanced) == unbalanced
    assert indexed_content(b"<html><body><p>no body mark</p></body></html>") == \
        b"<html><body><p>no body mark</p></body></html>"


def test_old_shards_and_a_single_index_of_older_versions_are_removed(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    site = root / "site"
    (site / "pagefind/shard-99").mkdir(parents=True)
    (site / "pagefind/pagefind-entry.json").write_text("{}")  # the pre-shard layout
    cache = load_config(root, {}).cache_path / "pagefind"
    (cache / "0123456789abcdef").mkdir(parents=True)  # its cached single index
    _build(root)
    names = {p.name for p in (site / "pagefind").iterdir()}
    assert "shard-99" not in names and "pagefind-entry.json" not in names
    assert "shard-0" in names
    assert sorted(p.name for p in cache.iterdir()) == ["farms", "page-hashes.json", "shards"]


def test_indexed_pages_are_those_pagefind_indexes(tmp_path: Path) -> None:
    def page(rel: str, html: str) -> None:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(html)

    page("index.html", "<html><body><p>home</p></body></html>")
    assert [p.rel for p in indexed_pages(tmp_path)] == ["index.html"]  # none marked: all
    page("a/index.html", '<html><body><main data-pagefind-body>a</main></body></html>')
    page("b/index.html", "<html><body><p>the data-pagefind-body attribute</p></body></html>")
    page("pagefind/x.html", '<main data-pagefind-body>an index file</main>')
    before = indexed_pages(tmp_path)
    assert [p.rel for p in before] == ["a/index.html"]
    page("index.html", "<p>home, changed</p>")  # not indexed: no effect on the index
    assert indexed_pages(tmp_path) == before
    page("a/index.html", '<main data-pagefind-body>a, changed</main>')
    assert indexed_pages(tmp_path) != before


def test_indexed_pages_reads_only_pages_changed_since_the_state(tmp_path: Path) -> None:
    site, state = tmp_path / "site", tmp_path / "cache" / "page-hashes.json"
    for name in ("a", "b"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(f'<main data-pagefind-body>{name}</main>')
    first = indexed_pages(site, state)
    assert first == indexed_pages(site)
    recorded = json.loads(state.read_text())
    assert sorted(recorded["pages"]) == ["a/index.html", "b/index.html"]
    # a page with the recorded size and mtime is taken from the state, not read
    recorded["pages"]["b/index.html"][2] = "0" * 64
    state.write_text(json.dumps(recorded))
    assert [p.sha for p in indexed_pages(site, state)][1] == "0" * 64
    (site / "a/index.html").write_text('<main data-pagefind-body>a, longer</main>')
    (site / "b/index.html").unlink()
    assert indexed_pages(site, state) == indexed_pages(site) != first
    state.write_text("{not json")  # a corrupt state: every page is read
    assert indexed_pages(site, state) == indexed_pages(site)


def test_pages_read_by_worker_processes_give_the_same_records(tmp_path: Path,
                                                             monkeypatch) -> None:
    root = _project(tmp_path / "p")
    _build(root)
    monkeypatch.setattr(search, "READ_CHUNK", 3)  # several chunks from a small site
    alone = indexed_pages(root / "site", tmp_path / "one.json", jobs=1)
    forked = indexed_pages(root / "site", tmp_path / "two.json", jobs=2)
    assert forked == alone and len(alone) == 9 + EXTRA
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_shard_count_is_a_power_of_two_without_empty_shards() -> None:
    rels = [f"n{i}/index.html" for i in range(10_000)]
    assert shard_count(rels, 1500) == 8
    assert shard_count(rels[:1500], 1500) == 1
    assert shard_count(rels[:1501], 1500) == 2
    few = rels[:3]
    n = shard_count(few, 1)
    assert n in (1, 2) and len({shard_of(r, n) for r in few}) == n


def test_pagefind_failure_is_one_line_naming_the_site(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SearchError) as err:
        run_pagefind(tmp_path / "empty", tmp_path / "out", site_dir=tmp_path / "site")
    message = str(err.value)
    assert message.startswith(f"pagefind failed to index {tmp_path / 'site'}: ")
    assert "\n" not in message


# ------------------------------------------------------------------ in the browser


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The multi-shard test site served under http://127.0.0.1:PORT/notes/: (URL, site)."""
    root = _project(tmp_path_factory.mktemp("sharded") / "p")
    _build(root)
    www = tmp_path_factory.mktemp("www")
    (www / SUBPATH).symlink_to(root / "site", target_is_directory=True)
    with serve_folder(www) as url:
        yield f"{url}/{SUBPATH}/", root / "site"


@pytest.fixture
def browser_page(chromium) -> Iterator[object]:
    context = chromium.new_context()
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield p
        assert errors == [], f"JavaScript errors: {errors}"
    finally:
        context.close()


@pytest.mark.browser
def test_search_finds_pages_of_every_shard_and_filters_across_them(browser_page,
                                                                   sharded_site) -> None:
    page = browser_page
    sharded_url, site = sharded_site
    rels = [f"journal/jam_{k}/index.html" for k in range(EXTRA)]
    count = len(_bundles(site))
    shards = {shard_of(r, count) for r in rels}
    assert len(shards) > 1  # the test means something: the notes span shards

    page.goto(sharded_url + "search/?q=marmalade")
    message = page.locator(".pagefind-ui__message")
    message.filter(has_text=f"{EXTRA} results").wait_for(timeout=30000)

    # the channel filter counts and narrows results of every shard
    page.locator(".pagefind-ui__filter-name", has_text="channel").click()
    night = page.locator(".pagefind-ui__filter-label", has_text="Night Radio")
    assert re.search(rf"\b{EXTRA // 2}\b", night.inner_text())
    night.click()
    message.filter(has_text=f"{EXTRA // 2} results").wait_for(timeout=30000)

    # a word of one note that is not in the primary shard; its result opens it
    k = next(k for k in range(EXTRA) if shard_of(rels[k], count) != 0)
    page.goto(sharded_url + f"search/?q={_word(k)}")
    message.filter(has_text="1 result").wait_for(timeout=30000)
    link = page.locator(".pagefind-ui__result-link").first
    assert link.get_attribute("href") == f"/{SUBPATH}/journal/jam_{k}/"
    link.click()
    page.wait_for_url(re.compile(rf"/journal/jam_{k}/$"))
    assert _word(k) in page.locator("main").inner_text()
