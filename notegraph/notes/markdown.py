"""Markdown for generated notes: untrusted text made inert, wikilinks, timestamps.

Transcript text is untrusted. Everything from it that lands in a note is neutralised:
HTML characters become entities (`<script>` stays text), `[` `]` become entities (a
`[[` said in a transcript never becomes a link), and markdown/Obsidian markup
characters are backslash-escaped. Link labels are stripped of link syntax.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from notegraph.slugs import format_timestamp, is_youtube_id

# python-markdown honours backslash escapes only for these; the rest become entities
_BACKSLASH_RE = re.compile(r"([\\`*_#{}])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;",
             "|": "&#124;", "$": "&#36;", "^": "&#94;"}
_ENTITY_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
# Obsidian's comment, highlight and strikethrough need the character twice ("%%", "==",
# "~~"), so only a run is written as entities: "50%" stays readable in the raw note.
_DOUBLED = {"%": "&#37;", "=": "&#61;", "~": "&#126;"}
_DOUBLED_RE = re.compile(r"([%=~])\1+")


def escape_text(text: str) -> str:
    """Untrusted text → inert inline markdown (renders as the same characters)."""
    text = " ".join(str(text).split())
    text = _BACKSLASH_RE.sub(r"\\\1", text)  # first: the entities below contain "#"
    text = _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(0)], text)
    text = _DOUBLED_RE.sub(lambda m: _DOUBLED[m.group(1)] * len(m.group(0)), text)
    # a line starting like a list item would change the note's structure
    text = re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", text)
    return re.sub(r"^([-+])(?=\s)", r"\\\1", text)


# Link and HTML syntax in a label becomes look-alike text, so "arrays [part 2]" still
# reads as such: `[part 2]` → `(part 2)`, `C<3` → `C‹3`, `A | B` → `A / B`.
_LABEL_CHARS = str.maketrans({"[": "(", "]": ")", "<": "‹", ">": "›", "|": "/"})


def audio_link(url: str) -> str:
    """An episode's audio URL made safe inside `[text](<url>)`: http(s) only, no `<>`,
    spaces or line breaks (percent-encoded); "" for anything else."""
    if not re.match(r"https?://[^/\s]", url):
        return ""
    return "".join(c if c.isprintable() and c not in " <>" else quote(c) for c in url)


def link_label(text: str) -> str:
    """Text safe inside `[[target|label]]` and `##` headings: no link/HTML syntax.

    No trailing backslash either: before the `|` it would read as Obsidian's escaped
    pipe (`[[a\\|b]]` in a table links to `a`), and the target would lose it."""
    text = re.sub(r"[#^`]", "", str(text).translate(_LABEL_CHARS))
    return " ".join(text.split()).rstrip("\\ ") or "untitled"


def wikilink(target: str, label: str | None = None) -> str:
    """`[[target]]` or `[[target|label]]`."""
    target = link_label(target)
    if label is None or link_label(label) == target:
        return f"[[{target}]]"
    return f"[[{target}|{link_label(label)}]]"


def timestamp_anchor(seconds: float) -> str:
    """The seed's timestamp: `<a class="yt-timestamp" data-t="HH:MM:SS">[HH:MM:SS]</a>`."""
    t = format_timestamp(seconds)
    return f'<a class="yt-timestamp" data-t="{t}">[{t}]</a>'


def moment_link(video_id: str, seconds: float) -> str:
    """A time in a note about several videos: a YouTube link when the ID is one."""
    t = format_timestamp(seconds)
    if is_youtube_id(video_id):
        return f"[{t}](https://www.youtube.com/watch?v={video_id}&t={int(seconds)}s)"
    return t


def link_terms(text: str, terms: dict[str, str], done: set[str]) -> str:
    """Link the first occurrence of each term in escaped `text`.

    `terms` maps a surface form (as it may appear in the text) to its link target;
    targets already in `done` are not linked again (one link per target per note).
    """
    pending = {s: t for s, t in terms.items() if t not in done and s.strip()}
    if not pending:
        return text
    pattern = re.compile(
        r"(?<![\w\[|])(" + "|".join(re.escape(s) for s in sorted(pending, key=len, reverse=True))
        + r")(?![\w\]])", re.IGNORECASE)
    lowered = {s.lower(): t for s, t in pending.items()}

    def repl(m: re.Match[str]) -> str:
        target = lowered.get(m.group(1).lower())
        if target is None or target in done:
            return m.group(1)
        done.add(target)
        return wikilink(target, m.group(1))

    return pattern.sub(repl, text)
