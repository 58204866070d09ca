"""Slugs, IDs and wikilink targets: one pure module, so every stage agrees on them.

- A *slug* is lowercase ASCII words joined by `_` (the seed's style:
  `the_role_of_ai_in_society`). It is safe as a file name and a URL path segment.
- A *video ID* names a transcript file; it can never contain a path separator or `..`.
- A *link key* is how wikilinks are matched: case-, `_`/`-`/space- and
  accent-insensitive, like Obsidian.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import NewType

from notegraph.errors import InputError

Slug = NewType("Slug", str)
VideoId = NewType("VideoId", str)
LinkKey = NewType("LinkKey", str)

_VIDEO_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
_YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
# `.en.vtt`, `.pt-BR.srt`, `.json`: what file_stem drops
_LANG_AND_EXT_RE = re.compile(r"(\.[A-Za-z]{2,3}(-[A-Za-z]+)?)?\.[A-Za-z0-9]{1,5}$")
# Zero-width and bidi marks (seen in real vault folder names) carry no meaning in a link.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def ascii_fold(text: str) -> str:
    """`Zürich café` → `Zurich cafe`: drop accents and invisible marks."""
    text = _INVISIBLE_RE.sub("", text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# A slug is a file name (`<slug>.md`, `<slug>.md.bak2`, a temp file's `.<slug>.md.x.tmp`)
# and a URL segment: file systems refuse names over 255 bytes, so slugs stay far below.
MAX_SLUG_BYTES = 120
_SLUG_HASH_CHARS = 8


def slugify(text: str, max_words: int = 12, fallback: str = "untitled") -> Slug:
    """Lowercase ASCII words joined by `_`; `fallback` when nothing is left.

    At most `MAX_SLUG_BYTES`: a longer one is cut and ends in `_` + a short hash of the
    whole text, so two long titles that share their start still get different slugs.
    """
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower().replace("'", ""))
    slug = "_".join(words[:max_words]) or fallback
    if len(slug) > MAX_SLUG_BYTES:  # ASCII: characters are bytes
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        head = slug[:MAX_SLUG_BYTES - _SLUG_HASH_CHARS - 1].rstrip("_")
        slug = f"{head}_{digest[:_SLUG_HASH_CHARS]}"
    return Slug(slug)


def unique_slug(base: str, taken: set[str]) -> Slug:
    """`base`, or `base_2`, `base_3`… — the first one not in `taken` (which is updated)."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return Slug(slug)


def is_youtube_id(text: str) -> bool:
    """True for an 11-character YouTube video ID."""
    return bool(_YOUTUBE_ID_RE.match(text))


def check_video_id(video_id: str) -> VideoId:
    """Return `video_id` if it is safe as a file name, else raise InputError."""
    # YouTube IDs may start with '-' or '_' (about 1 in 32 does); other IDs may not.
    if not (_VIDEO_ID_RE.match(video_id or "") or _YOUTUBE_ID_RE.match(video_id or "")):
        raise InputError(
            f"invalid ID {video_id!r}: use letters, digits, '-' and '_' only "
            "(at most 80, no path characters)"
        )
    return VideoId(video_id)


def file_stem(name: str) -> str:
    """`My Talk (2023).en.vtt` → `My Talk (2023)`: no folder, language tag or extension."""
    stem = name.rsplit("/", 1)[-1]
    return _LANG_AND_EXT_RE.sub("", stem)


def id_from_filename(name: str) -> VideoId:
    """A transcript ID derived from a file name: `My Talk (2023).en.vtt` → `my-talk-2023`.

    A name without ASCII letters or digits (`名前.srt`) gives `transcript-<hash of the
    name>`, so two such files never share an ID. A YouTube ID embedded in the name the
    way yt-dlp writes it (`title [ID].ext` or `..._ID.en.srt`) is not guessed here; pass
    `--id` for that.
    """
    stem = file_stem(name)
    words = re.findall(r"[A-Za-z0-9_]+", ascii_fold(stem))
    vid = "-".join(words)[:80].strip("-_")
    if not vid:
        # `名前.srt` and `話.srt` have no ASCII letters: a hash of the name keeps them apart
        digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()
        vid = f"transcript-{digest[:8]}"
    return check_video_id(vid)


def link_key(target: str) -> LinkKey:
    """Normalize a wikilink target or note name for matching.

    `The_Role of AI.md` and `the role of ai` give the same key.
    """
    target = _INVISIBLE_RE.sub("", target).strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    target = unicodedata.normalize("NFKC", target).casefold()
    return LinkKey(re.sub(r"[\s_\-]+", " ", target).strip())


@dataclass(frozen=True)
class WikiLink:
    """A parsed `[[target#heading|label]]`."""

    target: str
    heading: str | None
    label: str | None

    @property
    def text(self) -> str:
        """What a reader sees: the label, else the target (and heading)."""
        if self.label:
            return self.label
        return f"{self.target} › {self.heading}" if self.heading else self.target


WIKILINK_RE = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")


def parse_wikilink(inner: str) -> WikiLink:
    """Parse the text between `[[` and `]]`; tolerant of spaces around `|` and `#`."""
    label = None
    if "|" in inner:
        inner, label = inner.split("|", 1)
        inner = inner.removesuffix("\\")  # "[[a\\|b]]": Obsidian's pipe escaped in a table
        label = label.strip() or None
    heading = None
    if "#" in inner:
        inner, heading = inner.split("#", 1)
        heading = heading.strip() or None
    return WikiLink(target=inner.strip(), heading=heading, label=label)


def format_timestamp(seconds: float) -> str:
    """`3725.4` → `01:02:05` (HH:MM:SS, as notes write it)."""
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# No talk lasts 100 hours: a later time is a broken file, not a long episode (and an
# unbounded hour count would overflow a float).
MAX_TIMESTAMP_SECONDS = 100 * 3600

_TIMESTAMP_RE = re.compile(r"\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*")


def parse_timestamp(text: str) -> float | None:
    """`01:02:05`, `1:02:05.5`, `62:05`, `00:01:02,500` → seconds; None if not a time.

    The one reading of a time, for notes and transcript files alike: hours optional, a
    `.` or `,` (SRT) before at most three decimals, seconds (and minutes after hours)
    below 60, the whole at most `MAX_TIMESTAMP_SECONDS`. Rounded to the millisecond, so
    equal text gives equal floats.
    """
    m = _TIMESTAMP_RE.fullmatch(text)
    if not m:
        return None
    h, mnt, sec, frac = m.groups()
    if h is not None and len(h.lstrip("0")) > 3:  # >= 1000 hours; never int() 400 digits
        return None
    if int(sec) >= 60 or (h is not None and int(mnt) >= 60):
        return None
    value = int(h or 0) * 3600 + int(mnt) * 60 + int(sec)
    if frac:
        value += int(frac) / (10 ** len(frac))
    if value > MAX_TIMESTAMP_SECONDS:
        return None
    return round(float(value), 3)
