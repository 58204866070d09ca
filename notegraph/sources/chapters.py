"""Chapter lists as YouTube descriptions and show notes write them: `0:00 Intro`.

Accepted line shapes: `0:00 Intro`, `00:00 - Intro`, `* 0:24 - Dark matter`,
`(1:02:03) Title`, `[12:30] Title`, `1. 0:00 Intro`. A list starts at 0:00 (or within
the first minute) and its times increase, as YouTube requires of chapters.
"""

from __future__ import annotations

import re

from notegraph.models import Chapter
from notegraph.slugs import parse_timestamp

CHAPTER_LINE_RE = re.compile(
    r"^\s*(?:[*+\-•]\s+|\d{1,2}[.)]\s+)?"           # optional bullet or list number
    r"[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?"      # the time, maybe bracketed
    r"\s*(?:[-–—:|]\s*)?"                            # a separator
    r"(\S.{0,119}?)\s*$"                              # the title
)
_MIN_CHAPTERS = 2


def parse_chapter_line(line: str) -> Chapter | None:
    """`0:24 - Dark matter` → Chapter(24.0, "Dark matter"); None for any other line."""
    m = CHAPTER_LINE_RE.match(line)
    if not m:
        return None
    seconds = parse_timestamp(m.group(1))
    title = m.group(2).strip().strip("*_").strip()
    if seconds is None or not title or parse_timestamp(title.split()[0]) is not None:
        return None
    return Chapter(seconds, title)


def find_chapter_lists(lines: list[str]) -> list[tuple[int, int, list[Chapter]]]:
    """Every run of chapter lines (blank lines allowed inside) that forms a valid list.

    Returns (first line index, index after the last line, chapters) per list.
    """
    found = []
    i = 0
    while i < len(lines):
        first = parse_chapter_line(lines[i])
        if first is None or first.start > 60:
            i += 1
            continue
        chapters, j, last_hit = [first], i + 1, i
        while j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            ch = parse_chapter_line(lines[j])
            if ch is None or ch.start <= chapters[-1].start:
                break
            chapters.append(ch)
            last_hit = j
            j += 1
        if len(chapters) >= _MIN_CHAPTERS:
            found.append((i, last_hit + 1, chapters))
            i = last_hit + 1
        else:
            i += 1
    return found


def parse_chapters(text: str) -> tuple[Chapter, ...]:
    """The chapters of a side file (a video description, show notes): the longest list.

    Returns () when the text holds no valid chapter list.
    """
    lists = find_chapter_lists(text.split("\n"))
    if not lists:
        return ()
    best = max(lists, key=lambda x: len(x[2]))[2]
    return tuple(best)
