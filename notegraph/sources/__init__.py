"""Transcript sources: YouTube (`youtube.py`) and local files (one reader per format).

`read_transcript_file` is the single entry point for local files: it checks the file
(size first, then bytes, then encoding), detects the format by content (not by
extension), lets that format's reader parse it, checks the times, cleans the cues
(`clean_cues`) and returns a normalized `Transcript`. It never writes anything.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

from notegraph.errors import InputError, ParseError
from notegraph.models import Chapter, Cue, Transcript
from notegraph.slugs import MAX_TIMESTAMP_SECONDS, check_video_id
from notegraph.sources import chapters as chapter_lists
from notegraph.sources import naming
from notegraph.sources.jsonformats import looks_like_json, parse_json
from notegraph.sources.parsed import LayoutError, ParsedFile
from notegraph.sources.srt import looks_like_srt, parse_srt
from notegraph.sources.text import looks_like_text_transcript, parse_text
from notegraph.sources.vtt import looks_like_vtt, parse_vtt
from notegraph.sources.whispercpp import looks_like_whispercpp, parse_whispercpp
from notegraph.text.cleanup import clean_cues, clean_field

# The largest transcript we accept. A ten-hour word-level JSON is ~20 MB; anything
# much bigger is not a transcript, and is refused before a byte is read.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SIDE_FILE_BYTES = 1024 * 1024

Reader = Callable[[str], ParsedFile]

# Tried in order; the first whose detector accepts the text reads it. Text is last: it
# accepts the loosest family.
READERS: tuple[tuple[str, Callable[[str], bool], Reader], ...] = (
    ("WebVTT", looks_like_vtt, parse_vtt),
    ("whisper.cpp", looks_like_whispercpp, parse_whispercpp),
    ("JSON", looks_like_json, parse_json),
    ("SRT", looks_like_srt, parse_srt),
    ("text", looks_like_text_transcript, parse_text),
)

_MAGIC = {
    b"%PDF": "a PDF", b"PK\x03\x04": "a zip/docx archive", b"\x1f\x8b": "gzip data",
    b"ID3": "an MP3", b"fLaC": "FLAC audio", b"RIFF": "a WAV/AVI file", b"OggS": "Ogg audio",
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"\x1aE\xdf\xa3": "a WebM/MKV",
}
_LANG_TAG_RE = re.compile(r"\.([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\.(?:vtt|srt|json|txt)$")
_YTDLP_NAME_RE = re.compile(
    r"\s*\[([A-Za-z0-9_-]{11})\](?=(?:\.[A-Za-z]{2,3}(?:-[A-Za-z]+)?)?\.\w+$)"
)
_ENGLISH = frozenset(
    ["the", "and", "to", "of", "a", "is", "that", "i", "you", "it", "in", "we", "this", "was"]
)


def read_transcript_file(
    path: Path,
    *,
    video_id: str | None = None,
    title: str | None = None,
    channel: str | None = None,
    chapters_path: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> Transcript:
    """Read a local transcript file of any supported format into a `Transcript`.

    Without `title`, the file's own title is used, else a clean form of its name (and
    `warn` is told how to set one); without `video_id`, the file's own ID, else a short
    ID from the title and the content (see `naming.short_id`).

    Raises `ParseError` (naming the file and the problem) for empty, binary, huge,
    non-UTF-8 or unrecognised files, and `InputError` for an unsafe `video_id` or a
    missing file. `title` may contain any character: it is never used in a path.
    """
    path = Path(path)
    if video_id is not None:
        check_video_id(video_id)
    text = read_text(path)
    parsed = parse_transcript_text(text, str(path))
    check_times(parsed.cues, path)

    side = read_chapters_file(chapters_path) if chapters_path else ()
    chapters = [Chapter(c.start, clean_field(c.title)) for c in side or parsed.chapters]
    chapters = [c for c in chapters if c.title]
    raw_duration = max((c.end for c in parsed.cues), default=0.0)
    duration = parsed.duration if parsed.duration is not None else raw_duration
    cues = clean_cues(parsed.cues)
    if not cues:
        raise ParseError(f"{path}: no spoken text in it (only tags or blank cues)")

    if not (title or parsed.title):
        title = naming.clean_file_title(path.name)
        if warn is not None:
            warn(f"{path}: no title in the file; named it {title!r} (set one with --title)")
    title = title or parsed.title or ""
    vid = video_id or parsed.video_id or _ytdlp_id(path.name) or naming.file_id(path)
    try:
        vid = check_video_id(vid)
    except InputError:
        vid = naming.file_id(path)
    source = f"file:{parsed.format}"
    if parsed.interpolated:
        source += " (times interpolated)"
    return Transcript(
        video_id=vid,
        title=clean_field(title),
        channel=clean_field(channel if channel is not None else (parsed.channel or "")),
        language=parsed.language or _language(path.name, cues),
        source=source,
        is_generated=parsed.is_generated,
        duration=round(duration, 3),
        chapters=tuple(chapters),
        cues=tuple(cues),
    )


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text, after the checks a user's file deserves (size before reading)."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory; give a transcript file")
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file (a device or pipe?); give a file")
        size = st.st_size
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from exc
    if size > limit:
        raise ParseError(f"{path}: {_size(size)} is too big for a transcript (limit "
                         f"{_size(limit)}); is this the right file?")
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from exc
    if len(data) > limit:  # grew while we looked
        raise ParseError(f"{path}: too big for a transcript (limit {_size(limit)})")
    if not data.strip():
        raise ParseError(f"{path}: the file is empty")
    return decode(data, path)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; binary data is refused."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ParseError(f"{path}: binary file ({what}), not a transcript")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{path}: broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise ParseError(f"{path}: binary file (contains NUL bytes), not a transcript")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(f"{path}: not valid UTF-8 (line {line}, byte {exc.start}); "
                         "re-save it as UTF-8") from exc
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536):
        raise ParseError(f"{path}: binary file (control characters), not a transcript")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_transcript_text(text: str, name: str = "<text>") -> ParsedFile:
    """Detect the format of `text` by content and parse it (ParseError names `name`)."""
    for label, detect, read in READERS:
        if detect(text):
            try:
                return read(text)
            except LayoutError as exc:
                raise ParseError(f"{name}: looks like {label} but {exc}") from exc
            except RecursionError as exc:
                raise ParseError(f"{name}: {label} nested too deeply") from exc
    raise ParseError(
        f"{name}: unknown transcript layout (supported: WebVTT, SRT, whisper.cpp output, "
        "youtube-transcript-api/Whisper/Podcasting 2.0 JSON, timestamped text); "
        "see README 'Transcript formats'"
    )


def read_chapters_file(path: Path) -> tuple[Chapter, ...]:
    """Chapters from a side file (`0:00 Intro` lines, e.g. a video description)."""
    text = read_text(path, MAX_SIDE_FILE_BYTES)
    chapters = chapter_lists.parse_chapters(text)
    if not chapters:
        raise ParseError(f"{path}: no chapter list found (expected at least three lines like "
                         "'0:00 Intro', from 0:00 on, times increasing)")
    return chapters


def check_times(cues: tuple[Cue, ...], path: Path | str) -> None:
    """Negative times, times past 100 hours, or cues whose starts go backwards, mean a
    broken file."""
    prev = None
    for n, c in enumerate(cues, 1):
        if c.start < 0 or c.end < 0:
            raise ParseError(f"{path}: cue {n} has a negative time ({c.start:g} s)")
        if not (c.start <= MAX_TIMESTAMP_SECONDS and c.end <= MAX_TIMESTAMP_SECONDS):  # NaN too
            raise ParseError(f"{path}: cue {n} ends after 100 hours ({c.end:g} s); "
                             "is this a transcript?")
        if c.end < c.start:
            raise ParseError(f"{path}: cue {n} ends before it starts")
        if prev is not None and c.start < prev - 0.001:
            raise ParseError(f"{path}: timestamps out of order at cue {n} "
                             f"({c.start:g} s after {prev:g} s)")
        prev = c.start


def _ytdlp_id(name: str) -> str | None:
    """The YouTube ID yt-dlp puts in its file names: `Title [dQw4w9WgXcQ].en.vtt`."""
    m = _YTDLP_NAME_RE.search(name)
    return m.group(1) if m else None


def _language(name: str, cues: list[Cue]) -> str:
    """From a `.en.srt`-style file name, else English if it reads like English, else und."""
    m = _LANG_TAG_RE.search(name)
    if m:
        return m.group(1)
    words = " ".join(c.text for c in cues[:300]).lower().split()
    if words and sum(w in _ENGLISH for w in words) >= 0.12 * len(words):
        return "en"
    return "und"


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"
