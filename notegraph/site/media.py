"""Where a page's timestamps lead: YouTube for videos, the audio enclosure for episodes.

A transcript records its media (`Transcript.media`); one stored before that existed is a
YouTube video when its ID has YouTube's shape, and otherwise has no public media (an
imported file), so it gets no player and no youtube.com link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlparse

from notegraph.models import Media
from notegraph.slugs import is_youtube_id

YOUTUBE, AUDIO, NONE = "youtube", "audio", "none"


def media_of(video_id: str, stored: Media | None) -> Media:
    """The media of a transcript, from what it stored or (older files) from its ID."""
    if stored is not None and stored.kind == AUDIO:
        return stored if _public_url(stored.url) else Media(NONE)
    if stored is not None and stored.kind in (YOUTUBE, NONE):
        return Media(stored.kind)
    return Media(YOUTUBE if is_youtube_id(video_id) else NONE)


def media_from_json(video_id: str, data: dict[str, Any]) -> Media:
    """`media_of` for a stored transcript's JSON (a broken `media` entry counts as none)."""
    raw = data.get("media")
    return media_of(video_id, Media.from_dict(raw) if isinstance(raw, dict) else None)


def moment_href(media: Media, video_id: str, seconds: float) -> str:
    """The URL of one moment: YouTube's, the audio's with a `#t=` fragment, or ""."""
    if media.kind == YOUTUBE:
        # a hand-written `videoId` is encoded: `abc&list=x#` must add no parameters
        return f"https://www.youtube.com/watch?v={quote(video_id, safe='')}&t={int(seconds)}"
    if media.kind == AUDIO and media.url:
        return f"{media.url.split('#')[0]}#t={int(seconds)}"
    return ""


def _public_url(url: str) -> bool:
    """Only http(s) URLs are played: a feed could carry `javascript:` or `file:` ones."""
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
