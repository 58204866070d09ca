"""Full-text search: the search page and a sharded Pagefind index of the built site.

Pagefind (`pagefind[bin]`, a Rust binary shipped on PyPI) reads the built HTML and
writes a search bundle. Our templates tell it what to index (`data-pagefind-body` on
note content; titles by `data-pagefind-meta`; channel, people and concepts as
`data-pagefind-filter`s).

Pagefind holds the whole index in memory while it builds it (about 360 KB per page
with 1.5: 3.4 GB for 10,000 notes), so the pages are indexed in shards of at most
`PAGES_PER_SHARD`, one Pagefind run each, one after the other. A page's shard is a hash
of its path, so a changed or added page changes one shard only; the shard count is a
power of two (it changes only when the site doubles or halves). Each shard is a complete
bundle, `site/pagefind/shard-N/`; `site/pagefind/bundles.js` lists them and the search
page merges them in the browser (Pagefind's `mergeIndex`: results of all shards sorted
by score, filter counts summed).

Each shard's bundle is kept in the build cache under a key of its pages (paths and
bytes), the code and the Pagefind version: a rebuild after deleting `site/` copies every
shard back, and a one-note change runs Pagefind on one shard. A build that wrote no HTML
does not look at the index at all.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.site.emit import EmitContext
from notegraph.site.pages import Page, SiteIndex
from notegraph.site.plugins import pagefind_farm
from notegraph.site.workers import default_jobs, map_chunks
from notegraph.vault.read import Vault

INDEX_DIR = "pagefind"
BUNDLES_SCRIPT = "bundles.js"  # in INDEX_DIR: the shard list read by assets/search.js
PAGES_PER_SHARD = 1500  # Pagefind 1.5.2: ~450 MB peak RSS for 1,300 pages
ENTRY = "pagefind-entry.json"  # what every complete bundle has
READ_CHUNK = 500  # pages per task when changed pages are read in worker processes
PAGE_STATE = "page-hashes.json"  # in the cache: size, mtime and digest of each page
FARMS = "farms"  # in the cache: the folders Pagefind reads shards from (`pagefind_farm`)
# `data-pagefind-body` as an attribute (page text cannot contain a raw "<")
_BODY_ATTR = re.compile(rb"<[^<>]*\sdata-pagefind-body[\s=>/]")
_IGNORE_ATTR = re.compile(rb"<[^<>]*\sdata-pagefind-ignore[\s=>/]")
# attributes Pagefind reads wherever they are (filters, metadata, sorts)
_DATA_ATTR = re.compile(rb"\sdata-pagefind-(?:filter|meta|default-meta|sort)\b")
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")
_VOID = {b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link",
         b"meta", b"source", b"track", b"wbr"}


class SearchError(NotegraphError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class IndexedPage:
    """An HTML page Pagefind indexes: its path under `site/` and the digest of what
    Pagefind reads of it (`indexed_content`)."""

    rel: str
    sha: str


class SearchExtension:
    """Adds `search/` and indexes `site/` with Pagefind, shard by shard, after pages are written."""

    name = "search"
    phase = "index"  # Pagefind reads the finished HTML: after every other emitter

    def __init__(self, timeout: float = 600.0, pages_per_shard: int = PAGES_PER_SHARD) -> None:
        self.timeout = timeout
        self.pages_per_shard = pages_per_shard
        self._cache: Path | None = None
        self._jobs = 1

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None:
        """Remember where shards are cached (the index is built from the written HTML)
        and how many processes may read pages (the `jobs` setting)."""
        self._cache = config.cache_path / "pagefind"
        self._jobs = config.jobs or default_jobs()

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """No per-note additions (filters are in the note templates)."""
        return {}

    def page_key(self, note_id: str) -> str:
        """Nothing of a note page comes from here (`notegraph.site.page_keys`)."""
        return ""

    def pages(self) -> Iterable[Page]:
        """The search page."""
        return [Page("search", "search/", "search/index.html", "search.html", "Search",
                     data={"summary": "Search every note, person and concept."})]

    def emit(self, ctx: EmitContext) -> list[str]:
        """Bring `site/pagefind/` up to date when pages changed or it is incomplete.

        Owns the index as one directory output (its shards are replaced whole, and a
        file per page would double the manifest and the no-change `stat` check) plus
        `bundles.js`, written last, so a missing or half-written index is noticed.
        """
        changed = [p for p in ctx.changed if p.endswith(".html")]
        index_dir = ctx.site_dir / INDEX_DIR
        if ctx.force or changed or not (index_dir / BUNDLES_SCRIPT).is_file():
            with tempfile.TemporaryDirectory(prefix="notegraph-pagefind-") as scratch:
                cache = self._cache or Path(scratch) / "cache"  # no build cache: nothing kept
                update_index(ctx.site_dir, cache, self.pages_per_shard, self.timeout,
                             self._jobs)
        return [f"{INDEX_DIR}/", f"{INDEX_DIR}/{BUNDLES_SCRIPT}"]


def update_index(site_dir: Path, cache: Path, pages_per_shard: int = PAGES_PER_SHARD,
                 timeout: float = 600.0, jobs: int = 1) -> list[str]:
    """Write every shard of the index of `site_dir` and `bundles.js`; returns the shard dirs.

    Shards come from `cache` when indexed before, else from Pagefind (then kept there);
    cached shards no longer used are dropped, so the cache holds one index. The cache
    also records the digest of each page (`PAGE_STATE`), so unchanged pages are not read.
    """
    pages = indexed_pages(site_dir, cache / PAGE_STATE, jobs)
    count = shard_count([p.rel for p in pages], pages_per_shard)
    shards: list[list[IndexedPage]] = [[] for _ in range(count)]
    for page in pages:
        shards[shard_of(page.rel, count)].append(page)
    index_dir = site_dir / INDEX_DIR
    # bundles.js marks a complete index: remove it until every shard is in place
    (index_dir / BUNDLES_SCRIPT).unlink(missing_ok=True)
    bundles = cache / "shards"
    bundles.mkdir(parents=True, exist_ok=True)
    names, keys = [], set()
    farms = [pagefind_farm.farm_name(i, count) for i in range(count)]
    for i, members in enumerate(shards):
        key = shard_key(members)
        bundle = bundles / key
        if not (bundle / ENTRY).is_file():
            farm = pagefind_farm.prepare_farm(cache / FARMS, farms[i], site_dir,
                                              [p.rel for p in members])
            _index_shard(farm, bundle, timeout, site_dir)
        names.append(f"shard-{i}")
        keys.add(key)
        _install(bundle, index_dir / names[-1])
    pagefind_farm.drop_farms(cache / FARMS, farms)
    for entry in sorted(index_dir.iterdir()):  # old shards, a pre-shard single index
        if entry.name not in names:
            _remove(entry)
    for entry in sorted(bundles.iterdir()):  # shards no longer used
        if entry.name not in keys:
            _remove(entry)
    for entry in sorted(cache.iterdir()):  # what an older notegraph kept here
        if entry.name not in ("shards", PAGE_STATE, FARMS):
            _remove(entry)
    filters = any(any((index_dir / n / "filter").glob("*")) for n in names)
    store.atomic_write_text(index_dir / BUNDLES_SCRIPT, bundles_script(names, filters))
    return names


def _state_version() -> str:
    """What the page-hash state is valid for: the code that reads pages for Pagefind."""
    return code_digest("notegraph.site.plugins.search")


def indexed_pages(site_dir: Path, state: Path | None = None, jobs: int = 1
                  ) -> list[IndexedPage]:
    """The HTML pages under `site_dir` that Pagefind indexes, sorted by path.

    Like Pagefind: the pages with a `data-pagefind-body` element, or every page when
    none has one. (Each shard must get only those: a shard holding no such page would
    otherwise index the whole body of, say, the home page.) With a `state` file, a page
    whose size and mtime are those recorded there is not read again.
    """
    # no state, a corrupt or an older one: read every page
    stored = cache.read_json(state, _state_version()) or {}
    known: dict[str, list[Any]] = stored.get("pages") or {}
    seen: dict[str, list[Any]] = {}
    unread: list[tuple[str, str]] = []  # (rel, full path) of pages new or changed
    for dirpath, dirnames, filenames in os.walk(site_dir):
        if dirpath == str(site_dir):
            dirnames[:] = [d for d in dirnames if d != INDEX_DIR]
        for name in filenames:
            if not name.endswith(".html"):
                continue
            full = os.path.join(dirpath, name)
            rel = Path(full).relative_to(site_dir).as_posix()
            st = os.stat(full)
            record = known.get(rel)
            if isinstance(record, list) and record[:2] == [st.st_size, st.st_mtime_ns]:
                seen[rel] = record
            else:
                unread.append((rel, full))
    # after a full rebuild that is every page: read them in `jobs` worker processes
    with map_chunks(_page_records, unread, jobs, chunk_size=READ_CHUNK) as chunks:
        for records in chunks:
            seen.update(records)
    if state is not None and seen != known:
        cache.write_json(state, _state_version(), {"pages": dict(sorted(seen.items()))})
    pages = {rel: IndexedPage(rel, r[2]) for rel, r in seen.items()}
    marked_rels = [rel for rel, r in seen.items() if r[3]]
    return [pages[rel] for rel in sorted(marked_rels or pages)]


def _page_records(pages: Sequence[tuple[str, str]]) -> dict[str, list[Any]]:
    """[size, mtime, digest of what Pagefind reads, has a body mark] of each page."""
    out: dict[str, list[Any]] = {}
    for rel, full in pages:
        with open(full, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
        marked = b"data-pagefind-body" in data and bool(_BODY_ATTR.search(data))
        digest = hashlib.sha256(indexed_content(data)).hexdigest()
        out[rel] = [st.st_size, st.st_mtime_ns, digest, marked]
    return out


def indexed_content(html: bytes) -> bytes:
    """What Pagefind reads of a page: the `data-pagefind-body` element without its
    `data-pagefind-ignore` parts, plus every tag carrying a filter, meta or sort.

    A page whose backlinks, related notes or local graph changed (all ignored, or
    outside the body) gives the same bytes, so adding a note re-indexes the shards of
    the pages whose text changed, not of every page it touched. Pages are notegraph's
    own well-formed HTML; anything this cannot take apart counts as a whole.
    """
    start = _BODY_ATTR.search(html)
    end = _element_end(html, start.start()) if start else None
    if start is None or end is None:
        return html
    body = html[start.start():end]
    kept, pos = [], 0
    for ignored in _IGNORE_ATTR.finditer(body):
        if ignored.start() < pos:
            continue  # inside a part already left out
        stop = _element_end(body, ignored.start())
        if stop is None:
            return html
        kept.append(body[pos:ignored.start()])
        pos = stop
    kept.append(body[pos:])
    return b"".join(kept) + b"\0" + b"\n".join(_data_tags(html))


def _data_tags(html: bytes) -> list[bytes]:
    """Each tag with a filter/meta/sort attribute, with the text right after it."""
    out = []
    # a literal search: a regex starting with \s tries every position of the page
    at = html.find(b"data-pagefind-")
    while at >= 0:
        if _DATA_ATTR.match(html, at - 1):
            start = html.rfind(b"<", 0, at)
            close = html.find(b">", at)
            end = html.find(b"<", close) if close >= 0 else -1
            out.append(html[start:end if end >= 0 else len(html)])
        at = html.find(b"data-pagefind-", at + 1)
    return out


def _element_end(html: bytes, start: int) -> int | None:
    """The offset just past the element whose start tag begins at `start` (None if the
    tags do not balance)."""
    first = _TAG.match(html, start)
    if first is None:
        return None
    name = first.group(2).lower()
    if name in _VOID or first.group(0).endswith(b"/>"):
        return first.end()
    depth = 0
    for tag in _named_tags(name).finditer(html, start):  # only this element's tags
        if tag.group(0).endswith(b"/>"):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None


@functools.lru_cache(maxsize=32)
def _named_tags(name: bytes) -> re.Pattern[bytes]:
    """Start and end tags of elements called `name`."""
    return re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s/>])[^>]*>", re.I)


def shard_of(rel: str, count: int) -> int:
    """The shard of the page at `rel` (stable: a hash of the path, not of the content)."""
    return int.from_bytes(hashlib.sha256(rel.encode("utf-8")).digest()[:8], "big") % count


def shard_count(rels: Sequence[str], pages_per_shard: int) -> int:
    """How many shards: the least power of two that keeps shards within `pages_per_shard`
    pages, halved while one would be empty (Pagefind cannot index nothing)."""
    count = 1
    while count * pages_per_shard < len(rels):
        count *= 2
    while count > 1 and len({shard_of(r, count) for r in rels}) < count:
        count //= 2
    return count


def shard_key(pages: Sequence[IndexedPage]) -> str:
    """Cache key of a shard: its pages, how Pagefind is run (this module), its version."""
    return store.content_hash(code_digest("notegraph.site.plugins.search"), _pagefind_version(),
                              *(f"{p.rel}\0{p.sha}" for p in pages))


def bundles_script(names: Sequence[str], filters: bool = True) -> str:
    """`bundles.js`: the shard bundle folders, relative to `pagefind/`, primary first,
    and whether the index has filters (the search page waits for them, if so)."""
    items = ", ".join(f'"{n}/"' for n in names)
    return (f"window.notegraphSearchBundles = [{items}];\n"
            f"window.notegraphSearchFilters = {'true' if filters else 'false'};\n")


@functools.lru_cache(maxsize=1)
def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _index_shard(farm: Path, bundle: Path, timeout: float, site_dir: Path) -> None:
    """Run Pagefind over a shard's pages (linked in `farm`), into `bundle`."""
    out = bundle.parent / f".{bundle.name}.tmp"
    _remove(out)
    try:
        run_pagefind(farm, out, timeout, site_dir=site_dir)
        out.rename(bundle)
    finally:
        _remove(out)


def _install(bundle: Path, target: Path) -> None:
    """Make `target` a copy of `bundle` unless it already is one."""
    entry = target / ENTRY
    if entry.is_file() and entry.read_bytes() == (bundle / ENTRY).read_bytes():
        return  # the entry names the hash of the shard's metadata: same entry, same shard
    tmp = target.parent / f".{target.name}.tmp"
    _remove(tmp)
    shutil.copytree(bundle, tmp, copy_function=_link_or_copy)
    _remove(target)
    tmp.rename(target)


def _link_or_copy(src: str, dst: str) -> None:
    # a hard link costs no copy (nothing rewrites these files in place); a copy when
    # the site and the cache are on different file systems
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def run_pagefind(source_dir: Path, output_dir: Path, timeout: float = 600.0,
                 site_dir: Path | None = None) -> None:
    """Run the Pagefind binary from the `pagefind` package on `source_dir`, writing the
    bundle to `output_dir`; `site_dir` is the site named in errors (default `source_dir`).

    Raises `SearchError` naming the problem when it is missing or fails.
    """
    site_dir = site_dir or source_dir
    cmd = [*_pagefind_command(), "--site", str(source_dir),
           "--output-path", str(output_dir), "--force-language", "en", "--silent",
           # heading permalinks ("#") are not words of the heading
           "--exclude-selectors", "a.anchor"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise SearchError(f"pagefind did not finish indexing {site_dir} within "
                          f"{timeout:.0f} s; try again or report the vault size") from exc
    except OSError as exc:
        raise SearchError(f"cannot run pagefind ({exc}); install it: "
                          "pip install 'pagefind[bin]'") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        hint = detail[-1] if detail else f"exit code {proc.returncode}"
        if "No module named pagefind" in (proc.stderr or ""):
            hint = "the pagefind package is missing: pip install 'pagefind[bin]'"
        raise SearchError(f"pagefind failed to index {site_dir}: {hint}")


@functools.lru_cache(maxsize=1)
def _pagefind_command() -> list[str]:
    """The Pagefind binary itself when `pagefind_bin` has it: `python -m pagefind` only
    starts Python to find and exec it (0.1-0.2 s per shard)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):  # not installed this way: let the wrapper find it
        return [sys.executable, "-m", "pagefind"]
