"""Vault → `site/`: deterministic and incremental.

- Deterministic: pages are rendered from sorted inputs only (no clocks, no set order), so
  the same input gives a byte-identical site.
- Incremental, at four levels:
  1. nothing changed (same file sizes/mtimes of notes, transcripts, templates, assets and
     the same config) and every output of the last build is there: the build stops after
     a few thousand `stat` calls;
  2. note bodies are rendered to HTML once per (body, resolved links) and kept in a
     render cache (`notegraph.site.bodies`), so a rebuild after deleting `site/`
     re-renders no markdown;
  3. each output's digest (for a page: its template set plus `repr` of its `Page`) is
     kept in the manifest (`notegraph.site.manifest`); only outputs whose digest changed
     are written, and outputs of the last build not produced now are removed;
  4. a note page whose inputs did not change (its key, `notegraph.site.page_keys`) is
     not even planned: it is left as it is, or, when deleted from `site/`, written back
     from the render cache, which keeps each page rendered under its key.
- Plug-ins (the graph, search and feeds) add page variables, pages and emitted files
  through `notegraph.site.emit.SitePlugin`; what they emit is in the manifest too.
"""

from __future__ import annotations

import functools
import gc
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notegraph import __version__, store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import SiteError
from notegraph.report import Reporter, SilentReporter
from notegraph.site import manifest as mf
from notegraph.site import page_keys, staging
from notegraph.site.bodies import BodyCache, BodyWork
from notegraph.site.emit import EmitContext, SitePlugin, in_phase_order
from notegraph.site.page_writer import (
    PageWriter,
    make_environment,
    render_page,
    template_dirs,
)
from notegraph.site.pages import Page, SiteIndex, note_page, site_pages
from notegraph.site.previews import preview_files
from notegraph.site.render import RENDER_VERSION
from notegraph.site.videos import VideoInfo, load_video_infos
from notegraph.site.workers import default_jobs, map_chunks
from notegraph.vault.read import Vault, load_vault

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR / "assets"
PREVIEW_SHARDS = 16
NOTE_CHUNK = 250  # note pages per task handed to a worker process
PARALLEL_FROM = 1000  # fewer note pages render in this process: forking costs more
RENDER_CACHE = "render-cache.sqlite"
PREVIEW_LEADS = "preview-leads.json"  # in the build cache: each body's preview lead

SiteExtension = SitePlugin  # the name plug-ins had before they were emitters


@dataclass
class BuildResult:
    """What a build did."""

    pages: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered_bodies: int = 0  # markdown renders (render-cache misses)
    planned: int = 0  # note pages planned (the others' inputs had not changed)
    up_to_date: bool = False  # nothing had changed: no page was even planned
    site_dir: Path | None = None


def input_signature(config: Config, extensions: Sequence[SitePlugin] = ()) -> str:
    """A cheap fingerprint (sizes and mtimes) of everything a build reads."""
    # the code too: a changed notegraph must not find an "up to date" site
    parts: list[str] = [__version__, RENDER_VERSION, code_digest(), repr(config),
                        ",".join(e.name for e in extensions)]
    for root in [config.notes_path, config.transcripts_path, *template_dirs(config),
                 ASSETS_DIR]:
        parts.append(str(root))
        entries = store.walk_files(root, ".md" if root == config.notes_path else "",
                                   config.root)
        parts.extend(f"{rel}:{size}:{mtime}" for rel, (size, mtime) in entries)
    return store.content_hash(*parts)


def is_up_to_date(config: Config, extensions: Sequence[SitePlugin] = (),
                  signature: str | None = None) -> bool:
    """True when nothing a build reads has changed since the last build and site/ is whole.

    Pass `signature` (`input_signature`) when you have it: it is the costly part.
    """
    manifest = mf.read_manifest(config.cache_path / mf.MANIFEST_NAME)
    if signature is None:
        signature = input_signature(config, extensions)
    return _is_current(config, manifest, signature)


def _is_current(config: Config, manifest: mf.Manifest, signature: str) -> bool:
    return (bool(manifest.outputs) and manifest.signature == signature
            and mf.all_present(config.site_path, manifest.outputs))


def build_site(config: Config, reporter: Reporter | None = None,
               extensions: Sequence[SitePlugin] = (), vault: Vault | None = None,
               force: bool = False, *, signature: str | None = None,
               videos: Mapping[str, VideoInfo] | None = None) -> BuildResult:
    """Render the vault in `config.notes_path` to `config.site_path`; see the module doc.

    `vault`, `signature` (`input_signature`) and `videos` (`load_video_infos`) may be
    handed over by a caller that already has them, so no build computes them twice.
    """
    # A build allocates millions of small, acyclic, short-lived objects: collect rarely
    # (garbage with cycles, e.g. from extensions, is still collected).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        build = _Build(config, reporter or SilentReporter(), in_phase_order(extensions),
                       force, config.jobs or default_jobs())
        return build.run(vault, signature, videos)
    except sqlite3.Error as exc:  # the render cache: a full disk, mostly
        raise SiteError(f"{config.cache_path / RENDER_CACHE}: {' '.join(str(exc).split())}; "
                        "free some disk space (or delete that file) and build again; the "
                        "site was left as it was") from exc
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


class _Build:
    """One build, step by step; each step readable on its own."""

    def __init__(self, config: Config, reporter: Reporter, plugins: Sequence[SitePlugin],
                 force: bool, jobs: int) -> None:
        self.config = config
        self.reporter = reporter
        self.plugins = plugins
        self.force = force
        self.jobs = jobs
        self.site_dir = config.site_path
        self.manifest_path = config.cache_path / mf.MANIFEST_NAME
        self.old = mf.read_manifest(self.manifest_path)
        self.outputs: dict[str, str] = {}  # output → digest, of this build
        self.owners: dict[str, list[str]] = {}  # plug-in → its outputs, of this build
        self.result = BuildResult(site_dir=self.site_dir)

    def run(self, vault: Vault | None, signature: str | None,
            videos: Mapping[str, VideoInfo] | None) -> BuildResult:
        """The whole build: skip it, or pages, data files, emitters, clean-up, manifest."""
        signature = signature or input_signature(self.config, self.plugins)
        if not self.force and _is_current(self.config, self.old, signature):
            return self._up_to_date()
        # no site/ yet: build it beside its place and rename it in whole (`staging`)
        fresh = staging.begin(self.config.site_path)
        self.site_dir = fresh or self.config.site_path
        try:
            self._steps(vault, videos, fresh is not None)
            if fresh is not None:
                staging.publish(fresh, self.config.site_path)
        finally:
            if fresh is not None:
                staging.discard(fresh)
        self.site_dir = self.config.site_path
        mf.write_manifest(self.manifest_path, mf.Manifest(signature, self.outputs, self.owners))
        r = self.result
        self.reporter.info(f"built {self.site_dir}: {r.pages} pages, {len(r.written)} files "
                           f"written, {len(r.removed)} removed, {r.rendered_bodies} notes "
                           "rendered from markdown")
        return r

    def _steps(self, vault: Vault | None, videos: Mapping[str, VideoInfo] | None,
               unpublished: bool) -> None:
        """Pages, data files, emitters and clean-up, into `self.site_dir`."""
        vault, idx = self._load(vault, videos)
        pages = self._site_pages(idx)
        writer = self._writer(pages, unpublished)
        self._note_pages(vault, idx, writer)
        for page in pages:
            self._record(*writer.write(page))
        self.result.pages = len(pages) + len(vault.notes)
        self._data_files(vault, idx)
        # stale pages go before the emitters run: the search index must not see them
        old_core = set(self.old.outputs) - self.old.owned()
        self._remove(old_core - set(self.outputs))
        self._emit()
        # then what an emitter (or a plug-in no longer in the build) stopped producing
        self._remove(set(self.old.outputs) - set(self.outputs) - set(self.result.removed))

    def _up_to_date(self) -> BuildResult:
        self.result.up_to_date = True
        self.result.pages = len(self.old.outputs)
        self.reporter.info(f"site is up to date ({len(self.old.outputs)} files in "
                           f"{self.site_dir})")
        return self.result

    def _load(self, vault: Vault | None, videos: Mapping[str, VideoInfo] | None
              ) -> tuple[Vault, SiteIndex]:
        """The vault, the site index, and every plug-in prepared on them."""
        stage = self.reporter.stage
        if vault is None:
            with stage("reading notes") as step:
                vault = load_vault(self.config.notes_path, self.config.cache_path,
                                   self.config.root)
                step.summary = f"{len(vault.notes)} notes"
        _warn_problems(vault, self.reporter)
        # The vault is millions of long-lived objects: move them out of the cyclic
        # collector's sight, or every collection rescans them (a third of a warm build).
        gc.collect()
        gc.freeze()
        if videos is None:
            videos, _ = load_video_infos(self.config.transcripts_path, self.config.cache_path,
                                         self.config.root)
        with stage("linking notes"):
            idx = SiteIndex.build(vault, dict(videos))
        for plugin in self.plugins:
            with stage(f"preparing {plugin.name}"):
                plugin.prepare(vault, idx, self.config)
        return vault, idx

    def _site_pages(self, idx: SiteIndex) -> list[Page]:
        # The few site-wide pages first: which of them exist decides the navigation bar.
        pages = site_pages(idx)
        for plugin in self.plugins:
            pages.extend(plugin.pages())
        return pages

    def _writer(self, pages: Sequence[Page], unpublished: bool) -> PageWriter:
        page_urls = {p.url for p in pages}
        nav = {"graph": "graph/" in page_urls, "search": "search/" in page_urls,
               "tags": "tags/" in page_urls}
        config = self.config
        base_digest = store.content_hash(_templates_digest(config), repr(sorted(nav.items())),
                                         config.site_title, config.base_url)
        return PageWriter(self.site_dir, make_environment(config), config, nav, base_digest,
                          self.old.outputs, self.force, unpublished)

    def _note_pages(self, vault: Vault, idx: SiteIndex, writer: PageWriter) -> None:
        """Every note's page, in worker processes for a big vault; pages whose inputs are
        unchanged are kept or restored from the render cache instead of planned again."""
        bodies = BodyCache(self.config.cache_path / RENDER_CACHE, vault, idx.media)
        keys = page_keys.page_keys(idx, self.plugins, writer.base_digest)
        try:
            keys_path = self.config.cache_path / page_keys.KEYS_FILE
            version = page_keys.keys_version(writer.base_digest, self.config, self.plugins)
            old_keys = page_keys.read_keys(keys_path, version)
            kept, restorable, ids = self._reusable_pages(vault, keys, old_keys, bodies)
            self._render_note_pages(vault, idx, writer, bodies, keys, restorable, ids,
                                    len(kept))
            self.result.rendered_bodies = bodies.misses
            # a restored page's body render was not looked up: it is still live
            bodies.keep({i: old_keys[vault.urls[i] + "index.html"][2] for i in restorable
                         if i not in bodies.live})
            bodies.prune()
            if keys is not None:
                bodies.prune_pages(set(keys.values()))
                page_keys.write_keys(keys_path, version, {
                    out: [k, self.outputs[out], bodies.live.get(i, "")]
                    for i, k in keys.items() for out in [vault.urls[i] + "index.html"]})
        finally:
            bodies.close()

    def _reusable_pages(self, vault: Vault, keys: dict[str, str] | None,
                        old_keys: dict[str, list[str]], bodies: BodyCache
                        ) -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str]],
                                   list[str]]:
        """(pages left as they are on disk, note → (page key, digest) of pages to restore
        from the render cache, the notes whose pages are not left as they are); the first
        two empty without page keys or with `--force`."""
        if keys is None or self.force:
            return {}, {}, list(vault.notes)
        kept = page_keys.unchanged_pages(vault.urls, keys, old_keys, self.old.outputs,
                                         self.site_dir)
        for output, digest, _ in kept.values():
            self._record(output, digest, False)
        bodies.keep({i: body for i, (_, _, body) in kept.items()})
        ids = [i for i in vault.notes if i not in kept]
        return kept, page_keys.restorable_pages(vault.urls, keys, old_keys,
                                                self.old.outputs, ids), ids

    def _render_note_pages(self, vault: Vault, idx: SiteIndex, writer: PageWriter,
                           bodies: BodyCache, keys: dict[str, str] | None,
                           restorable: dict[str, tuple[str, str]], ids: list[str],
                           unchanged: int) -> None:
        """Restore or plan, render and write the pages of `ids`, in chunks."""
        plugins = self.plugins

        def extra(note_id: str) -> dict[str, Any]:
            merged: dict[str, Any] = {}
            for plugin in plugins:
                merged.update(plugin.note_context(note_id))
            return merged

        def note_pages(chunk: Sequence[str]
                       ) -> tuple[list[tuple[str, str, bool]], BodyWork, int]:
            # Each note page is planned, rendered and written here and then dropped, so a
            # build never holds 10,000 pages of HTML (and workers run this in parallel).
            done = []
            for i in chunk:
                key, digest = restorable.get(i, ("", ""))
                html = bodies.page(key) if key else None
                if html is not None:  # same inputs as a page rendered before: no planning
                    done.append(writer.restore(vault.urls[i] + "index.html", digest, html))
                    continue
                keep = functools.partial(bodies.keep_page, keys[i]) if keys else None
                page = note_page(idx, vault.notes[i], bodies.render, extra(i))
                done.append(writer.write(page, keep))
            work = bodies.take_work()
            return done, work, len(work.used)  # one body looked up per planned page

        jobs = self.jobs if len(ids) >= PARALLEL_FROM else 1
        with (map_chunks(note_pages, ids, jobs, chunk_size=NOTE_CHUNK) as chunks,
              self.reporter.stage("pages", total=len(ids)) as step):
            for done, work, planned in chunks:
                bodies.absorb(work)
                self.result.planned += planned
                for output in done:
                    self._record(*output)
                step.advance(len(done))
            step.summary = f"{len(ids)} note pages" + (f", {unchanged} unchanged"
                                                       if unchanged else "")

    def _data_files(self, vault: Vault, idx: SiteIndex) -> None:
        """Link previews and the static assets, written when their bytes changed."""
        leads = self.config.cache_path / PREVIEW_LEADS
        for rel, data in [*_preview_files(vault, idx, leads),
                          *_asset_files()]:
            digest = store.content_hash(data)
            target = store.safe_join(self.site_dir, *rel.split("/"))
            fresh = self.force or self.old.outputs.get(rel) != digest or not target.exists()
            if fresh:
                store.atomic_write_bytes(target, data)
            self._record(rel, digest, fresh)

    def _emit(self) -> None:
        """Run the plug-ins' emitters in phase order and record what each returns."""
        for plugin in self.plugins:
            changed = frozenset([*self.result.written, *self.result.removed])
            with self.reporter.stage(plugin.name):
                rels = plugin.emit(EmitContext(self.site_dir, changed, self.force))
            self.owners[plugin.name] = sorted(set(rels))
            for rel, digest in mf.digests(self.site_dir, self.owners[plugin.name]).items():
                self._record(rel, digest, self.old.outputs.get(rel) != digest)

    def _record(self, rel: str, digest: str, written: bool) -> None:
        self.outputs[rel] = digest
        if written:
            self.result.written.append(rel)

    def _remove(self, rels: set[str]) -> None:
        self.result.removed.extend(mf.remove_outputs(self.site_dir, rels))


def preview_shard(url: str) -> int:
    """Which previews file holds a note's summary (same hash in `assets/notegraph.js`)."""
    h = 0
    for ch in url:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h % PREVIEW_SHARDS


def _preview_files(vault: Vault, idx: SiteIndex, leads_cache: Path
                   ) -> list[tuple[str, bytes]]:
    speakers = {v: info.speakers for v, info in idx.videos.items()}
    return [(rel, json.dumps(shard, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")).encode("utf-8"))
            for rel, shard in preview_files(vault, PREVIEW_SHARDS, preview_shard, leads_cache,
                                            speakers, idx.named_by)]


def _asset_files() -> list[tuple[str, bytes]]:
    return [(f"assets/{rel}", (ASSETS_DIR / rel).read_bytes())
            for rel, _ in store.walk_files(ASSETS_DIR)]


def _templates_digest(config: Config) -> str:
    parts = []
    for d in template_dirs(config):
        for rel, _ in store.walk_files(d):
            parts.append(rel)
            parts.append((d / rel).read_bytes().decode("utf-8", "replace"))
    return store.content_hash(*parts)


__all__ = ["BuildResult", "SiteExtension", "SitePlugin", "VideoInfo", "build_site",
           "input_signature", "is_up_to_date", "make_environment", "render_page",
           "template_dirs"]


def _warn_problems(vault: Vault, reporter: Reporter, shown: int = 5) -> None:
    """A broken note does not stop the build: say what was skipped or ignored."""
    for note_id, message in vault.problems[:shown]:
        reporter.warn(f"{vault.root / note_id}.md: {message}")
    if len(vault.problems) > shown:
        reporter.warn(f"... and {len(vault.problems) - shown} more problems: "
                      "run `notegraph check` to list them")
