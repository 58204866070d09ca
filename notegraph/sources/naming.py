"""Titles and IDs for imported files and feed episodes.

An imported file without `--title` is named by its own metadata (a WebVTT/JSON header,
an audio file's tags) or else by a clean form of its file name; without `--id` it gets
a short ID made of a few words of its clean name and a hash of where it is, so
re-importing the same file (edited or not, with --force) gives the same ID and two
files of the same name in different folders never share one. Generated IDs are never
11 characters long: that shape is read as a YouTube video ID elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from notegraph.slugs import check_video_id, file_stem, is_youtube_id, slugify

# yt-dlp's `Title [dQw4w9WgXcQ].en.vtt`
_YTDLP_RE = re.compile(r"\s*\[[A-Za-z0-9_-]{11}\]\s*")
# A leading "what this is" part joined by a double underscore: `webvtt_plain__talk_313`.
_PREFIX_RE = re.compile(r"^.*__(?=[^_])")
ID_WORDS = 4


def clean_file_title(name: str) -> str:
    """`webvtt_voice_tags__talkpython_558.vtt` → `Talkpython 558`."""
    stem = _YTDLP_RE.sub(" ", file_stem(Path(name).name))
    stem = _PREFIX_RE.sub("", stem) or stem
    words = re.sub(r"[_\s]+", " ", stem).strip()
    if not words:
        return Path(name).name
    return words[0].upper() + words[1:]


def short_id(title: str, key: str | bytes, prefix: str = "") -> str:
    """`prefix` + up to four title words + 8 hex digits of `key`'s hash."""
    digest = hashlib.sha256(key.encode("utf-8") if isinstance(key, str) else key).hexdigest()
    words = slugify(title, max_words=ID_WORDS, fallback="").replace("_", "-")[:40].strip("-")
    head = "-".join(p for p in (prefix, words) if p)
    vid = f"{head}-{digest[:8]}" if head else digest[:12]
    if is_youtube_id(vid):  # 11 characters would pass for a YouTube ID
        vid = f"{head}-{digest[:9]}"
    return check_video_id(vid)


def file_id(path: Path) -> str:
    """An imported file's ID: `webvtt_plain__talkpython_313.vtt` → `talkpython-313-1a2b3c4d`."""
    return short_id(clean_file_title(path.name), str(path.resolve()))


# Tag names by container: easy/Vorbis names, raw ID3 frames (WAV, AIFF), MP4 atoms.
_TITLE_KEYS = ("title", "TIT2", "\xa9nam")
_SHOW_KEYS = ("album", "TALB", "\xa9alb", "artist", "TPE1", "\xa9ART")


def audio_tags(path: Path) -> tuple[str | None, str | None]:
    """(title, show) from an audio file's tags (ID3, MP4, Vorbis), when it has them."""
    try:
        import mutagen

        audio = mutagen.File(path, easy=True)
    except Exception:  # an unreadable tag block is no reason to refuse the audio
        return None, None
    tags = getattr(audio, "tags", None)
    if not tags:
        return None, None

    def first(keys: tuple[str, ...]) -> str | None:
        for key in keys:
            try:
                value = tags[key]
            except (KeyError, ValueError, TypeError):
                continue
            values = getattr(value, "text", value)
            values = values if isinstance(values, list) else [values]
            text = " ".join(str(values[0]).split()) if values else ""
            if text:
                return text
        return None

    return first(_TITLE_KEYS), first(_SHOW_KEYS)
