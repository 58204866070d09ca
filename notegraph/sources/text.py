"""Plain-text and markdown transcripts, in the layouts podcasts publish.

Rather than one parser per site, this reads a *family*: a transcript is a sequence of
turns, each opened by a head that gives a speaker, a time, or both, in any of these
shapes (brackets, parentheses, markdown links and escapes are all accepted):

    00:01:02 text                      [00:01:02] Speaker: text
    Speaker (00:01:02) - text          Speaker 1 (00:00):   (text on the next lines)
    **Speaker:** text  [mm:ss] …       Name [(00:01:02)](https://…) text
    Speaker: text                      Speaker 1  0:03      (Otter)

Bracketed times inside a paragraph (`\\[16:01\\]`) are marks too. Web-page junk around
the transcript (navigation, headings, link lists, footers) is dropped, a chapter list
(`* 0:24 - Dark matter`) is read as chapters, and when times are sparse each sentence
gets a time interpolated by word position (`ParsedFile.interpolated`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from notegraph.models import Chapter, Cue
from notegraph.slugs import parse_timestamp
from notegraph.sources.chapters import find_chapter_lists
from notegraph.sources.parsed import LayoutError, ParsedFile
from notegraph.text.cleanup import drop_tags

_TS = r"(?<![\d:])(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?(?![\d:])"
# A time mark: `[(00:01:02)](url)`, `[00:01:02](url)`, `[00:01:02]`, `(00:01:02)`.
_BRACKETED_TS = (
    rf"\[\(?(?P<t1>{_TS})\)?\]\([^)\s]*\)|\[(?P<t2>{_TS})\]|\((?P<t3>{_TS})\)"
)
_ANY_TS = rf"(?:{_BRACKETED_TS}|(?P<t4>{_TS}))"
_NAME = (r"(?P<name>[A-Z][\w.'’-]*(?:\s(?:[A-Z0-9][\w.'’-]*|de|van|von|der|da|di|del|le|la|"
         r"bin|al|dos)){0,3})")

# Heads, tried in order at the start of a line.
_HEAD_BOLD_RE = re.compile(
    r"^\*\*(?P<name>[^*\n]{1,60}?)\s*:\s*\*\*\s*|^\*\*(?P<name2>[^*\n]{1,60}?)\*\*\s*:\s*"
)
_HEAD_TIME_NAME_RE = re.compile(rf"^{_ANY_TS}\s*[-–—]?\s*{_NAME}\s*:\s+")
_HEAD_NAME_TIME_RE = re.compile(rf"^{_NAME}\s*{_ANY_TS}\s*(?:[-–—:|]\s*)?(?=\S|$)")
_HEAD_TIME_RE = re.compile(rf"^{_ANY_TS}(?:\s*[-–—|:]\s*|\s+|$)")
_HEAD_NAME_RE = re.compile(rf"^{_NAME}\s*:\s+(?=\S)")
_INLINE_TS_RE = re.compile(_BRACKETED_TS)

_MD_ESCAPE_RE = re.compile(r"\\([\[\]()*_#`>\\.!-])")
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_EMPHASIS_RE = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_SENTENCE_END_RE = re.compile(r"(?:(?<=[.?!…])|(?<=[.?!…][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

# Speaking rate used to extrapolate past the last time mark when the file's own rate
# cannot be measured (words per second; ~150 words per minute).
_DEFAULT_RATE = 2.5
_MAX_CUE_WORDS = 60


@dataclass
class _Piece:
    """Text between two heads/marks: its own time if it had one, its speaker, line."""

    time: float | None
    speaker: str | None
    text: str
    line_no: int


def parse_text(text: str) -> ParsedFile:
    """Parse a plain-text/markdown transcript; LayoutError if it has no times."""
    text = _MD_ESCAPE_RE.sub(r"\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    chapters = _take_chapters(lines)
    title = _page_title(lines)
    pieces = _pieces(lines, _layout(lines))
    if not pieces:
        raise LayoutError("no transcript text found")
    if all(p.time is None for p in pieces):
        raise LayoutError(
            "no timestamps found (need e.g. '00:01:02 text', '[00:01:02] Name: text' or "
            "'Name (00:01:02)'); without times no note could point at a moment"
        )
    pieces = _split_sentences(pieces)
    cues, duration, interpolated = _timed_cues(pieces)
    return ParsedFile(format="text", cues=tuple(cues), chapters=chapters, title=title,
                      duration=duration, interpolated=interpolated)


def looks_like_text_transcript(text: str) -> bool:
    """True when some line opens with a time head, or speaker labels recur (a transcript
    without times, which `parse_text` then refuses with a precise message)."""
    lines = [_MD_ESCAPE_RE.sub(r"\1", ln.strip()) for ln in text.split("\n")[:5000]]
    for ln in lines:
        if _HEAD_TIME_RE.match(ln) or _HEAD_NAME_TIME_RE.match(ln) or _INLINE_TS_RE.search(ln):
            return True
    bold = sum(1 for ln in lines if _HEAD_BOLD_RE.match(ln))
    return bold >= 2 or bool(_layout(lines).names)


def _take_chapters(lines: list[str]) -> tuple[Chapter, ...]:
    """Find a chapter list that is not the transcript itself; blank its lines out."""
    for first, stop, chapters in find_chapter_lists(lines):
        outside = sum(1 for i, ln in enumerate(lines)
                      if not first <= i < stop and _has_time_head(ln.strip()))
        if outside >= 2:
            for i in range(first, stop):
                lines[i] = ""
            return tuple(chapters)
    return ()


def _has_time_head(line: str) -> bool:
    return bool(_HEAD_TIME_RE.match(line) or _HEAD_TIME_NAME_RE.match(line)
                or _HEAD_NAME_TIME_RE.match(line) or _INLINE_TS_RE.search(line))


def _page_title(lines: list[str]) -> str | None:
    """A web page's `# Title` (not the site-name link), without 'Transcript for'."""
    for ln in lines:
        m = re.match(r"^#\s+(.+)$", ln.strip())
        if m and not re.fullmatch(r"\[[^\]]*\]\([^)]*\)", m.group(1).strip()):
            title = _LINK_RE.sub(r"\1", m.group(1)).strip()
            return re.sub(r"^(?:transcript\s+(?:for|of)\s*:?\s*)", "", title,
                          flags=re.IGNORECASE) or None
    return None


@dataclass(frozen=True)
class _Layout:
    """What the file's heads look like, so that a stray line of prose is not a head.

    `names`: labels that open two or more lines, or any label when most timed lines
    carry one (a guest may speak once). `bare_times`: lines may open with an
    unbracketed time (`00:01:02 text`). `bare_labels`: `Name  0:03` heads (Otter) are
    the layout. On a page whose marks are links, a wrapped line that happens to start
    with "3:15 in the morning" or "Around 4:00 they" is prose.
    """

    names: frozenset[str]
    repeated: frozenset[str]
    bare_times: bool
    bare_labels: bool


def _layout(lines: list[str]) -> _Layout:
    counts: dict[str, int] = {}
    timed = labelled = bare_first = bare_label = 0
    for ln in lines:
        ln = ln.strip()
        first = _HEAD_TIME_NAME_RE.match(ln) or _HEAD_TIME_RE.match(ln)
        label = _HEAD_NAME_TIME_RE.match(ln)
        timed += bool(first or label)
        labelled += bool(label or (first and "name" in first.groupdict()))
        bare_first += bool(first and first.groupdict().get("t4"))
        bare_label += bool(label and label.groupdict().get("t4"))
        m = label or (first if first and "name" in first.groupdict() else None)
        m = m or _HEAD_NAME_RE.match(ln)
        if m:
            counts[m.group("name")] = counts.get(m.group("name"), 0) + 1
    repeated = {n for n, k in counts.items() if k >= 2}
    names = set(counts) if labelled >= 2 and labelled >= 0.5 * timed else repeated
    return _Layout(
        names=frozenset(names), repeated=frozenset(repeated),
        bare_times=bare_first >= 3 or (bare_first >= 1 and bare_first >= 0.3 * timed),
        bare_labels=bare_label >= 2 and bare_label >= 0.5 * timed,
    )


def _time_of(m: re.Match[str]) -> float | None:
    for key in ("t1", "t2", "t3", "t4"):
        value = m.groupdict().get(key)
        if value:
            return parse_timestamp(value)
    return None


def _head(line: str, layout: _Layout) -> tuple[str | None, float | None, str] | None:
    """(speaker, time, rest of line) when `line` opens a turn, else None."""
    m = _HEAD_BOLD_RE.match(line)
    if m:
        name = (m.group("name") or m.group("name2")).strip()
        return name, None, line[m.end():]
    m = _HEAD_TIME_NAME_RE.match(line)
    # `00:05 Today: bees` is a time and text, unless the file labels lines that way.
    if m and _usable_time(m, layout.bare_times) and m.group("name") in layout.names:
        return m.group("name").strip(), _time_of(m), line[m.end():]
    m = _HEAD_NAME_TIME_RE.match(line)
    if m and m.group("name") in layout.names and _usable_time(
            m, layout.bare_labels or m.group("name") in layout.repeated):
        return m.group("name").strip(), _time_of(m), line[m.end():]
    m = _HEAD_TIME_RE.match(line)
    if m and _usable_time(m, layout.bare_times):
        return None, _time_of(m), line[m.end():]
    m = _HEAD_NAME_RE.match(line)
    if m and m.group("name") in layout.names:
        return m.group("name").strip(), None, line[m.end():]
    return None


def _usable_time(m: re.Match[str], bare_ok: bool) -> bool:
    """The head's time parses, and is bracketed unless bare times are this file's way."""
    return _time_of(m) is not None and (bare_ok or not m.groupdict().get("t4"))


def _is_junk(paragraph: str) -> bool:
    """Headings, images and link lists: page furniture, not speech."""
    p = paragraph.strip()
    if not p or p.startswith("#") or p.startswith(("* [", "- [", "+ [", "![")):
        return True
    if re.fullmatch(r"[-=*_|: ]{3,}", p):
        return True
    link_words = sum(len(m.group(1).split()) for m in _LINK_RE.finditer(p)
                     if not _INLINE_TS_RE.fullmatch(m.group(0)))
    plain = _LINK_RE.sub(r"\1", _IMAGE_RE.sub("", p))
    return link_words > 0 and link_words >= 0.3 * max(1, len(plain.split()))


def _pieces(lines: list[str], layout: _Layout) -> list[_Piece]:
    """Cut the text into pieces at every head and inline time mark."""
    units: list[tuple[str | None, float | None, str, int]] = []  # a turn or paragraph
    cur: list[str] = []
    cur_head: tuple[str | None, float | None, int] | None = None
    started = False

    def close() -> None:
        nonlocal cur, cur_head
        if cur_head is not None:
            body = " ".join(cur).strip()
            if cur_head[0] or cur_head[1] is not None or not _is_junk(body):
                units.append((cur_head[0], cur_head[1], body, cur_head[2]))
        cur, cur_head = [], None

    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            close()
            continue
        head = _head(line, layout)
        if head is not None:
            close()
            started = True
            cur_head = (head[0], head[1], no)
            cur = [head[2]]
        elif not started:
            continue  # page preamble before the first turn
        elif cur_head is None:
            if line.startswith("#") or _is_junk(line):
                continue
            cur_head, cur = (None, None, no), [line]
        else:
            cur.append(line)
    close()

    pieces: list[_Piece] = []
    speaker: str | None = None
    for name, time, body, no in units:
        if name:
            speaker = _clean_name(name)
        body = _IMAGE_RE.sub("", body)
        # Inline marks split the paragraph; the text before the first keeps the head's time.
        pos, t = 0, time
        for m in _INLINE_TS_RE.finditer(body):
            pieces.append(_Piece(t, speaker, _plain(body[pos:m.start()]), no))
            pos, t = m.end(), _time_of(m)
        pieces.append(_Piece(t, speaker, _plain(body[pos:]), no))
    return [p for p in pieces if p.text or p.time is not None]


def _clean_name(name: str) -> str:
    return _EMPHASIS_RE.sub("", name).strip(" :")


def _plain(text: str) -> str:
    text = _LINK_RE.sub(r"\1", text)
    return re.sub(r"\s+", " ", _EMPHASIS_RE.sub("", text)).strip()


def _split_sentences(pieces: list[_Piece]) -> list[_Piece]:
    """Sentences (at most `_MAX_CUE_WORDS` words) as pieces; only the first keeps a time."""
    out = []
    for p in pieces:
        sentences = [s for s in _SENTENCE_END_RE.split(p.text) if s.strip()] or [""]
        first = True
        for s in sentences:
            words = s.split()
            for k in range(0, max(1, len(words)), _MAX_CUE_WORDS):
                chunk = " ".join(words[k:k + _MAX_CUE_WORDS])
                out.append(_Piece(p.time if first else None, p.speaker, chunk, p.line_no))
                first = False
    return out


def _timed_cues(pieces: list[_Piece]) -> tuple[list[Cue], float, bool]:
    """Give every piece a start: its own mark, or interpolated by word position."""
    positions, total = [], 0
    for p in pieces:
        positions.append(total)
        total += len(drop_tags(p.text).split())  # `[inaudible]` takes no time
    anchors = [(positions[i], p.time, p.line_no) for i, p in enumerate(pieces)
               if p.time is not None]
    for (_, a, _), (_, b, line_no) in itertools.pairwise(anchors):
        if b < a:
            raise LayoutError(f"line {line_no}: timestamps out of order "
                              f"({_fmt(b)} after {_fmt(a)})")
    first_pos, first_t, _ = anchors[0]
    last_pos, last_t, _ = anchors[-1]
    rate = (last_pos - first_pos) / (last_t - first_t) if last_t > first_t else 0.0
    if not 0.5 <= rate <= 6.0:
        rate = _DEFAULT_RATE
    if first_pos > 0 and first_t == 0:
        anchors.insert(0, (0, max(0.0, first_t - first_pos / rate), 0))
    elif first_pos > 0:
        anchors.insert(0, (0, 0.0, 0))
    duration = last_t + (total - last_pos) / rate
    anchors.append((total, duration, 0))

    starts: list[float] = []
    k = 0
    for pos in positions:
        while k + 1 < len(anchors) - 1 and anchors[k + 1][0] <= pos:
            k += 1
        (p0, t0, _), (p1, t1, _) = anchors[k], anchors[k + 1]
        starts.append(t0 if p1 == p0 else t0 + (t1 - t0) * (pos - p0) / (p1 - p0))
    interpolated = False
    cues = []
    for i, p in enumerate(pieces):
        start = p.time if p.time is not None else starts[i]
        interpolated = interpolated or p.time is None
        end = duration if i + 1 == len(pieces) else (
            pieces[i + 1].time if pieces[i + 1].time is not None else starts[i + 1])
        if p.text:
            cues.append(Cue(round(start, 3), round(max(start, end), 3), p.text, p.speaker))
    return cues, round(duration, 3), interpolated


def _fmt(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
