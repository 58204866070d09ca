"""whisper.cpp console output: `[hh:mm:ss.mmm --> hh:mm:ss.mmm]  text` lines.

Segment-level output becomes one cue per line. Word-level output (`-ml 1`, one token
per line) is re-joined: a token that starts with a space starts a new word, one that
does not (`'s`, `,`, `US` after `M`) continues the previous word. tinydiarize's
`[SPEAKER_TURN]` ends a speaker's turn; turns are labelled as unidentified speakers,
since whisper.cpp knows *that* the speaker changed, not who it is.
"""

from __future__ import annotations

import itertools
import re

from notegraph.models import Cue
from notegraph.sources.cueblocks import cue_seconds
from notegraph.sources.parsed import LayoutError, ParsedFile, Word, group_words
from notegraph.text.cleanup import turn_label

LINE_RE = re.compile(
    r"^\[(\d+:\d{2}:\d{2}\.\d{3}) --> (\d+:\d{2}:\d{2}\.\d{3})\](.*)$"
)
_TURN_MARK = "[SPEAKER_TURN]"
# Special tokens whisper.cpp may print: [_BEG_], [_TT_150], [_SOT_]…
_SPECIAL_RE = re.compile(r"\[_[A-Z]+_?\d*\]")


def looks_like_whispercpp(text: str) -> bool:
    """Most non-empty lines are whisper.cpp timing lines."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    hits = sum(1 for ln in lines[:400] if LINE_RE.match(ln.strip()))
    return hits >= 1 and hits >= 0.6 * min(len(lines), 400)


def parse_whispercpp(text: str) -> ParsedFile:
    """Parse whisper.cpp stdout (segment- or word-level) into cues."""
    rows: list[tuple[float, float, str, bool, int]] = []
    for no, raw in enumerate(text.split("\n"), 1):
        m = LINE_RE.match(raw.strip("\r"))
        if not m:
            continue
        body = m.group(3)
        # whisper.cpp prints two spaces after `]`; a third one is the token's own space.
        body = body[2:] if body.startswith("  ") else body.lstrip(" ")
        turn = _TURN_MARK in body
        body = _SPECIAL_RE.sub("", body.replace(_TURN_MARK, ""))
        start, end = cue_seconds(m.group(1), no), cue_seconds(m.group(2), no)
        if end < start:
            # whisper.cpp sometimes stamps the first token of a segment with a start past
            # its own end ([00:09:16.460 --> 00:09:06.610]); the end is the reliable one.
            start = rows[-1][1] if rows and rows[-1][1] <= end else end
        rows.append((start, end, body, turn, no))
    if not rows:
        raise LayoutError("no whisper.cpp timing lines")
    for a, b in itertools.pairwise(rows):
        if b[0] < a[0]:
            raise LayoutError(f"line {b[4]}: timestamps go backwards")
    word_level = _is_word_level(rows)
    turns = any(r[3] for r in rows)
    cues = _join_words(rows, turns) if word_level else _segments(rows, turns)
    return ParsedFile(format="whisper.cpp" + (" words" if word_level else ""),
                      cues=tuple(cues), is_generated=True)


def _is_word_level(rows: list[tuple[float, float, str, bool, int]]) -> bool:
    words = sorted(len(r[2].split()) for r in rows)
    return words[len(words) // 2] <= 1


def _segments(rows: list[tuple[float, float, str, bool, int]], turns: bool) -> list[Cue]:
    cues, turn_no = [], 1
    for start, end, body, turn, _ in rows:
        cues.append(Cue(start, end, body.strip(), turn_label(turn_no) if turns else None))
        if turn:
            turn_no += 1
    return cues


def _join_words(rows: list[tuple[float, float, str, bool, int]], turns: bool) -> list[Cue]:
    words: list[Word] = []
    turn_no = 1
    speaker = turn_label(turn_no) if turns else None
    for start, end, token, turn, _ in rows:
        piece = token.rstrip()
        if piece.strip():
            if piece.startswith(" ") or not words or words[-1].turn_after:
                words.append(Word(start, end, piece.strip(), speaker))
            else:
                last = words[-1]
                words[-1] = Word(last.start, end, last.text + piece.strip(), last.speaker)
        if turn:
            if words:
                last = words[-1]
                words[-1] = Word(last.start, last.end, last.text, last.speaker, True)
            turn_no += 1
            speaker = turn_label(turn_no) if turns else None
    return group_words(words)
