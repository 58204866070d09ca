"""Note bodies → HTML: the render cache of a site build.

A note body is rendered once per (body, resolved links, tags, embeds) and kept in an
SQLite cache, so a rebuild after deleting `site/` renders no markdown again. The same
database keeps each rendered note page, compressed, under its page key
(`notegraph.site.page_keys`): a rebuild after deleting `site/` writes those back
without planning or rendering them.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from notegraph import store
from notegraph.code_digest import code_digest
from notegraph.models import Media
from notegraph.site.backlinks import without_mention_list
from notegraph.site.media import media_of
from notegraph.site.pages import tag_url
from notegraph.site.render import (
    RENDER_VERSION,
    LinkTarget,
    NoteRenderer,
    RenderedNote,
    TocEntry,
    heading_anchor,
)
from notegraph.vault.links import cached_link_key
from notegraph.vault.read import Note, Vault
from notegraph.vault.text import without_source_lines

# Cached renders are keyed by the code that makes them (see notegraph.code_digest).
_RENDER_CODE = code_digest("notegraph.site.render", "notegraph.site.bodies",
                           "notegraph.site.backlinks",
                           "notegraph.vault.links", "notegraph.slugs")


BodyRow = tuple[str, str, str]  # (key, html, toc as JSON): one render-cache entry


@dataclass
class BodyWork:
    """What rendering some note bodies did to the cache: new rows, keys used."""

    rows: list[BodyRow]
    used: list[tuple[str, str]]  # (note id, key) of each body looked up
    pages: list[tuple[str, bytes]] = field(default_factory=list)  # (page key, zlib HTML)


class BodyCache:
    """Note body → HTML, rendered once per (body, resolved links) and kept in SQLite.

    Renders made in a build are collected (`take_work`) and stored by the building
    process (`absorb`), so worker processes only ever read the database, each through
    its own connection (an SQLite connection must not cross a fork). Entries no build
    uses any more are dropped once they outnumber the live ones (`prune`).
    """

    def __init__(self, path: Path, vault: Vault,
                 media: Callable[[str], Media] | None = None) -> None:
        self.vault = vault
        # Where a video's timestamps lead (YouTube, an episode's audio, nowhere).
        self.media = media or (lambda vid: media_of(vid, None))
        self.path = path
        # Videos whose page lists its topic notes (so the body's own list is redundant).
        self.videos_with_topics = {n.video_id for n in vault.notes.values()
                                   if n.video_id and n.type != "video"}
        self.renderer = NoteRenderer()
        self.misses = 0
        self._new: list[BodyRow] = []
        self._used: list[tuple[str, str]] = []  # (note, key) since the last take_work()
        self._pages: list[tuple[str, bytes]] = []  # pages rendered since take_work()
        self._live: dict[str, str] = {}  # note → key of its body, this build (any process)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path)
            self._db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, "
                             "html TEXT, toc TEXT)")
        except sqlite3.DatabaseError:  # a corrupt cache is only a slower build
            path.unlink(missing_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT, toc TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, html BLOB)")
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

    def take_work(self) -> BodyWork:
        """Renders made and keys used since the last call (for the building process)."""
        work = BodyWork(self._new, self._used, self._pages)
        self._new, self._used, self._pages = [], [], []
        return work

    def absorb(self, work: BodyWork) -> None:
        """Store renders made here or in a worker; remember the keys it used."""
        self._live.update(work.used)
        if work.rows:
            self.misses += len(work.rows)
            with self.db:  # one short transaction: workers keep reading meanwhile
                self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                    work.rows)
        if work.pages:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", work.pages)

    def page(self, key: str) -> str | None:
        """The note page rendered under page key `key`, if kept."""
        row = self.db.execute("SELECT html FROM pages WHERE key = ?", (key,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row is not None else None

    def keep_page(self, key: str, html: str) -> None:
        """Keep a rendered note page under its page key (stored by `absorb`)."""
        # level 1: a third of the size of the HTML for a fraction of level 6's time
        self._pages.append((key, zlib.compress(html.encode("utf-8"), 1)))

    def prune_pages(self, live: set[str]) -> int:
        """Drop kept pages whose key is not in `live` (this build's page keys)."""
        keys = [k for (k,) in self.db.execute("SELECT key FROM pages")]
        dead = [(k,) for k in keys if k not in live]
        if dead:
            with self.db:
                self.db.executemany("DELETE FROM pages WHERE key = ?", dead)
        return len(dead)

    def keep(self, keys: Mapping[str, str]) -> None:
        """Count these (note → key) as used: bodies of pages a build did not plan."""
        self._live.update(keys)

    @property
    def live(self) -> Mapping[str, str]:
        """Note → key of its body, for every body this build used (or `keep`s)."""
        return self._live

    def prune(self) -> int:
        """Drop entries this build did not use, once they outnumber the used ones.

        Keeps the cache within twice the live site (edits leave old renders behind)
        while switching back and forth between two versions of a note stays cheap.
        Returns the number of entries dropped.
        """
        self.absorb(self.take_work())
        live = set(self._live.values())
        total = self.db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0]
        if total - len(live) <= len(live):
            return 0
        with self.db:
            self.db.execute("CREATE TEMP TABLE live (key TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO live VALUES (?)",
                                ((k,) for k in live))
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
        if note.type in ("topic", "video") and note.frontmatter.get("generator"):
            body = without_source_lines(body)  # the page's kicker shows them
        root = "../" * url.count("/")
        tags = {t.casefold(): root + tag_url(t) for t in note.tags}
        embeds = self._embeds(note, url)
        media = self.media(note.video_id) if note.video_id else None
        key = store.content_hash(RENDER_VERSION, _RENDER_CODE, body, note.video_id or "",
                                 repr(media),
                                 repr(sorted(links.items(), key=lambda kv: repr(kv[0]))),
                                 repr(sorted(tags.items())),
                                 repr(sorted(embeds.items(), key=lambda kv: repr(kv[0]))))
        self._used.append((note.id, key))
        row = self.db.execute("SELECT html, toc FROM bodies WHERE key = ?", (key,)).fetchone()
        if row is not None:
            toc = tuple(TocEntry(*t) for t in json.loads(row[1]))
            return RenderedNote(row[0], toc)

        def fallback(target: str, heading: str | None) -> LinkTarget:
            found = self.vault.resolve(target, note.id)
            return self._target(found, note, root)

        rendered = self.renderer.render(body, links, note.video_id, fallback, tags, embeds,
                                        media)
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
            media = self.media(target.video_id) if target.video_id else None
            out[key] = self.renderer.render(body, links, target.video_id, tags=tags,
                                            media=media).html
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
