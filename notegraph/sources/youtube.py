"""YouTube as a transcript source: video IDs from URLs, captions, title/channel, chapters.

Captions come from youtube-transcript-api (1.2.x instance API). Title and channel come
from YouTube's public oEmbed endpoint; when that fails we fall back to the video details
in the player response youtube-transcript-api already fetched (captured with a
`requests` response hook on our own session, so it costs no extra request), and only
then to placeholders. The same player response carries the description, whose
`0:00 Intro` lines give the creator's chapters, and the video length.

Every failure ends in one `SourceError` line that names the video and says what to do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import ParseError as XMLParseError

import requests
from youtube_transcript_api import (
    AgeRestricted,
    CouldNotRetrieveTranscript,
    FailedToCreateConsentCookie,
    FetchedTranscript,
    InvalidVideoId,
    IpBlocked,
    NoTranscriptFound,
    PoTokenRequired,
    RequestBlocked,
    TranscriptList,
    TranscriptsDisabled,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeDataUnparsable,
    YouTubeRequestFailed,
    YouTubeTranscriptApi,
    YouTubeTranscriptApiException,
)
from youtube_transcript_api import Transcript as CaptionTrack

from notegraph.errors import InputError, SourceError
from notegraph.models import Cue, Transcript
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import is_youtube_id
from notegraph.sources.chapters import parse_chapters
from notegraph.text.cleanup import clean_cues

WATCH_URL = "https://www.youtube.com/watch?v={video_id}"
OEMBED_URL = "https://www.youtube.com/oembed"
# youtube-transcript-api sets no timeout; without one a stalled connection hangs forever.
REQUEST_TIMEOUT = 20.0
OEMBED_TIMEOUT = 8.0
FALLBACK_CHANNEL = "Unknown channel"

_YOUTUBE_HOSTS = {
    "youtube.com", "m.youtube.com", "music.youtube.com", "gaming.youtube.com",
    "youtube-nocookie.com",
}
# Path prefixes whose next segment is the video ID.
_ID_PATH_PREFIXES = {"shorts", "embed", "live", "v", "e", "vi"}


def _import_hint(video_id: str) -> str:
    """The way out when YouTube will not give us captions: bring them as a file."""
    return ("download the captions yourself (e.g. yt-dlp --write-subs) and run "
            f"`notegraph import FILE --id {video_id}`")


# --- Video IDs -----------------------------------------------------------------------------

def parse_video_id(text: str) -> str:
    """The 11-character video ID in a YouTube URL, or `text` itself if it is an ID.

    Accepts watch?v=, youtu.be/, shorts/, embed/, live/, v/ URLs on www., m., music.
    and youtube-nocookie.com hosts, with or without scheme, extra parameters, fragments
    or timestamps. Anything else is an `InputError` naming the input.
    """
    raw = (text or "").strip()
    if is_youtube_id(raw):
        return raw
    video_id = _id_from_url(raw)
    if video_id and is_youtube_id(video_id):
        return video_id
    if video_id:
        what = f"{video_id!r} is not a valid video ID (11 letters, digits, - or _)"
    elif _is_youtube_url(raw):
        what = "this YouTube URL names no video (a playlist or channel?)"
    else:
        what = "not a YouTube video ID or URL"
    raise InputError(
        f"{text!r}: {what}; pass an 11-character video ID (like dQw4w9WgXcQ) or a video URL "
        "(youtube.com/watch?v=…, youtu.be/…, youtube.com/shorts/…)"
    )


def _split_url(raw: str) -> tuple[str, list[str], dict[str, list[str]]] | None:
    """(host without www., path segments, query) of a URL, tolerating a missing scheme."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", raw, re.I):
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    host = host.removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    return host, segments, parse_qs(parts.query)


def _is_youtube_url(raw: str) -> bool:
    split = _split_url(raw)
    return bool(split and (split[0] in _YOUTUBE_HOSTS or split[0] == "youtu.be"))


def _id_from_url(raw: str) -> str | None:
    split = _split_url(raw)
    if split is None:
        return None
    host, segments, query = split
    if host == "youtu.be":
        return segments[0] if segments else None
    if host not in _YOUTUBE_HOSTS:
        return None
    if query.get("v"):
        return query["v"][0].strip()
    if len(segments) >= 2 and segments[0] in _ID_PATH_PREFIXES:
        return segments[1]
    if segments[:1] == ["attribution_link"] and query.get("u"):
        return _id_from_url("https://www.youtube.com" + query["u"][0])
    return None


# --- Fetching ------------------------------------------------------------------------------

@dataclass(frozen=True)
class VideoDetails:
    """What the player response says about a video (any field may be empty)."""

    title: str = ""
    channel: str = ""
    length: float = 0.0
    description: str = ""


class _PlayerResponseRecorder:
    """A `requests` response hook that keeps the video details of the player response.

    youtube-transcript-api fetches YouTube's player response but only exposes the
    caption tracks; its `videoDetails` (title, author, length, description) come free.
    If the library ever stops making this request we merely lose the fallback.
    """

    def __init__(self) -> None:
        self.details: VideoDetails | None = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.request.method != "POST" or "/youtubei/v1/player" not in response.url:
            return
        try:
            data = response.json()
            vd = data.get("videoDetails") or {}
            self.details = VideoDetails(
                title=str(vd.get("title") or "").strip(),
                channel=str(vd.get("author") or "").strip(),
                length=float(vd.get("lengthSeconds") or 0),
                description=str(vd.get("shortDescription") or ""),
            )
        except (ValueError, TypeError, AttributeError):
            return  # not our business to fail here: the library reports its own errors


class _TimeoutSession(requests.Session):
    """A `requests.Session` that applies a default timeout to every request."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def new_session(timeout: float = REQUEST_TIMEOUT) -> requests.Session:
    """The HTTP session `fetch_transcript` uses by default (honours HTTPS_PROXY)."""
    return _TimeoutSession(timeout)


def fetch_transcript(video_id: str, languages: Sequence[str], *,
                     session: requests.Session | None = None,
                     reporter: Reporter | None = None) -> Transcript:
    """Fetch the captions, title, channel and chapters of one YouTube video.

    Manually created captions in any of `languages` are preferred over auto-generated
    ones; within each kind the earlier language wins, and `en` also matches regional
    variants such as `en-GB`. Raises `InputError` for a malformed ID and `SourceError`
    (one line: the video, the cause, what to do) for every failure to get captions.
    A missing title/channel is not a failure: a warning goes to `reporter`.
    """
    if not is_youtube_id(video_id or ""):
        raise InputError(f"{video_id!r}: not a YouTube video ID (11 letters, digits, - or _)")
    wanted = [lang.strip() for lang in languages if lang and lang.strip()] or ["en"]
    reporter = reporter or SilentReporter()
    session = session if session is not None else new_session()
    recorder = _PlayerResponseRecorder()
    session.hooks.setdefault("response", []).append(recorder)
    try:
        track, fetched = _fetch_captions(session, video_id, wanted)
    finally:
        session.hooks["response"].remove(recorder)
    details = recorder.details or VideoDetails()

    cues = clean_cues(
        Cue(start=float(s.start), end=float(s.start) + max(0.0, float(s.duration)), text=s.text)
        for s in fetched.snippets
    )
    if not cues:
        kind = "auto-generated" if track.is_generated else "manual"
        raise SourceError(f"{video_id}: the {track.language_code} {kind} captions are empty; "
                          f"try another --lang or {_import_hint(video_id)}")
    title, channel = _title_and_channel(session, video_id, details, reporter)
    duration = max([details.length, *(c.end for c in cues)], default=0.0)
    chapters = tuple(c for c in parse_chapters(details.description) if c.start < duration)
    reporter.debug(
        f"{video_id}: {track.language_code} {'auto-generated' if track.is_generated else 'manual'}"
        f" captions, {len(cues)} cues, {len(chapters)} chapters"
    )
    return Transcript(
        video_id=video_id,
        title=title,
        channel=channel,
        language=track.language_code,
        source="youtube:generated" if track.is_generated else "youtube:manual",
        is_generated=track.is_generated,
        duration=duration,
        chapters=chapters,
        cues=tuple(cues),
    )


def _fetch_captions(session: requests.Session, video_id: str, wanted: list[str]
                    ) -> tuple[CaptionTrack, FetchedTranscript]:
    """List the caption tracks, choose one and download it; errors become SourceError."""
    try:
        listing = YouTubeTranscriptApi(http_client=session).list(video_id)
        track = choose_track(listing, wanted)
        return track, track.fetch()
    except (YouTubeTranscriptApiException, requests.RequestException, XMLParseError) as exc:
        raise SourceError(explain_failure(video_id, exc)) from exc
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        # The library could not read YouTube's answer: its format changed.
        raise SourceError(
            f"{video_id}: YouTube's answer had an unexpected shape ({type(exc).__name__}); "
            "upgrade youtube-transcript-api (pip install -U youtube-transcript-api) "
            f"or {_import_hint(video_id)}"
        ) from exc


def choose_track(listing: TranscriptList, wanted: Sequence[str]) -> CaptionTrack:
    """The best caption track: manual before auto-generated, then by language preference.

    Raises `SourceError` listing the languages that exist when none matches.
    """
    codes = _expand_languages(wanted, [t.language_code for t in listing])
    for find in (listing.find_manually_created_transcript, listing.find_generated_transcript):
        try:
            return find(codes)
        except NoTranscriptFound:
            continue
    video_id = listing.video_id
    available = _available(listing)
    if not available:
        raise SourceError(f"{video_id}: the video has no captions at all; transcribe it "
                          f"(e.g. with Whisper) and run `notegraph import FILE --id {video_id}`")
    # Auto-generated captions are in the spoken language: the best one to suggest.
    spoken = [t.language_code for t in listing if t.is_generated]
    suggestion = (spoken or [t.language_code for t in listing])[0]
    raise SourceError(
        f"{video_id}: no transcript in {', '.join(wanted)}; it has {available}; "
        f"retry with --lang {suggestion}"
    )


def _expand_languages(wanted: Sequence[str], available: Sequence[str]) -> list[str]:
    """`wanted`, each followed by the available regional variants of its language.

    `en` → `en`, `en-GB`, `en-US`; `pt-BR` → `pt-BR`, `pt`. Exact codes keep priority.
    """
    out: list[str] = []
    for code in wanted:
        base = code.split("-")[0].lower()
        for candidate in [code, *sorted(available)]:
            same_language = candidate == code or candidate.split("-")[0].lower() == base
            if same_language and candidate not in out:
                out.append(candidate)
    return out


def _available(listing: TranscriptList) -> str:
    """`de, en (manual); en (auto-generated)` for a message."""
    manual = sorted({t.language_code for t in listing if not t.is_generated})
    generated = sorted({t.language_code for t in listing if t.is_generated})
    parts = []
    if manual:
        parts.append(f"{', '.join(manual)} (manual)")
    if generated:
        parts.append(f"{', '.join(generated)} (auto-generated)")
    return "; ".join(parts)


def explain_failure(video_id: str, exc: BaseException) -> str:
    """One line for a person: what went wrong with `video_id` and what they can do."""
    v = video_id
    if isinstance(exc, TranscriptsDisabled):
        return (f"{v}: captions are disabled for this video (or it has none yet); "
                f"transcribe it yourself (e.g. with Whisper) and run "
                f"`notegraph import FILE --id {v}`")
    if isinstance(exc, InvalidVideoId):
        return f"{v}: not a valid video ID; pass the 11-character ID or the video's URL"
    if isinstance(exc, VideoUnavailable):
        return (f"{v}: video unavailable (removed, private, or a mistyped ID); "
                "check the URL in a browser")
    if isinstance(exc, AgeRestricted):
        return (f"{v}: age-restricted; YouTube wants a signed-in user, which "
                f"youtube-transcript-api cannot be at present; {_import_hint(v)}")
    if isinstance(exc, IpBlocked):
        return (f"{v}: YouTube says too many requests and is blocking this IP address; "
                "wait and retry, use another network or a proxy (set HTTPS_PROXY), "
                f"or {_import_hint(v)}")
    if isinstance(exc, RequestBlocked):
        return (f"{v}: YouTube is blocking requests from this IP address (\"confirm you're "
                "not a bot\"; common on cloud servers); use another network or a "
                f"residential proxy (set HTTPS_PROXY), or {_import_hint(v)}")
    if isinstance(exc, PoTokenRequired):
        return (f"{v}: YouTube requires a PO token for these captions, which "
                "youtube-transcript-api cannot supply; retry later or after "
                f"`pip install -U youtube-transcript-api`, or {_import_hint(v)}")
    if isinstance(exc, VideoUnplayable):
        reason = " ".join(filter(None, [exc.reason or "no reason given", *exc.sub_reasons]))
        return f"{v}: YouTube will not play this video ({_one_line(reason)}); {_import_hint(v)}"
    if isinstance(exc, FailedToCreateConsentCookie):
        return (f"{v}: could not get past YouTube's cookie-consent page; retry, use "
                f"another network, or {_import_hint(v)}")
    if isinstance(exc, YouTubeRequestFailed):
        return f"{v}: request to YouTube failed ({_one_line(exc.reason)}); retry later"
    if isinstance(exc, YouTubeDataUnparsable):
        return (f"{v}: could not read YouTube's page; upgrade youtube-transcript-api "
                f"(pip install -U youtube-transcript-api) or {_import_hint(v)}")
    if isinstance(exc, CouldNotRetrieveTranscript):
        cause = _one_line(exc.cause) or type(exc).__name__
        return f"{v}: could not get captions ({cause}); {_import_hint(v)}"
    if isinstance(exc, requests.Timeout):
        return f"{v}: YouTube did not answer in time; check your connection and retry"
    if isinstance(exc, requests.ConnectionError):
        return (f"{v}: cannot reach YouTube (offline, DNS or firewall?); check your "
                f"connection, or {_import_hint(v)}")
    if isinstance(exc, requests.RequestException):
        return f"{v}: request to YouTube failed ({_one_line(str(exc))}); retry later"
    if isinstance(exc, XMLParseError):
        return (f"{v}: YouTube sent an empty or unreadable caption file (it does this when "
                "it throttles or wants a PO token); retry later, upgrade "
                f"youtube-transcript-api, or {_import_hint(v)}")
    return f"{v}: could not get captions ({type(exc).__name__}); {_import_hint(v)}"


def _one_line(text: str, limit: int = 160) -> str:
    """Collapse whitespace and cut long library messages to a readable length."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Title and channel ---------------------------------------------------------------------

def fetch_oembed(session: requests.Session, video_id: str,
                 timeout: float = OEMBED_TIMEOUT) -> tuple[str, str]:
    """(title, channel) from YouTube's oEmbed endpoint; raises `SourceError` on failure."""
    try:
        response = session.get(
            OEMBED_URL,
            params={"url": WATCH_URL.format(video_id=video_id), "format": "json"},
            timeout=timeout,
        )
        response.raise_for_status()
        data = response.json()
    except requests.HTTPError as exc:
        raise SourceError(f"oEmbed answered HTTP {exc.response.status_code}") from exc
    except (requests.RequestException, json.JSONDecodeError) as exc:
        raise SourceError(f"oEmbed failed: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise SourceError("oEmbed answer is not a JSON object")
    title = " ".join(str(data.get("title") or "").split())
    channel = " ".join(str(data.get("author_name") or "").split())
    if not title or not channel:
        raise SourceError("oEmbed answer has no title or author_name")
    return title, channel


def _title_and_channel(session: requests.Session, video_id: str, details: VideoDetails,
                       reporter: Reporter) -> tuple[str, str]:
    """oEmbed, else the player response's details, else placeholders (with a warning)."""
    try:
        return fetch_oembed(session, video_id)
    except SourceError as exc:
        oembed_problem = str(exc)
    if details.title and details.channel:
        reporter.debug(f"{video_id}: {oembed_problem}; title and channel from the player data")
        return details.title, details.channel
    title = details.title or f"YouTube video {video_id}"
    channel = details.channel or FALLBACK_CHANNEL
    reporter.warn(
        f"{video_id}: no title/channel from YouTube ({oembed_problem}); stored as "
        f"{title!r} by {channel!r}; run `notegraph add --force {video_id}` later to fill them"
    )
    return title, channel
