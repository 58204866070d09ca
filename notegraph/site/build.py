"""Vault → `site/`: deterministic and incremental.

- Deterministic: pages are rendered from sorted inputs only (no clocks, no set order), so
  the same input gives a byte-identical site.
- Incremental, at three levels:
  1. nothing changed (same file sizes/mtimes of notes, transcripts, templates, assets and
     the same config): the build stops after a few thousand `stat` calls;
  2. note bodies are rendered to HTML once per (body, resolved links) and kept in a
     render cache, so a rebuild after deleting `site/` re-renders no markdown;
  3. each output's digest (its template set plus `repr` of its `Page`) is kept in a
     manifest; only pages whose digest changed are written — adding one note writes its
     page, the pages whose links or backlinks it changes, and the index pages.
- Extensions (the graph, search and feeds) plug in through `SiteExtension`.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2

from notegraph import __version__, store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import SiteError
from notegraph.report import Reporter, SilentReporter
from notegraph.site.backlinks import without_mention_list
from notegraph.site.pages import Page, SiteIndex, note_page, site_pages, tag_url
from notegraph.site.previews import preview_files
from notegraph.site.render import (
    RENDER_VERSION,
    LinkTarget,
    NoteRenderer,
    RenderedNote,
    TocEntry,
    heading_anchor,
)
from notegraph.site.videos import VideoInfo, load_video_infos
from notegraph.site.workers import default_jobs, map_chunks
from notegraph.vault.links import cached_link_key
from notegraph.vault.read import Note, Vault, list_markdown, load_vault

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_TEMPLATES = PACKAGE_DIR / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"
PREVIEW_SHARDS = 16
MANIFEST_VERSION = "1"
NOTE_CHUNK = 250  # note pages per task handed to a worker process
PARALLEL_FROM = 1000  # fewer note pages render in this process: forking costs more
# Cached renders are keyed by the code that makes them (see notegraph.code_digest).
_RENDER_CODE = code_digest("notegraph.site.render", "notegraph.site.build",
                           "notegraph.vault.links", "notegraph.slugs")


class SiteExtension(Protocol):
    """A part of the site built by another module (graph page, search, feeds).

    `prepare` sees the resolved vault first; `note_context` adds template variables to a
    note page (under `extra`, e.g. `related`, `local_graph`); `pages` adds whole pages
    (rendered like the others, templates looked up the same way); `finish` runs after all
    pages are written (e.g. a search indexer) and gets the list of outputs written.
    """

    name: str

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None: ...

    def note_context(self, note_id: str) -> Mapping[str, Any]: ...

    def pages(self) -> Iterable[Page]: ...

    def finish(self, site_dir: Path, result: BuildResult) -> None: ...


@dataclass
class BuildResult:
    """What a build did."""

    pages: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered_bodies: int = 0  # markdown renders (render-cache misses)
    up_to_date: bool = False  # nothing had changed: no page was even planned
    site_dir: Path | None = None


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up: the project's `templates_dir` first, then the defaults."""
    dirs = []
    if config.templates_path.is_dir():
        dirs.append(config.templates_path)
    if DEFAULT_TEMPLATES.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(DEFAULT_TEMPLATES)
    return dirs


def input_signature(config: Config, extensions: Sequence[SiteExtension] = ()) -> str:
    """A cheap fingerprint (sizes and mtimes) of everything a build reads."""
    # the code too: a changed notegraph must not find an "up to date" site
    parts: list[str] = [__version__, RENDER_VERSION, code_digest(), repr(config),
                        ",".join(e.name for e in extensions)]
    for root in [config.notes_path, config.transcripts_path, *template_dirs(config),
                 ASSETS_DIR]:
        parts.append(str(root))
        entries = list_markdown(root) if root == config.notes_path else _list_files(root)
        parts.extend(f"{rel}:{size}:{mtime}" for rel, (size, mtime) in entries)
    return store.content_hash(*parts)


def is_up_to_date(config: Config, extensions: Sequence[SiteExtension] = (),
                  signature: str | None = None) -> bool:
    """True when nothing a build reads has changed since the last build and site/ is whole."""
    manifest = _read_manifest(config.cache_path / "site-manifest.json")
    outputs = manifest.get("outputs") or {}
    if signature is None:
        signature = input_signature(config, extensions)
    return bool(outputs) and manifest.get("signature") == signature and all(
        (config.site_path / out).exists() for out in outputs)


def build_site(config: Config, reporter: Reporter | None = None,
               extensions: Sequence[SiteExtension] = (), vault: Vault | None = None,
               force: bool = False) -> BuildResult:
    """Render the vault in `config.notes_path` to `config.site_path`; see the module doc."""
    # A build allocates millions of small, acyclic, short-lived objects: collect rarely
    # (garbage with cycles, e.g. from extensions, is still collected).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        return _build_site(config, reporter or SilentReporter(), extensions, vault, force,
                           config.jobs or default_jobs())
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _build_site(config: Config, reporter: Reporter, extensions: Sequence[SiteExtension],
                vault: Vault | None, force: bool, jobs: int) -> BuildResult:
    site_dir = config.site_path
    cache_dir = config.cache_path
    manifest_path = cache_dir / "site-manifest.json"
    manifest = _read_manifest(manifest_path)
    old_outputs: dict[str, str] = manifest.get("outputs", {})
    signature = input_signature(config, extensions)
    result = BuildResult(site_dir=site_dir)
    if not force and is_up_to_date(config, extensions, signature):
        result.up_to_date = True
        result.pages = len(old_outputs)
        reporter.info(f"site is up to date ({len(old_outputs)} files in {site_dir})")
        return result

    if vault is None:
        vault = load_vault(config.notes_path, cache_dir)
    # The vault is millions of long-lived objects: move them out of the cyclic
    # collector's sight, or every collection rescans them (a third of a warm build).
    gc.collect()
    gc.freeze()
    videos, _ = load_video_infos(config.transcripts_path, cache_dir)
    idx = SiteIndex.build(vault, videos)
    for ext in extensions:
        ext.prepare(vault, idx, config)

    env = make_environment(config)
    templates_digest = _templates_digest(config)
    bodies = _BodyCache(cache_dir / "render-cache.sqlite", vault)

    def extra(note_id: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for ext in extensions:
            merged.update(ext.note_context(note_id))
        return merged

    # The few site-wide pages first: which of them exist decides the navigation bar.
    pages = site_pages(idx)
    for ext in extensions:
        pages.extend(ext.pages())
    page_urls = {p.url for p in pages}
    nav = {"graph": "graph/" in page_urls, "search": "search/" in page_urls,
           "tags": "tags/" in page_urls}
    base_digest = store.content_hash(templates_digest, repr(sorted(nav.items())),
                                     config.site_title, config.base_url)
    writer = _PageWriter(site_dir, env, config, nav, base_digest, old_outputs, force)
    outputs: dict[str, str] = {}

    def note_pages(ids: Sequence[str]) -> tuple[list[tuple[str, str, bool]], _BodyWork]:
        # Each note page is planned, rendered and written here and then dropped, so a
        # build never holds 10,000 pages of HTML (and workers run this in parallel).
        done = [writer.write(note_page(idx, vault.notes[i], bodies.render, extra(i)))
                for i in ids]
        return done, bodies.take_work()

    try:
        ids = list(vault.notes)
        with map_chunks(note_pages, ids, jobs if len(ids) >= PARALLEL_FROM else 1,
                        chunk_size=NOTE_CHUNK) as chunks:
            for done, work in reporter.progress(chunks, "Rendering pages",
                                                total=-(-len(ids) // NOTE_CHUNK)):
                bodies.absorb(work)
                for output, digest, written in done:
                    outputs[output] = digest
                    if written:
                        result.written.append(output)
        for page in pages:
            output, digest, written = writer.write(page)
            outputs[output] = digest
            if written:
                result.written.append(output)
        result.rendered_bodies = bodies.misses
        bodies.prune()
    finally:
        bodies.close()
    result.pages = len(pages) + len(ids)

    for rel, data in [*_preview_files(vault), *_asset_files()]:
        digest = store.content_hash(data)
        outputs[rel] = digest
        target = store.safe_join(site_dir, *rel.split("/"))
        if force or old_outputs.get(rel) != digest or not target.exists():
            store.atomic_write_bytes(target, data)
            result.written.append(rel)

    for rel in sorted(set(old_outputs) - set(outputs)):
        target = store.safe_join(site_dir, *rel.split("/"))
        if target.is_file():
            target.unlink()
            _prune_empty_dirs(target.parent, site_dir)
        result.removed.append(rel)

    for ext in extensions:
        ext.finish(site_dir, result)
    store.atomic_write_json(manifest_path, {"version": MANIFEST_VERSION, "signature": signature,
                                            "outputs": dict(sorted(outputs.items()))})
    reporter.info(f"built {site_dir}: {result.pages} pages, {len(result.written)} files "
                  f"written, {len(result.removed)} removed, {result.rendered_bodies} notes "
                  "rendered from markdown")
    return result


class _PageWriter:
    """Renders a page and writes it to `site/` unless its digest says it is unchanged."""

    def __init__(self, site_dir: Path, env: jinja2.Environment, config: Config,
                 nav: Mapping[str, bool], base_digest: str, old_outputs: Mapping[str, str],
                 force: bool) -> None:
        self.site_dir = site_dir.resolve()
        self.env = env
        self.config = config
        self.nav = nav
        self.base_digest = base_digest
        self.old_outputs = old_outputs
        self.force = force

    def write(self, page: Page) -> tuple[str, str, bool]:
        """(output, digest, whether it was written) for one page."""
        digest = store.content_hash(self.base_digest, repr(page))
        # Page outputs are made of slugs; join_checked refuses any part that could escape.
        target = store.join_checked(self.site_dir, page.output)
        if not self.force and self.old_outputs.get(page.output) == digest and target.exists():
            return page.output, digest, False
        store.atomic_write_text(target, render_page(self.env, page, self.config, self.nav))
        return page.output, digest, True


def make_environment(config: Config) -> jinja2.Environment:
    """The one Jinja environment of a build: autoescaping on, user templates first."""
    loader = jinja2.FileSystemLoader([str(d) for d in template_dirs(config)])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.ChainableUndefined)
    env.globals.update(site_title=config.site_title, base_url=config.base_url)
    return env


def render_page(env: jinja2.Environment, page: Page, config: Config,
                nav: Mapping[str, bool]) -> str:
    """One page's HTML. URLs are relative to the page (`root`), the 404 page's absolute."""
    root = _base_path(config.base_url) if page.kind == "404" else ("../" * page.depth or "./")
    canonical = ""
    if config.base_url and page.kind != "404":
        canonical = config.base_url.rstrip("/") + "/" + page.url
    try:
        template = env.get_template(page.template)
        return template.render(page=page, root=root, canonical=canonical, nav=nav, **page.data)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or page.template
        raise SiteError(f"template {where}, line {exc.lineno}: {exc.message}; "
                        "fix it or remove it to use the default") from exc
    except jinja2.TemplateError as exc:
        raise SiteError(f"template {page.template} failed on page {page.output}: {exc}; "
                        "fix the template or remove it to use the default") from exc


def _base_path(base_url: str) -> str:
    """`https://x.github.io/proj/` → `/proj/` (where the site lives on its host)."""
    if not base_url:
        return "/"
    rest = base_url.split("://", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


_BodyRow = tuple[str, str, str]  # (key, html, toc as JSON): one render-cache entry


@dataclass
class _BodyWork:
    """What rendering some note bodies did to the cache: new rows, keys used."""

    rows: list[_BodyRow]
    used: list[str]


class _BodyCache:
    """Note body → HTML, rendered once per (body, resolved links) and kept in SQLite.

    Renders made in a build are collected (`take_work`) and stored by the building
    process (`absorb`), so worker processes only ever read the database, each through
    its own connection (an SQLite connection must not cross a fork). Entries no build
    uses any more are dropped once they outnumber the live ones (`prune`).
    """

    def __init__(self, path: Path, vault: Vault) -> None:
        self.vault = vault
        self.path = path
        # Videos whose page lists its topic notes (so the body's own list is redundant).
        self.videos_with_topics = {n.video_id for n in vault.notes.values()
                                   if n.video_id and n.type != "video"}
        self.renderer = NoteRenderer()
        self.misses = 0
        self._new: list[_BodyRow] = []
        self._used: list[str] = []  # keys looked up since the last take_work()
        self._live: set[str] = set()  # keys this build used (in any process)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path)
            self._db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, "
                             "html TEXT, toc TEXT)")
        except sqlite3.DatabaseError:  # a corrupt cache is only a slower build
            path.unlink(missing_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT, toc TEXT)")
        # write-ahead log: readers (the workers) are never blocked by the writer
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.commit()
        self._pid = os.getpid()

    @property
    def db(self) -> sqlite3.Connection:
        """This process's connection (a forked worker opens its own, read-only use)."""
        if self._pid != os.getpid():
            self._db = sqlite3.connect(self.path)
            self._pid = os.getpid()
        return self._db

    def take_work(self) -> _BodyWork:
        """Renders made and keys used since the last call (for the building process)."""
        work = _BodyWork(self._new, self._used)
        self._new, self._used = [], []
        return work

    def absorb(self, work: _BodyWork) -> None:
        """Store renders made here or in a worker; remember the keys it used."""
        self._live.update(work.used)
        if work.rows:
            self.misses += len(work.rows)
            with self.db:  # one short transaction: workers keep reading meanwhile
                self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                    work.rows)

    def prune(self) -> int:
        """Drop entries this build did not use, once they outnumber the used ones.

        Keeps the cache within twice the live site (edits leave old renders behind)
        while switching back and forth between two versions of a note stays cheap.
        Returns the number of entries dropped.
        """
        self.absorb(self.take_work())
        total = self.db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0]
        if total - len(self._live) <= len(self._live):
            return 0
        with self.db:
            self.db.execute("CREATE TEMP TABLE live (key TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO live VALUES (?)",
                                ((k,) for k in self._live))
            dropped = self.db.execute(
                "DELETE FROM bodies WHERE key NOT IN (SELECT key FROM live)").rowcount
            self.db.execute("DROP TABLE live")
        self.db.execute("VACUUM")
        return dropped

    def render(self, note: Note, url: str) -> RenderedNote:
        links = self._links(note, url)
        body = _without_title_heading(note)
        if note.type == "video" and note.video_id in self.videos_with_topics:
            body = _without_section(body, "Topics")
        if note.type in ("person", "concept") and note.frontmatter.get("generator"):
            body = without_mention_list(body)  # the grouped backlinks show it
        root = "../" * url.count("/")
        tags = {t.casefold(): root + tag_url(t) for t in note.tags}
        embeds = self._embeds(note, url)
        key = store.content_hash(RENDER_VERSION, _RENDER_CODE, body, note.video_id or "",
                                 repr(sorted(links.items(), key=lambda kv: repr(kv[0]))),
                                 repr(sorted(tags.items())),
                                 repr(sorted(embeds.items(), key=lambda kv: repr(kv[0]))))
        self._used.append(key)
        row = self.db.execute("SELECT html, toc FROM bodies WHERE key = ?", (key,)).fetchone()
        if row is not None:
            toc = tuple(TocEntry(*t) for t in json.loads(row[1]))
            return RenderedNote(row[0], toc)

        def fallback(target: str, heading: str | None) -> LinkTarget:
            found = self.vault.resolve(target, note.id)
            return self._target(found, note, root)

        rendered = self.renderer.render(body, links, note.video_id, fallback, tags, embeds)
        self._new.append((key, rendered.html,
                          json.dumps([[t.level, t.id, t.name] for t in rendered.toc])))
        return rendered

    def _links(self, note: Note, url: str, page: Note | None = None
               ) -> dict[tuple[str, str | None], LinkTarget]:
        """Where `note`'s links point, as hrefs from the page at `url` (showing `page`)."""
        root = "../" * url.count("/")
        links: dict[tuple[str, str | None], LinkTarget] = {}
        for link, found in zip(note.links, self.vault.resolved.get(note.id, ()), strict=False):
            key = (cached_link_key(link.target), link.heading)
            if key not in links:
                links[key] = self._target(found, page or note, root)
        return links

    def _embeds(self, note: Note, url: str) -> dict[tuple[str, str | None], str]:
        """`![[target]]` → the target's body (or section) rendered for this page.

        One level deep: embeds inside an embedded note stay link cards, so no chain of
        embeds can loop; a note embedding itself gets a link card too.
        """
        out: dict[tuple[str, str | None], str] = {}
        for link, found in zip(note.links, self.vault.resolved.get(note.id, ()), strict=False):
            key = (cached_link_key(link.target), link.heading)
            if not link.embed or found is None or found == note.id or key in out:
                continue
            target = self.vault.notes[found]
            body = _without_title_heading(target)
            if link.heading:
                body = _section(body, link.heading) or body
            links = self._links(target, url, page=note)
            root = "../" * url.count("/")
            tags = {t.casefold(): root + tag_url(t) for t in target.tags}
            out[key] = self.renderer.render(body, links, target.video_id, tags=tags).html
        return out

    def _target(self, found: str | None, note: Note, root: str) -> LinkTarget:
        if found is None:
            return LinkTarget(None)
        target_url = self.vault.urls[found]
        href = "./" if found == note.id else root + target_url
        return LinkTarget(href, self.vault.notes[found].title, target_url)

    def close(self) -> None:
        """Store what is left to store and close this process's connection."""
        self.absorb(self.take_work())
        self.db.commit()
        self.db.close()


def _without_title_heading(note: Note) -> str:
    """The body minus a leading `# Title` that repeats the note's title (the page has one)."""
    body = note.body.lstrip("\n")
    if body.startswith("# "):
        first, _, rest = body.partition("\n")
        if cached_link_key(first[2:].strip()) == cached_link_key(note.title):
            return rest
    return note.body


def _section(body: str, heading: str) -> str:
    """The part of `body` under the heading named `heading` (up to one of its level), or ""."""
    want = heading_anchor(heading)
    for m in re.finditer(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", body, re.M):
        if heading_anchor(m.group(2)) == want:
            level = len(m.group(1))
            end = re.compile(rf"^#{{1,{level}}}[ \t]", re.M).search(body, m.end())
            return body[m.end():end.start() if end else len(body)]
    return ""


def _without_section(body: str, heading: str) -> str:
    """`body` minus its `## heading` section (up to the next heading of level 1-2)."""
    m = re.search(rf"^##[ \t]+{re.escape(heading)}[ \t]*$", body, re.M | re.I)
    if not m:
        return body
    end = re.compile(r"^#{1,2}[ \t]", re.M).search(body, m.end())
    return body[:m.start()] + (body[end.start():] if end else "")


def preview_shard(url: str) -> int:
    """Which previews file holds a note's summary (same hash in `assets/notegraph.js`)."""
    h = 0
    for ch in url:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h % PREVIEW_SHARDS


def _preview_files(vault: Vault) -> list[tuple[str, bytes]]:
    return [(rel, json.dumps(shard, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")).encode("utf-8"))
            for rel, shard in preview_files(vault, PREVIEW_SHARDS, preview_shard)]


def _asset_files() -> list[tuple[str, bytes]]:
    return [(f"assets/{rel}", (ASSETS_DIR / rel).read_bytes())
            for rel, _ in _list_files(ASSETS_DIR)]


def _templates_digest(config: Config) -> str:
    parts = []
    for d in template_dirs(config):
        for rel, _ in _list_files(d):
            parts.append(rel)
            parts.append((d / rel).read_bytes().decode("utf-8", "replace"))
    return store.content_hash(*parts)


def _list_files(root: Path) -> list[tuple[str, tuple[int, int]]]:
    out = []
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for name in filenames:
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            st = os.stat(full)
            out.append((os.path.relpath(full, root).replace(os.sep, "/"),
                        (st.st_size, st.st_mtime_ns)))
    out.sort()
    return out


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if data.get("version") == MANIFEST_VERSION else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    folder, stop = folder.resolve(), stop.resolve()
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


__all__ = ["BuildResult", "SiteExtension", "VideoInfo", "build_site", "input_signature",
           "is_up_to_date",
           "make_environment", "render_page", "template_dirs"]
