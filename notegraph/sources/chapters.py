"""Creator chapters from free text: the `0:00 Intro` lines of a YouTube description.

YouTube only turns a description into chapters when the list starts at 0:00, has at
least three entries in ascending order and each lasts at least 10 seconds; we apply the
same rules, so a stray "at 3:15 he says…" line in a description is not taken for a
chapter list.
"""

from __future__ import annotations

import re

from notegraph.models import Chapter
from notegraph.slugs import parse_timestamp

MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10.0

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}"
# "0:00 Intro", "00:00 - Intro", "(0:00) Intro", "[0:00] Intro", "1. 0:00 – Intro", "▶ 0:00 Intro"
_LEADING = re.compile(
    rf"^\W*?(?:\d+[.)]\s+)?[(\[]?(?P<time>{_TIME})[)\]]?\s*(?:[-–—:|•·]\s*)?(?P<title>.+?)\s*$"
)
# "Intro - 0:00", "Intro (0:00)"
_TRAILING = re.compile(rf"^\s*(?P<title>.+?)\s*(?:[-–—:|]\s*)?[(\[]?(?P<time>{_TIME})[)\]]?\s*$")


def parse_chapters(text: str) -> tuple[Chapter, ...]:
    """The chapter list in `text`, or `()` when it has none YouTube would accept."""
    run: list[Chapter] = []
    for line in text.splitlines():
        chapter = parse_chapter_line(line)
        if chapter is None:
            continue
        if chapter.start == 0:
            # A new list starts here; keep the first acceptable one.
            if _accept(run):
                break
            run = [chapter]
        elif run and chapter.start > run[-1].start:
            run.append(chapter)
    return _accept(run)


def _accept(run: list[Chapter]) -> tuple[Chapter, ...]:
    """`run` without chapters shorter than 10 s, or `()` if fewer than three remain."""
    if not run:
        return ()
    kept = [run[0]]
    for chapter in run[1:]:
        if chapter.start - kept[-1].start >= MIN_CHAPTER_SECONDS:
            kept.append(chapter)
    return tuple(kept) if len(kept) >= MIN_CHAPTERS else ()


def parse_chapter_line(line: str) -> Chapter | None:
    """`0:24 - Dark matter` → Chapter(24.0, "Dark matter"); None for any other line."""
    for pattern in (_LEADING, _TRAILING):
        m = pattern.match(line)
        if not m:
            continue
        start = parse_timestamp(m.group("time"))
        title = m.group("title").strip(" \t-–—:|•·")
        if start is not None and title and re.search(r"\w", title):
            return Chapter(start=start, title=title)
    return None


def find_chapter_lists(lines: list[str]) -> list[tuple[int, int, tuple[Chapter, ...]]]:
    """Chapter lists embedded in a document (a web page's table of contents).

    A list is a run of consecutive chapter lines (blank lines allowed between them)
    whose times increase and that YouTube's rules accept (`parse_chapters`). Returns
    (index of its first line, index after its last line, chapters) for each list.
    """
    found = []
    i = 0
    while i < len(lines):
        first = parse_chapter_line(lines[i])
        if first is None or first.start != 0:
            i += 1
            continue
        run, j, last = [first], i + 1, i
        while j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            chapter = parse_chapter_line(lines[j])
            if chapter is None or chapter.start <= run[-1].start:
                break
            run.append(chapter)
            last = j
            j += 1
        accepted = _accept(run)
        if accepted:
            found.append((i, last + 1, accepted))
            i = last + 1
        else:
            i += 1
    return found
