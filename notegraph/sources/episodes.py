"""A feed episode → a `Transcript`: its published transcript, else local Whisper.

Of an episode's `<podcast:transcript>` links the richest readable one wins (Podcasting
2.0 JSON, then WebVTT, SRT, HTML, plain text); a link that cannot be fetched or read
passes to the next. Chapters come from `<podcast:chapters>` JSON. An episode with no
transcript link has its audio enclosure downloaded to a temporary file and transcribed.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import requests

from notegraph.config import TranscribeConfig
from notegraph.errors import NotegraphError, ParseError, SourceError
from notegraph.models import Chapter, Media, Transcript
from notegraph.report import Reporter, SilentReporter
from notegraph.sources import audio, check_times, decode, http, parse_transcript_text
from notegraph.sources.feeds import Episode, TranscriptLink
from notegraph.sources.parsed import ParsedFile
from notegraph.text.cleanup import clean_cues

MAX_TRANSCRIPT_BYTES = 64 << 20
MAX_CHAPTERS_BYTES = 1 << 20
MAX_AUDIO_BYTES = 4 << 30
# Richest first: word timings and speakers, then cue timings and voices, then text.
_RANK = {"application/json": 0, "text/vtt": 1, "application/x-subrip": 2,
         "application/srt": 2, "text/srt": 2, "text/html": 3, "text/plain": 4}


def ranked(links: tuple[TranscriptLink, ...]) -> list[TranscriptLink]:
    """Transcript links, richest format first (unknown types last, feed order kept)."""
    return sorted(links, key=lambda t: _RANK.get(t.mime.split(";")[0].strip(), 5))


def episode_transcript(session: requests.Session, ep: Episode, cfg: TranscribeConfig,
                       reporter: Reporter | None = None,
                       warn: Callable[[str], None] | None = None) -> Transcript:
    """The episode's transcript; raises `NotegraphError` naming the URL that failed."""
    reporter = reporter or SilentReporter()
    warn = warn or reporter.warn
    chapters = _chapters(session, ep.chapters_url, warn) if ep.chapters_url else ()
    media = Media("audio" if ep.audio_url else "none", ep.audio_url, ep.audio_mime, ep.link,
                  ep.image, ep.published.isoformat() if ep.published else "")
    if ep.transcripts:
        source, parsed = _published(session, ep, warn)
        cues = tuple(clean_cues(parsed.cues))
        language, generated = parsed.language or ep.language, parsed.is_generated
        duration = parsed.duration or max((c.end for c in parsed.cues), default=0.0)
        chapters = chapters or parsed.chapters
    elif ep.audio_url:
        heard = _transcribe(session, ep, cfg, reporter)
        source, cues, language, generated = heard.model, heard.cues, heard.language, True
        duration = heard.duration
    else:
        raise SourceError(f"{ep.title!r} ({ep.guid}): no transcript and no audio enclosure "
                          "in the feed; nothing to add")
    if not cues:
        raise ParseError(f"{ep.title!r}: the transcript has no spoken text")
    return Transcript(
        video_id=ep.episode_id, title=ep.title, channel=ep.show,
        language=(language or "und").split("-")[0].lower(),
        source=source, is_generated=generated,
        duration=round(max(duration, ep.duration or 0.0), 3),
        chapters=tuple(chapters), cues=cues, media=media)


def _published(session: requests.Session, ep: Episode,
               warn: Callable[[str], None]) -> tuple[str, ParsedFile]:
    """(source label, ParsedFile) of the richest transcript link that works."""
    failures: list[NotegraphError] = []
    for link in ranked(ep.transcripts):
        try:
            data = http.get_bytes(session, link.url, MAX_TRANSCRIPT_BYTES, "transcript")
            text = decode(data, link.url)
            if link.mime.startswith("text/html") or _is_html(text):
                text = html_to_text(text)
            parsed = parse_transcript_text(text, link.url)
            check_times(parsed.cues, link.url)
            return f"feed:{parsed.format}", parsed
        except NotegraphError as exc:
            failures.append(exc)
            if len(failures) < len(ep.transcripts):
                warn(f"{exc} (trying the episode's next transcript)")
    raise failures[-1]


def _transcribe(session: requests.Session, ep: Episode, cfg: TranscribeConfig,
                reporter: Reporter) -> audio.Transcription:
    """Download the enclosure to a temporary file, transcribe it, remove the file."""
    audio.load_model(cfg.model, cfg.compute_type)  # a bad model fails before the download
    suffix = Path(ep.audio_url.split("?")[0]).suffix[:6] or ".audio"
    with tempfile.TemporaryDirectory(prefix="notegraph-audio-") as tmp:
        path = Path(tmp) / ("episode" + suffix)
        reporter.info(f"{ep.title}: no transcript in the feed; downloading the audio to "
                      "transcribe it locally")
        http.download(session, ep.audio_url, path, MAX_AUDIO_BYTES, "audio enclosure")
        return audio.transcribe(path, cfg, name=ep.audio_url, reporter=reporter)


def _chapters(session: requests.Session, url: str,
              warn: Callable[[str], None]) -> tuple[Chapter, ...]:
    """Podcasting 2.0 JSON chapters; a broken chapters file only costs the chapters."""
    try:
        data = http.get_bytes(session, url, MAX_CHAPTERS_BYTES, "chapters file")
        return parse_chapters_json(data)
    except (NotegraphError, ValueError) as exc:
        warn(f"{url}: chapters not used ({exc})" if isinstance(exc, ValueError) else
             f"{exc}; the episode is added without chapters")
        return ()


def parse_chapters_json(data: bytes | str) -> tuple[Chapter, ...]:
    """`{"chapters": [{"startTime": 0, "title": "Intro"}, …]}` → chapters by time.

    Entries marked `"toc": false` (silent markers, e.g. for images) are not chapters.
    Raises ValueError when the JSON has no usable chapter.
    """
    doc = json.loads(data)
    items = doc.get("chapters") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ValueError("no 'chapters' list")
    out: dict[float, Chapter] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("toc") is False:
            continue
        start, title = item.get("startTime"), " ".join(str(item.get("title") or "").split())
        if isinstance(start, int | float) and not isinstance(start, bool) and start >= 0 \
                and title:
            out.setdefault(float(start), Chapter(float(start), title))
    if not out:
        raise ValueError("no chapter with a startTime and a title")
    return tuple(sorted(out.values(), key=lambda c: c.start))


def _is_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<body", "<p>", "<p ", "<div", "<cite"))


_BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                     "section", "article", "blockquote", "dt", "dd"})


class _TextOfHtml(HTMLParser):
    """Text of an HTML transcript: blocks become paragraphs, `<br>` a line break; scripts
    and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """An HTML transcript as plain text (`<p>00:01 Alice: Hi</p>` → `00:01 Alice: Hi`),
    a blank line between paragraphs."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
