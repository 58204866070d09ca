"""Podcast feeds (RSS 2.0 / Atom) → episodes, parsed by feedparser.

Each item becomes an `Episode`: title, show (the channel), date, link, audio enclosure,
duration, image, and the Podcasting 2.0 `<podcast:transcript>` / `<podcast:chapters>`
links. feedparser keeps only the last of several same-named unknown elements, so the
Podcasting 2.0 namespace is registered with it (`_register_podcast_namespace`) and every
transcript link is kept. Episode IDs come from the item's guid (`episode_id`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import feedparser
import requests

from notegraph.errors import SourceError
from notegraph.slugs import check_video_id
from notegraph.sources import http

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
MAX_FEED_BYTES = 32 << 20
_YOUTUBE_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")


@dataclass(frozen=True)
class TranscriptLink:
    """One `<podcast:transcript url type language rel>`."""

    url: str
    mime: str
    language: str = ""


@dataclass(frozen=True)
class Episode:
    """One feed item, as far as notegraph needs it."""

    episode_id: str
    guid: str
    title: str
    show: str
    published: dt.date | None
    link: str
    audio_url: str
    audio_mime: str
    duration: float | None
    image: str
    language: str
    transcripts: tuple[TranscriptLink, ...]
    chapters_url: str


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its show and its episodes, newest first."""

    url: str
    show: str
    episodes: tuple[Episode, ...]


def is_feed_url(raw: str) -> bool:
    """An http(s) URL that is not YouTube's (those are videos for `add`)."""
    parts = urlparse(raw.strip())
    host = (parts.hostname or "").lower()
    youtube = any(host == h or host.endswith("." + h) for h in _YOUTUBE_HOSTS)
    return parts.scheme in ("http", "https") and bool(host) and not youtube


def episode_id(guid: str) -> str:
    """`ep-` and 10 hex digits of the guid's hash: stable, unique, safe as a file name."""
    return check_video_id("ep-" + hashlib.sha256(guid.encode("utf-8")).hexdigest()[:10])


def read_feed(session: requests.Session, url: str) -> Feed:
    """Fetch and parse the feed at `url`; SourceError for 404s, non-feeds, empty feeds."""
    data = http.get_bytes(session, url, MAX_FEED_BYTES, "feed")
    return parse_feed(data, url)


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse feed bytes (RSS 2.0 or Atom); `url` resolves relative links and names errors."""
    _register_podcast_namespace()
    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if not parsed.get("version"):
        what = "an HTML page" if data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) \
            else "not XML" if not data.lstrip().startswith(b"<") else "not RSS or Atom"
        raise SourceError(f"{url}: not a podcast feed ({what}); give the RSS or Atom feed's URL")
    channel = parsed.get("feed", {})
    show = _text(channel.get("title")) or urlparse(url).hostname or url
    language = _text(channel.get("language"))
    image = _image(channel)
    episodes = [_episode(e, show, language, image) for e in parsed.get("entries", ())]
    if not episodes:
        raise SourceError(f"{url}: the feed has no episodes (no <item> or <entry>); "
                          "is this the right feed?")
    # Newest first; undated items keep their feed order after the dated ones.
    order = sorted(range(len(episodes)),
                   key=lambda i: (episodes[i].published is None,
                                  -(episodes[i].published or dt.date.min).toordinal(), i))
    return Feed(url, show, tuple(episodes[i] for i in order))


def select(episodes: tuple[Episode, ...], latest: int | None = None,
           since: dt.date | None = None) -> list[Episode]:
    """The newest `latest` episodes published on or after `since` (both optional)."""
    chosen = [e for e in episodes
              if since is None or (e.published is not None and e.published >= since)]
    return chosen[:latest] if latest is not None else chosen


def _episode(entry: Any, show: str, language: str, feed_image: str) -> Episode:
    audio_url, audio_mime = _enclosure(entry)
    title = _text(entry.get("title")) or "Untitled episode"
    guid = _text(entry.get("id")) or audio_url or _text(entry.get("link")) or title
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    date = (dt.datetime.fromtimestamp(calendar.timegm(published), dt.UTC).date()
            if published else None)
    links = tuple(TranscriptLink(str(t.get("url") or "").strip(),
                                 str(t.get("type") or "").strip().lower(),
                                 str(t.get("language") or "").strip())
                  for t in entry.get("podcast_transcripts", ()) if t.get("url"))
    chapters = entry.get("podcast_chapters_link") or {}
    return Episode(
        episode_id=episode_id(guid), guid=guid, title=title, show=show, published=date,
        link=_text(entry.get("link")), audio_url=audio_url, audio_mime=audio_mime,
        duration=parse_duration(entry.get("itunes_duration")),
        image=_image(entry) or feed_image, language=language, transcripts=links,
        chapters_url=str(chapters.get("url") or "").strip(),
    )


def _enclosure(entry: Any) -> tuple[str, str]:
    """The enclosure to play and transcribe: audio first, else a video podcast's video
    (its sound track decodes the same), else an untyped one; ("", "") when none."""
    candidates = [(str(e.get("href") or ""), str(e.get("type") or "").lower())
                  for e in entry.get("enclosures", ())]
    candidates += [(str(ln.get("href") or ""), str(ln.get("type") or "").lower())
                   for ln in entry.get("links", ()) if ln.get("rel") == "enclosure"]
    for accept in (lambda m: m.startswith("audio/"), lambda m: m.startswith("video/"),
                   lambda m: not m):
        for href, mime in candidates:
            if href and accept(mime):
                return href, mime
    return ("", "")


def parse_duration(value: Any) -> float | None:
    """`itunes:duration`: seconds (`3723`) or `[[H:]M:]S` (`1:02:03`); None if unreadable."""
    text = str(value or "").strip()
    if not re.fullmatch(r"\d+(?::\d{1,2}){0,2}(?:\.\d+)?", text):
        return None
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def _image(node: Any) -> str:
    image = node.get("image") or {}
    return str(image.get("href") or image.get("url") or "").strip()


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


_registered = False


def _register_podcast_namespace() -> None:
    """Teach feedparser the Podcasting 2.0 tags notegraph reads (once per process).

    feedparser calls `_start_<prefix>_<name>` for a namespaced element when its class has
    one; for unknown elements it keeps only the attributes of the last one seen, which
    would lose all but one of an item's transcript links.
    """
    global _registered
    if _registered:
        return
    from feedparser.mixin import _FeedParserMixin as Mixin

    def start_transcript(self: Any, attrs: dict[str, str]) -> None:
        self._get_context().setdefault("podcast_transcripts", []).append(dict(attrs))

    def start_chapters(self: Any, attrs: dict[str, str]) -> None:
        self._get_context()["podcast_chapters_link"] = dict(attrs)

    Mixin.namespaces[PODCAST_NS] = "podcast"
    if Mixin._matchnamespaces:  # filled from `namespaces` by the first parser made
        Mixin._matchnamespaces[PODCAST_NS] = "podcast"
    Mixin._start_podcast_transcript = start_transcript
    Mixin._start_podcast_chapters = start_chapters
    _registered = True
