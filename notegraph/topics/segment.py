"""Split a transcript into contiguous topics by time.

- With creator chapters (two or more): one segment per chapter (the creator's own
  topics); only a chapter longer than `MAX_TOPIC_SECONDS` is split further.
- Without: sentences are grouped into short windows (~`WINDOW_SECONDS` of speech),
  each window is embedded once, and an optimal partition of the window sequence is found
  by dynamic programming: it minimises the spread of the windows around their topic's
  mean direction, under hard length bounds (no topic shorter than `MIN_TOPIC_SECONDS` or
  longer than `MAX_TOPIC_SECONDS`). The number of topics comes from the transcript
  itself: a length prior (`TARGET_TOPIC_SECONDS`) sets the scale, and the
  partition's own coherence gain decides within it (see `choose_topic_count`).
- An intro (cold open, "this is the ... podcast", sponsor reads) found in the first
  minutes becomes its own small segment, so it never drags the first topic's start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notegraph.embed.embedder import Embedder
from notegraph.models import Segment, Sentence, Transcript

WINDOW_SECONDS = 30.0
MIN_TOPIC_SECONDS = 90.0
MAX_TOPIC_SECONDS = 20 * 60.0
TARGET_TOPIC_SECONDS = 10 * 60.0  # tuned on all 23 chaptered episodes (scripts/tune_segments.py)
INTRO_MAX_SECONDS = 240.0
MIN_INTRO_SECONDS = 15.0


@dataclass(frozen=True)
class Window:
    """Consecutive sentences, ~WINDOW_SECONDS long: the unit topics are made of."""

    first: int  # index of its first sentence
    last: int  # index after its last sentence
    start: float
    text: str


def segment_transcript(transcript: Transcript, sentences: Sequence[Sentence],
                       embedder: Embedder) -> list[Segment]:
    """Contiguous topic segments covering the transcript (chapters when present)."""
    sentences = list(sentences)
    if not sentences:
        return []
    duration = _duration(transcript, sentences)
    if len(transcript.chapters) >= 2:
        return _chapter_segments(transcript, sentences, embedder, duration)
    starts = topic_starts(sentences, embedder, duration=duration)
    return _segments_at(transcript, sentences, starts, [None] * len(starts))


def _chapter_segments(transcript: Transcript, sentences: list[Sentence], embedder: Embedder,
                      duration: float) -> list[Segment]:
    """One segment per chapter; a chapter longer than MAX_TOPIC_SECONDS is split further
    (its first part keeps the chapter's title, the others get none)."""
    chapters = sorted(transcript.chapters, key=lambda c: c.start)
    starts: list[float] = []
    titles: list[str | None] = []
    for i, chapter in enumerate(chapters):
        end = chapters[i + 1].start if i + 1 < len(chapters) else duration
        starts.append(chapter.start)
        titles.append(chapter.title)
        if end - chapter.start > MAX_TOPIC_SECONDS:
            inside = [s for s in sentences if chapter.start <= s.start < end]
            more = topic_starts(inside, embedder, duration=end, start=chapter.start,
                                detect_intro=False)[1:]
            starts.extend(more)
            titles.extend([None] * len(more))
    return _segments_at(transcript, sentences, starts, titles)


def _duration(transcript: Transcript, sentences: Sequence[Sentence]) -> float:
    return max(transcript.duration, sentences[-1].end, sentences[-1].start)


def _segments_at(transcript: Transcript, sentences: list[Sentence], starts: Sequence[float],
                 titles: Sequence[str | None]) -> list[Segment]:
    """Segments starting at `starts` (sorted); a segment with no sentence is dropped and
    its time given to its neighbours."""
    order = sorted(range(len(starts)), key=lambda i: starts[i])
    starts = [starts[i] for i in order]
    titles = [titles[i] for i in order]
    groups: list[list[Sentence]] = [[] for _ in starts]
    k = 0
    for s in sentences:
        while k + 1 < len(starts) and s.start >= starts[k + 1]:
            k += 1
        groups[k].append(s)
    kept = [(starts[i], titles[i], g) for i, g in enumerate(groups) if g]
    duration = _duration(transcript, sentences)
    segments = []
    for i, (start, title, group) in enumerate(kept):
        seg_start = 0.0 if i == 0 else min(start, group[0].start)
        seg_end = kept[i + 1][0] if i + 1 < len(kept) else duration
        seg_end = max(seg_end, group[-1].start)
        segments.append(Segment(video_id=transcript.video_id, start=seg_start, end=seg_end,
                                sentences=tuple(group), chapter_title=title))
    # Keep segments contiguous: each ends where the next starts.
    for i in range(len(segments) - 1):
        nxt = segments[i + 1]
        if segments[i].end != nxt.start:
            segments[i] = Segment(segments[i].video_id, segments[i].start, nxt.start,
                                  segments[i].sentences, segments[i].chapter_title)
    return segments


# --- windows -------------------------------------------------------------------------

def make_windows(sentences: Sequence[Sentence], seconds: float = WINDOW_SECONDS,
                 at_turns: bool = True) -> list[Window]:
    """Group consecutive sentences into windows of about `seconds` each.

    With `at_turns` in a conversation, a window ends at the first change of speaker once
    it is half as long as wanted (at most 1.5× as long): a new topic
    starts with someone's new turn — usually a question — so candidate topic starts line
    up with turns instead of falling mid-answer. Without speaker labels (or with one
    speaker) windows are simply `seconds` long.
    """
    windows: list[Window] = []
    first = 0
    n = len(sentences)
    # Only a conversation (two or more labelled speakers) has turns to follow.
    at_turns = at_turns and len({s.speaker for s in sentences if s.speaker}) >= 2
    while first < n:
        last = first + 1
        while last < n:
            elapsed = sentences[last].start - sentences[first].start
            if not at_turns:
                if elapsed >= seconds:
                    break
            elif elapsed >= 1.5 * seconds or (_is_turn(sentences, last)
                                               and elapsed >= 0.5 * seconds):
                break
            last += 1
        text = " ".join(s.text for s in sentences[first:last])
        windows.append(Window(first, last, sentences[first].start, text))
        first = last
    return windows


def _is_turn(sentences: Sequence[Sentence], i: int) -> bool:
    """True when sentence `i` starts a new, known speaker's turn."""
    return (i > 0 and sentences[i].speaker is not None
            and sentences[i].speaker != sentences[i - 1].speaker)


def embed_windows(windows: Sequence[Window], embedder: Embedder) -> np.ndarray:
    """One unit vector per window (each window's text embedded once, then cached)."""
    return np.asarray(embedder.embed([w.text for w in windows]), dtype=np.float32)


# --- optimal partition ---------------------------------------------------------------

def partition_costs(vectors: np.ndarray) -> np.ndarray:
    """cost[i, j] = spread of windows i..j-1 around their mean direction.

    For unit vectors, sum(1 - cos(v, mean)) over a run equals len - |sum v|:
    0 for identical windows, growing as the run mixes topics.
    """
    n = len(vectors)
    prefix = np.vstack([np.zeros((1, vectors.shape[1]), dtype=np.float64),
                        np.cumsum(vectors.astype(np.float64), axis=0)])
    cost = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        sums = prefix[i + 1:] - prefix[i]
        lengths = np.arange(1, n - i + 1)
        cost[i, i + 1:] = lengths - np.linalg.norm(sums, axis=1)
    return cost


def optimal_partitions(cost: np.ndarray, times: np.ndarray, end_time: float, max_k: int,
                       min_len: float, max_len: float) -> dict[int, tuple[float, list[int]]]:
    """For each k ≤ max_k: the least total cost of k contiguous parts, and their starts.

    `times[i]` is when window i starts; a part [i, j) lasts times[j] - times[i] (or
    end_time - times[i] for the last part) and must lie in [min_len, max_len].
    """
    n = cost.shape[0] - 1
    t = np.append(times, end_time)
    length = t[None, :] - t[:, None]
    allowed = (length >= min_len) & (length <= max_len)
    c = np.where(allowed, cost, np.inf)
    best = np.full((max_k + 1, n + 1), np.inf)
    back = np.zeros((max_k + 1, n + 1), dtype=int)
    best[0, 0] = 0.0
    for k in range(1, max_k + 1):
        # best[k, j] = min_i best[k-1, i] + c[i, j]
        total = best[k - 1][:, None] + c
        back[k] = np.argmin(total, axis=0)
        best[k] = total[back[k], np.arange(n + 1)]
    out: dict[int, tuple[float, list[int]]] = {}
    for k in range(1, max_k + 1):
        if not np.isfinite(best[k, n]):
            continue
        starts = []
        j = n
        for kk in range(k, 0, -1):
            i = int(back[kk, j])
            starts.append(i)
            j = i
        out[k] = (float(best[k, n]), sorted(starts))
    return out


def choose_topic_count(totals: dict[int, float], duration: float,
                       target: float = TARGET_TOPIC_SECONDS) -> int:
    """Pick k: the prior k0 = duration / target, adjusted by the data.

    Each extra topic must lower the partition cost by at least the average gain per
    topic around the prior; where the gains flatten earlier, stop earlier, and where
    they stay large, go on (never more than twice the prior).
    """
    ks = sorted(totals)
    if not ks:
        return 1
    k0 = max(ks[0], min(ks[-1], round(duration / target)))
    lo = max(ks[0], round(k0 / 2))
    hi = min(ks[-1], 2 * k0)
    if hi <= lo:
        return k0 if k0 in totals else ks[0]
    # Mean marginal gain between lo and hi: a "fair price" for one more topic.
    price = (totals[lo] - totals[hi]) / (hi - lo)
    tol = 1e-9 * max(1.0, abs(totals[lo]))
    k = lo
    while k + 1 <= hi and k + 1 in totals and totals[k] - totals[k + 1] > price + tol:
        k += 1
    # The curve can dip below the price early and recover: never stop before the prior
    # while its gains on average still pay.
    if (price > tol and k < k0 and k0 in totals
            and totals[k] - totals[k0] >= price * (k0 - k) - tol):
        k = k0
    return k


# --- intro ---------------------------------------------------------------------------

_INTRO_END_RE = re.compile(
    r"(here'?s my conversation with|here is my conversation with|(and )?now,? dear friends|"
    r"let'?s (get started|dive in|begin|get into it)|brought to you by|"
    r"(check out|support) (our|the) sponsors|this is the [\w' ]{1,40} podcast|"
    r"the following is a conversation with|welcome (back )?to the [\w' ]{1,40}(show|podcast))",
    re.IGNORECASE,
)


def intro_end(sentences: Sequence[Sentence], duration: float) -> float | None:
    """Where an intro (cold open, show intro, sponsor reads) ends, if there clearly is one.

    It is the start of the sentence after the last intro phrase said in the first
    minutes ("...the following is a conversation with", "here's my conversation with").
    """
    limit = min(INTRO_MAX_SECONDS, 0.1 * duration)
    last = None
    for i, s in enumerate(sentences):
        if s.start > limit:
            break
        if _INTRO_END_RE.search(s.text):
            last = i
    if last is None:
        return None
    # The intro runs to the end of that paragraph: the next change of speaker or a
    # sentence that no longer introduces (at most a few sentences on).
    j = last + 1
    if j >= len(sentences):
        return None
    end = sentences[j].start
    return end if end >= MIN_INTRO_SECONDS else None


# --- the segmenter -------------------------------------------------------------------

def topic_starts(sentences: Sequence[Sentence], embedder: Embedder, *, duration: float,
                 start: float = 0.0, detect_intro: bool = True,
                 window_seconds: float = WINDOW_SECONDS,
                 target_seconds: float = TARGET_TOPIC_SECONDS) -> list[float]:
    """Start times of the topics in [start, duration), the first being `start`.

    Chosen from window embeddings under the length bounds; with `detect_intro`, an intro
    in the first minutes becomes its own segment.
    """
    sentences = [s for s in sentences if s.start >= start]
    starts = [start]
    body = sentences
    body_start = start
    cut = intro_end(sentences, duration) if detect_intro and start == 0.0 else None
    if cut is not None:
        body = [s for s in sentences if s.start >= cut]
        starts.append(cut)
        body_start = cut
    span = duration - body_start
    if not body or span < 2 * MIN_TOPIC_SECONDS:
        return starts
    windows = make_windows(body, window_seconds)
    if len(windows) < 2:
        return starts
    vectors = embed_windows(windows, embedder)
    times = np.array([w.start for w in windows], dtype=float)
    times[0] = body_start
    cost = partition_costs(vectors)
    max_k = max(1, min(len(windows), int(2 * span / target_seconds) + 2,
                       int(span // MIN_TOPIC_SECONDS)))
    max_len = max(MAX_TOPIC_SECONDS, span / max_k * 1.01)
    parts = optimal_partitions(cost, times, duration, max_k, MIN_TOPIC_SECONDS, max_len)
    if not parts:
        return starts
    k = choose_topic_count({k: v[0] for k, v in parts.items()}, span, target_seconds)
    starts.extend(float(times[i]) for i in parts[k][1] if i > 0)
    return starts
