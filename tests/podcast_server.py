"""A podcast host for tests: a feed written the way real hosts publish them (RSS 2.0,
iTunes and Podcasting 2.0 tags) and synthesized speech; `tests.local_server` serves them."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pytest


@dataclass
class Item:
    """One `<item>`: what the feed says about an episode."""

    guid: str
    title: str
    date: str  # RFC 822, as RSS wants it
    audio: str = ""  # enclosure URL
    audio_type: str = "audio/mpeg"
    duration: str = ""
    transcripts: list[tuple[str, str]] = field(default_factory=list)  # (url, type)
    chapters: str = ""


def rss(show: str, items: list[Item]) -> str:
    """The feed XML of `show` with `items` (values escaped as a host's CMS would)."""
    parts = []
    for it in items:
        tags = [f"<title>{escape(it.title)}</title>",
                f'<guid isPermaLink="false">{escape(it.guid)}</guid>',
                f"<pubDate>{it.date}</pubDate>",
                f"<link>https://example.org/episodes/{escape(it.guid)}</link>",
                "<description><![CDATA[<p>Show notes with <b>HTML</b>.</p>]]></description>"]
        if it.audio:
            tags.append(f'<enclosure url="{escape(it.audio)}" length="1000" '
                        f'type="{it.audio_type}"/>')
        if it.duration:
            tags.append(f"<itunes:duration>{it.duration}</itunes:duration>")
        tags += [f'<podcast:transcript url="{escape(url)}" type="{kind}" language="en"/>'
                 for url, kind in it.transcripts]
        if it.chapters:
            tags.append(f'<podcast:chapters url="{escape(it.chapters)}" '
                        'type="application/json+chapters"/>')
        parts.append("<item>\n  " + "\n  ".join(tags) + "\n</item>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>{escape(show)}</title>
<link>https://example.org/</link>
<language>en-us</language>
<itunes:author>Example Host</itunes:author>
<itunes:image href="https://example.org/cover.jpg"/>
{chr(10).join(parts)}
</channel>
</rss>
"""


def speak(text: str, path: Path) -> Path:
    """Real speech for Whisper: `text` synthesized by Debian's espeak-ng into a WAV file."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing: install Debian's espeak-ng (make speech)")
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), text], check=True,
                   capture_output=True, timeout=60)
    return path
