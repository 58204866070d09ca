"""Cue blocks of SRT and WebVTT: a timing line, then payload lines up to the next cue.

Scanning line by line (instead of splitting on blank lines) copes with what real files
do: yt-dlp's SRT puts a blank line *inside* a cue, YouTube's VTT has space-only lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from notegraph.slugs import parse_timestamp
from notegraph.sources.parsed import LayoutError

# `00:01:02,500 --> 00:01:04,000`, `01:02.500 --> 01:04.000 align:start` (both formats).
TIMING_RE = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
    r"(?:\s+(.*))?$"
)

# A timing line with a minus sign: a negative time, refused (never silently dropped).
_NEGATIVE_TIMING_RE = re.compile(r"^\s*(?:-\s*[\d:.,]+\s*-->|[\d:.,]+\s*-->\s*-\s*\d)")


@dataclass(frozen=True)
class CueBlock:
    """One cue as written: times (seconds), payload lines, settings, 1-based line number."""

    start: float
    end: float
    lines: tuple[str, ...]
    settings: str
    line_no: int


def cue_seconds(stamp: str, line_no: int) -> float:
    """`01:02:03,456` / `02:03.456` → seconds, read by `slugs.parse_timestamp` (the one
    reading of a time); a LayoutError naming the line when a field is out of range."""
    seconds = parse_timestamp(stamp)
    if seconds is None:
        raise LayoutError(f"line {line_no}: {stamp[:40]} is not a time (seconds, and minutes "
                          "after hours, run from 00 to 59; at most 100 hours)")
    return seconds


def iter_cue_blocks(text: str) -> Iterator[CueBlock]:
    """Yield every cue block of an SRT or WebVTT text, in file order."""
    lines = text.split("\n")
    timing_at = []
    for i, ln in enumerate(lines):
        if "-->" not in ln:
            continue
        if TIMING_RE.match(ln):
            timing_at.append(i)
        elif _NEGATIVE_TIMING_RE.match(ln):
            raise LayoutError(f"line {i + 1}: a negative time ({ln.strip()[:60]})")
    for n, i in enumerate(timing_at):
        m = TIMING_RE.match(lines[i])
        assert m is not None
        stop = timing_at[n + 1] if n + 1 < len(timing_at) else len(lines)
        if n + 1 < len(timing_at):
            # The line just before the next timing line is that cue's number/identifier
            # when it follows a blank line (or is a bare number, as SRT writes it).
            k = stop - 1
            if k > i and lines[k].strip() and (
                not lines[k - 1].strip() or k - 1 == i or lines[k].strip().isdigit()
            ):
                stop = k
        payload = [ln.rstrip() for ln in lines[i + 1:stop]]
        while payload and not payload[-1].strip():
            payload.pop()
        while payload and not payload[0].strip():
            payload.pop(0)
        start, end = cue_seconds(m.group(1), i + 1), cue_seconds(m.group(2), i + 1)
        if end < start:
            raise LayoutError(f"line {i + 1}: cue ends ({m.group(2)}) before it starts "
                              f"({m.group(1)})")
        yield CueBlock(start, end, tuple(payload), m.group(3) or "", i + 1)
