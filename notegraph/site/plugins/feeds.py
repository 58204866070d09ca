"""Feeds for machines: `feed.xml` (RSS 2.0 of the newest notes) and `sitemap.xml`.

Both are deterministic: dates come from note frontmatter (`published`, `date`,
`uploaded`, `added`, `created`), never from the clock or file times. URLs are absolute
when `base_url` is configured (as RSS and sitemaps want) and site-relative otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from notegraph import store
from notegraph.config import Config
from notegraph.site.emit import EmitContext
from notegraph.site.pages import Page, SiteIndex
from notegraph.vault.read import Note, Vault, summary

FEED_ITEMS = 50
DATE_KEYS = ("published", "date", "uploaded", "added", "created")
# Characters XML 1.0 forbids (transcript text is untrusted; a stray control byte must
# not make the feed unreadable).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One item of the feed."""

    title: str
    url: str  # site-root-relative
    date: dt.date | None
    summary: str


def note_date(note: Note) -> dt.date | None:
    """The note's date from frontmatter (`2024-06-17`, a YAML date or datetime), if any."""
    for key in DATE_KEYS:
        value = note.frontmatter.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            m = re.match(r"\s*(\d{4})-?(\d{2})-?(\d{2})", value)
            if m:
                try:
                    return dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    continue
    return None


def feed_entries(vault: Vault, limit: int = FEED_ITEMS) -> list[FeedEntry]:
    """The newest notes first (dated ones by date, then undated by title); no hubs.

    People, concepts and channels are indexes, not news: only topics, videos and
    hand-written notes are in the feed.
    """
    notes = [n for n in vault.notes.values() if n.type not in ("person", "concept", "channel")]
    dated = sorted((n for n in notes if note_date(n)),
                   key=lambda n: (-note_date(n).toordinal(), n.title.casefold(), n.id))
    undated = sorted((n for n in notes if not note_date(n)),
                     key=lambda n: (n.title.casefold(), n.id))
    return [FeedEntry(n.title, vault.urls[n.id], note_date(n), summary(n, 400))
            for n in [*dated, *undated][:limit]]


def absolute(base_url: str, path: str) -> str:
    """`path` (site-relative) under `base_url`; just `path` when there is no base URL."""
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _x(text: str) -> str:
    return escape(_XML_BAD.sub("", text))


def rss(entries: Iterable[FeedEntry], *, title: str, base_url: str,
        description: str = "") -> str:
    """An RSS 2.0 document for `entries`."""
    entries = list(entries)
    newest = max((e.date for e in entries if e.date), default=None)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">', "<channel>",
             f"<title>{_x(title)}</title>",
             f"<link>{_x(absolute(base_url, '') or './')}</link>",
             f"<description>{_x(description or f'New notes on {title}')}</description>"]
    if base_url:
        lines.append(f'<atom:link href="{_x(absolute(base_url, "feed.xml"))}" rel="self" '
                     'type="application/rss+xml"/>')
    if newest:
        lines.append(f"<lastBuildDate>{_rfc822(newest)}</lastBuildDate>")
    for e in entries:
        link = _x(absolute(base_url, e.url))
        lines += ["<item>", f"<title>{_x(e.title)}</title>", f"<link>{link}</link>",
                  f'<guid isPermaLink="{"true" if base_url else "false"}">{link}</guid>']
        if e.date:
            lines.append(f"<pubDate>{_rfc822(e.date)}</pubDate>")
        if e.summary:
            lines.append(f"<description>{_x(e.summary)}</description>")
        lines.append("</item>")
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def _rfc822(day: dt.date) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


def sitemap(paths: Iterable[str], base_url: str) -> str:
    """A sitemap.xml listing `paths` (site-relative page URLs)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{_x(absolute(base_url, p) or './')}</loc></url>" for p in paths]
    lines += ["</urlset>", ""]
    return "\n".join(lines)


def page_paths(site_dir: Path) -> list[str]:
    """Site-relative URLs of every `index.html` page under `site_dir` (404 excluded)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in ("pagefind", "assets", "404"))
        if "index.html" in filenames:
            rel = os.path.relpath(dirpath, site_dir).replace(os.sep, "/")
            out.append("" if rel == "." else rel + "/")
    return sorted(out)


class FeedsExtension:
    """Writes `feed.xml` and `sitemap.xml` after the pages."""

    name = "feeds"
    phase = "files"  # the sitemap lists the written pages: emitters run after them

    def __init__(self) -> None:
        self._entries: list[FeedEntry] = []
        self._config: Config | None = None

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None:
        """Pick the feed's notes."""
        self._entries = feed_entries(vault)
        self._config = config

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """No per-note additions."""
        return {}

    def page_key(self, note_id: str) -> str:
        """Nothing of a note page comes from here (`notegraph.site.page_keys`)."""
        return ""

    def pages(self) -> Iterable[Page]:
        """No HTML pages of its own."""
        return []

    def emit(self, ctx: EmitContext) -> list[str]:
        """Write the feed and the sitemap when their content changed."""
        config = self._config or Config()
        files = {
            "feed.xml": rss(self._entries, title=config.site_title, base_url=config.base_url),
            "sitemap.xml": sitemap(page_paths(ctx.site_dir), config.base_url),
        }
        for name, text in files.items():
            store.write_text_if_changed(store.safe_join(ctx.site_dir, name), text)
        return list(files)
