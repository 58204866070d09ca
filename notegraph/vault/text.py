"""What a reader sees of a note body: plain text, summaries, link contexts, tags.

Pure functions over markdown text, shared by the vault (backlink contexts, summaries),
the site (previews, search, feeds) and the graph (texts to embed).
"""

from __future__ import annotations

import functools
import html
import re

from notegraph.slugs import WIKILINK_RE, parse_wikilink

TIMESTAMP_RE = re.compile(
    r"<a\s+class=\"yt-timestamp\"\s+data-t=\"([^\"<>]*)\"\s*>\s*\[[^\]<>]*\]\s*</a>")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9<])")
_TAG_RE = re.compile(r"<[^>]{0,300}>")
_MD_NOISE_RE = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # links and images: their text
_SPACED_TIMESTAMP_RE = re.compile(r"[ \t]*" + TIMESTAMP_RE.pattern)
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]\s]+\]")
_MARK_RE = re.compile(r"==|~~")  # highlight and strikethrough
# Emphasis marks at word edges only: `snake_case` names keep their underscores.
_EMPHASIS_RE = re.compile(r"(?<![\w*_`])[*_`]{1,3}(?=\S)|(?<=\S)[*_`]{1,3}(?![\w*_`])")
_CALLOUT_MARK_RE = re.compile(r"\[!\w+\][+-]?")
# Generated notes open with where they come from (`notegraph.notes.compose`):
# "From: [[channel]] <br/>" (the seed's Tubegraph notes too) and, on topics,
# "Video: [[video]] (span)".
CHANNEL_LINE = "From: "
VIDEO_LINE = "Video: "
SOURCE_LINE_RE = re.compile(f"(?:{CHANNEL_LINE}|{VIDEO_LINE})")
_OPENING_SOURCE_LINE_RE = re.compile(SOURCE_LINE_RE.pattern + r"\[\[[^\n]*(?:\n|$)")
# Markdown's backslash escapes; while marks are removed, an escaped character is held
# as a private-use character (U+E000 + its code) so no rule mistakes it for markup.
_MD_BACKSLASH_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HIDDEN = 0xE000
_HIDDEN_RE = re.compile("[\ue021-\ue07e]")
# Obsidian inline tags: `#tag`, `#nested/tag`, `#multi-word_tag`; not `#123` (a number),
# not a URL fragment (`page#x`, `/#x`, `"#x"`), an entity (`&#39;`), `[[#heading]]`, `](#x)`.
INLINE_TAG_RE = re.compile(r"(?<![\w&#/\[(\]`\"'=])#((?:\d*[^\W\d][\w/-]*))")
_HEADING_LINE_RE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$).*$", re.M)
CONTEXT_CHARS = 280
SUMMARY_CHARS = 300


def inline_tags(body: str) -> list[str]:
    """Obsidian `#tags` written in a note body, in order (not in code, headings or URLs)."""
    if "#" not in body:
        return []
    # not in code, headings or HTML tags (`<a href="#fn:1">`)
    skip = code_ranges(body) + [(m.start(), m.end()) for m in _HEADING_LINE_RE.finditer(body)]
    if "<" in body:
        skip += [(m.start(), m.end()) for m in _TAG_RE.finditer(body)]
    out = []
    for m in INLINE_TAG_RE.finditer(body):
        if skip and any(a <= m.start() < b for a, b in skip):
            continue
        tag = m.group(1).rstrip("/-")
        if tag:
            out.append(tag)
    return out


def merge_tags(*groups: list[str]) -> tuple[str, ...]:
    """Tags in order of first appearance, without repeats (case-insensitive)."""
    seen: set[str] = set()
    out = []
    for tag in (t for g in groups for t in g):
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return tuple(out)


_CODE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`", re.DOTALL | re.MULTILINE)


def code_ranges(body: str) -> list[tuple[int, int]]:
    if "`" not in body and "~~~" not in body:
        return []
    return [(m.start(), m.end()) for m in _CODE_RE.finditer(body)]


def link_context(body: str, start: int, end: int) -> str:
    """The sentence of `body` around [start, end), as plain text of bounded length.

    Hard-wrapped markdown puts one sentence on several lines, so the sentence is looked
    for in the link's whole paragraph (or list item), not just its line.
    """
    para_start, para_end = _paragraph_bounds(body, start, end)
    if body[para_start:start].lstrip().startswith("|"):  # a table row (its own block)
        return _row_context(body[para_start:para_end])
    # Line breaks and their quote markers become spaces of the same length, so the
    # link's offsets still hold and a sentence can run across lines.
    para = _LINE_JOIN_RE.sub(lambda m: " " * len(m.group(0)), body[para_start:para_end])
    s, e = start - para_start, end - para_start
    sent_start, sent_end = 0, len(para)
    for m in _SENTENCE_SPLIT_RE.finditer(para):
        if m.end() <= s:
            sent_start = m.end()
        elif m.start() >= e:
            sent_end = m.start()
            break
    return _plain_context(para[sent_start:sent_end])


# A line that is a block of its own (heading, fence, table row, rule, callout title):
# a paragraph never runs across it.
_OWN_BLOCK_RE = re.compile(r"^\s*(?:#{1,6}(?:\s|$)|```|~~~|\||(?:[-*_]\s*){3,}$|>\s*\[!)")
# A line that starts a new block (a list item): a paragraph may start there, not cross it.
_ITEM_START_RE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s")
_LINE_JOIN_RE = re.compile(r"\n[ \t]*(?:>[ \t]?)*")


def _paragraph_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the paragraph (or list item) of `body` that holds [start, end)."""
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end < 0 else line_end
    line = body[line_start:line_end]
    if _OWN_BLOCK_RE.match(line):
        return line_start, line_end
    first = line_start
    if not _ITEM_START_RE.match(line):
        while first > 0:
            prev_start = body.rfind("\n", 0, first - 1) + 1
            prev = body[prev_start:first - 1]
            if not prev.strip() or _OWN_BLOCK_RE.match(prev):
                break
            first = prev_start
            if _ITEM_START_RE.match(prev):
                break
    last = line_end
    while last < len(body):
        next_end = body.find("\n", last + 1)
        next_end = len(body) if next_end < 0 else next_end
        nxt = body[last + 1:next_end]
        if not nxt.strip() or _OWN_BLOCK_RE.match(nxt) or _ITEM_START_RE.match(nxt):
            break
        last = next_end
    return first, last


@functools.lru_cache(maxsize=1024)
def _row_context(row: str) -> str:
    """A table row as its cells' text ("A · B · C"), not "| A | B | C |"."""
    # links first: their "|" (escaped in a table, "[[a\\|b]]") is no cell border
    row = WIKILINK_RE.sub(lambda m: parse_wikilink(m.group(2)).text, row)
    cells = (plain_text(c) for c in _CELL_BORDER_RE.split(row.strip().strip("|")))
    return _clip(" · ".join(c for c in cells if c), CONTEXT_CHARS)


_CELL_BORDER_RE = re.compile(r"(?<!\\)\|")


@functools.lru_cache(maxsize=4096)
def _plain_context(sentence: str) -> str:
    # Several links often share a sentence: clean it once.
    return plain_text(sentence, CONTEXT_CHARS)


def plain_text(markdown_text: str, limit: int = 0) -> str:
    """Markdown → readable plain text: wikilinks become their labels, tags and marks go."""
    # Each substitution only runs when its trigger is present: this is called per link.
    text = markdown_text
    if "\\" in text:  # `\*` is a star, not emphasis: hide it from the mark removal below
        text = _MD_BACKSLASH_RE.sub(lambda m: chr(_HIDDEN + ord(m.group(1))), text)
    if "[[" in text:
        text = WIKILINK_RE.sub(lambda m: parse_wikilink(m.group(2)).text, text)
    if "<" in text:
        # a timestamp's "[00:12:34]" means nothing away from its player
        text = _TAG_RE.sub("", _SPACED_TIMESTAMP_RE.sub("", text))
    text = _MD_NOISE_RE.sub("", text)
    if "](" in text:
        text = _MD_LINK_RE.sub(r"\1", text)
    if "[^" in text:
        text = _FOOTNOTE_REF_RE.sub("", text)
    if "==" in text or "~~" in text:
        text = _MARK_RE.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS_RE.sub("", text)
    if "[!" in text:
        text = _CALLOUT_MARK_RE.sub("", text)
    if "&" in text:  # after the tags went: `&lt;b&gt;` is text about a tag
        text = html.unescape(text)
    if "\\" in markdown_text:
        text = _HIDDEN_RE.sub(lambda m: chr(ord(m.group(0)) - _HIDDEN), text)
    return _clip(" ".join(text.split()), limit)


def _clip(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, "…" marking the cut (0: whole)."""
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def summary_text(body: str, limit: int = SUMMARY_CHARS) -> str:
    """The first paragraph of prose of a note body as plain text (for previews and lists)."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if not stripped or stripped.startswith(("#", ">", "|", "```", "~~~", "- [[")) or \
                SOURCE_LINE_RE.match(stripped):
            continue
        text = plain_text(stripped, limit)
        if len(text) > 30:
            return text
    return ""


def without_source_lines(body: str) -> str:
    """`body` minus its opening "From: [[…]]" / "Video: [[…]]" lines, where a page shows
    channel, video and span elsewhere."""
    rest = body.lstrip("\n")
    stripped = False
    while m := _OPENING_SOURCE_LINE_RE.match(rest):
        rest, stripped = rest[m.end():], True
    return rest.lstrip("\n") if stripped else body
