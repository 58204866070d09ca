"""Give caption cues the speakers of a separate, human-made transcript of the same talk.

The chaptered episodes pair YouTube captions (no speakers) with the show's own
transcript (speaker turns, whole-second starts). A turn's start is found in the caption
words by matching its first words near that second (captions keep "um"/"uh" that
editors remove, so fillers are skipped); a cue that holds the end of one turn and the
start of the next is split there, its time shared by word position. When the words
cannot be found, the turn starts at the cue whose middle is past the turn's start.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from notegraph.models import Cue

_WINDOW_SECONDS = 8.0
_FILLERS = frozenset({"um", "uh", "uhm", "erm", "hmm", "mm"})


@dataclass(frozen=True)
class Turn:
    """Where a speaker starts (seconds) and what they say first."""

    start: float
    speaker: str
    text: str


def _key(word: str) -> str:
    return re.sub(r"[^\w']+", "", word.casefold()).strip("'")


def align_speakers(cues: Sequence[Cue], turns: Sequence[Turn]) -> list[Cue]:
    """Cues with the speaker of each turn, split where a turn starts inside a cue."""
    if not turns or not cues:
        return list(cues)
    turns = sorted(turns, key=lambda t: t.start)
    # Every caption word: (cue index, word index in cue, key, approximate time).
    words: list[tuple[int, int, str, float]] = []
    for ci, c in enumerate(cues):
        ws = c.text.split()
        for wi, w in enumerate(ws):
            t = c.start + (c.end - c.start) * wi / max(1, len(ws))
            words.append((ci, wi, _key(w), t))
    spoken = [i for i, w in enumerate(words) if w[2] and w[2] not in _FILLERS]
    times = [words[i][3] for i in spoken]

    # Global word index at which each turn begins.
    starts: list[int] = []
    for n, turn in enumerate(turns):
        at = _find(turn, words, spoken, times, starts[-1] if starts else -1) if n else 0
        if at is None:
            at = _by_time(turn.start, cues, words)
        # A turn marker just before the first word (`- Whoever`, `>> so`) opens the turn.
        while at > 0 and at < len(words) and not words[at - 1][2]:
            at -= 1
        if starts and at < starts[-1]:
            at = starts[-1]
        starts.append(at)

    speaker_of = [""] * len(words)
    for n, turn in enumerate(turns):
        stop = starts[n + 1] if n + 1 < len(turns) else len(words)
        for i in range(starts[n], stop):
            speaker_of[i] = turn.speaker
    return _rebuild(cues, words, speaker_of)


def _find(turn: Turn, words: list[tuple[int, int, str, float]], spoken: list[int],
          times: list[float], after: int) -> int | None:
    """Index of the caption word where `turn` begins (its first 3, else 2 words; a
    one-word turn such as "Yeah." by that word), nearest its start, after `after`."""
    keys = [k for k in (_key(w) for w in turn.text.split()[:8]) if k and k not in _FILLERS]
    lo = bisect.bisect_left(times, turn.start - _WINDOW_SECONDS)
    hi = bisect.bisect_right(times, turn.start + _WINDOW_SECONDS)
    for n in (3, 2) if len(keys) > 1 else (1,):
        if len(keys) < n:
            continue
        hits = [spoken[j] for j in range(lo, max(lo, hi - n + 1))
                if spoken[j] > after
                and [words[spoken[j + m]][2] for m in range(n)] == keys[:n]]
        if hits:
            return min(hits, key=lambda i: abs(words[i][3] - turn.start))
    return None


def _by_time(start: float, cues: Sequence[Cue], words: list[tuple[int, int, str, float]]
             ) -> int:
    """The first word of the first cue whose middle is at or after `start`."""
    for i, (ci, wi, _, _) in enumerate(words):
        c = cues[ci]
        if wi == 0 and (c.start + c.end) / 2 >= start:
            return i
    return len(words)


def _rebuild(cues: Sequence[Cue], words: list[tuple[int, int, str, float]],
             speaker_of: list[str]) -> list[Cue]:
    out: list[Cue] = []
    i = 0
    for c in cues:
        ws = c.text.split()
        if not ws:
            out.append(c)
            continue
        labels = speaker_of[i:i + len(ws)]
        i += len(ws)
        # Runs of one speaker inside this cue.
        k = 0
        while k < len(ws):
            j = k
            while j < len(ws) and labels[j] == labels[k]:
                j += 1
            span = c.end - c.start
            start = c.start if k == 0 else round(c.start + span * k / len(ws), 3)
            end = c.end if j == len(ws) else round(c.start + span * j / len(ws), 3)
            text = c.text if (k, j) == (0, len(ws)) else " ".join(ws[k:j])
            out.append(Cue(start, end, text, labels[k] or None))
            k = j
    return out
