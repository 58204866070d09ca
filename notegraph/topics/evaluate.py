"""How good is topic segmentation? Boundary F1 (±30 s) and Pk (10 s grid) vs chapters.

`notegraph eval segments DIR` runs this on a folder of chaptered episodes (JSON read by the
chaptered-episode importer:
`{video_id, title, channel, duration, cues: [{start, duration, text}], chapters:
[{start, title}], speaker_turns: [{start, speaker, text}]}`). The chapters are the
reference and are HIDDEN from the segmenter (the transcript it sees has none). Every
method is scored by the same code:

- `notegraph`: `segment.topic_starts` (the segmenter the pipeline uses),
- `equal`: equal-length windows, as many as the segmenter's length prior suggests,
- `texttiling`: plain embedding TextTiling (adjacent-window cosine, depth scores,
  Hearst's automatic threshold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from notegraph.embed.embedder import Embedder
from notegraph.errors import InputError, ParseError
from notegraph.models import Chapter, Sentence, Transcript
from notegraph.report import Reporter, SilentReporter
from notegraph.text.sentences import split_sentences
from notegraph.topics import segment

COLLAR_SECONDS = 30.0
GRID_SECONDS = 10.0

# --- metrics ---------------------------------------------------------------------------


def inner_boundaries(starts: Sequence[float], duration: float) -> list[float]:
    """Segment starts that are real boundaries: after 0 and before the end, sorted."""
    return sorted({float(s) for s in starts if 0.0 < s < duration})


def boundary_f1(reference: Sequence[float], hypothesis: Sequence[float],
                collar: float = COLLAR_SECONDS) -> tuple[float, float, float]:
    """(precision, recall, F1) of boundary times, matching each at most once within ±collar.

    The matching is a maximum one-to-one matching (see `_max_matching`), so two
    hypotheses near one reference count once. Both empty → perfect; one empty → 0.
    """
    ref = sorted(reference)
    hyp = sorted(hypothesis)
    if not ref and not hyp:
        return 1.0, 1.0, 1.0
    if not ref or not hyp:
        return 0.0, 0.0, 0.0
    matched = _max_matching(ref, hyp, collar)
    precision = matched / len(hyp)
    recall = matched / len(ref)
    f1 = 0.0 if matched == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def _max_matching(ref: list[float], hyp: list[float], collar: float) -> int:
    # Points on a line with interval-shaped neighbourhoods: the greedy "earliest
    # reference first, earliest unmatched hypothesis in reach" matching is maximum.
    used = [False] * len(hyp)
    count = 0
    for r in ref:
        for j, h in enumerate(hyp):
            if not used[j] and abs(h - r) <= collar + 1e-9:
                used[j] = True
                count += 1
                break
    return count


def segment_labels(starts: Sequence[float], duration: float,
                   grid: float = GRID_SECONDS) -> np.ndarray:
    """The segment index at each grid point 0, grid, 2·grid, … < duration."""
    points = np.arange(0.0, duration, grid)
    bounds = np.array(inner_boundaries(starts, duration))
    return np.searchsorted(bounds, points, side="right")


def pk(reference: Sequence[float], hypothesis: Sequence[float], duration: float,
       grid: float = GRID_SECONDS, k: int | None = None) -> float:
    """Pk (Beeferman et al.): how often a probe of width k disagrees on "same topic".

    Segments are given by their start times; time is sampled every `grid` seconds;
    k defaults to half the mean reference segment length (in grid steps, at least 1).
    Lower is better; 0 is perfect.
    """
    ref = segment_labels(reference, duration, grid)
    hyp = segment_labels(hypothesis, duration, grid)
    n = len(ref)
    if n < 2:
        return 0.0
    if k is None:
        n_segments = int(ref[-1]) + 1
        k = max(1, round(n / n_segments / 2))
    k = min(k, n - 1)
    same_ref = ref[:-k] == ref[k:]
    same_hyp = hyp[:-k] == hyp[k:]
    return float(np.mean(same_ref != same_hyp))


# --- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    """A chaptered episode: the transcript the segmenter sees and the hidden chapters."""

    transcript: Transcript  # chapters removed
    chapters: tuple[Chapter, ...]

    @property
    def reference_starts(self) -> list[float]:
        return [c.start for c in self.chapters]


def load_episode(path: Path, speakers: bool = True) -> Episode:
    """Read one chaptered episode with the pipeline's own importer, chapters set aside.

    Speakers are the importer's (the human transcript's turns aligned to the caption
    words), unless `speakers` is False: then cues carry none, like raw auto-captions.
    """
    from notegraph.sources import read_transcript_file

    transcript = read_transcript_file(path)
    if not speakers:
        transcript = replace(transcript, cues=tuple(replace(c, speaker=None)
                                                   for c in transcript.cues))
    return Episode(without_chapters(transcript), transcript.chapters)


def load_episodes(directory: Path, speakers: bool = True) -> list[tuple[Path, Episode]]:
    """Every transcript file with chapters in `directory` (any format the importers read,
    e.g. chaptered-episode JSON), sorted by name; other files are skipped."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory of chaptered episode files")
    out = []
    for path in sorted(p for p in directory.iterdir()
                       if p.is_file() and not p.name.startswith(".")):
        try:
            episode = load_episode(path, speakers)
        except ParseError:
            continue  # not a transcript (the folder may hold other files)
        if episode.chapters:
            out.append((path, episode))
    if not out:
        raise InputError(f"{directory}: no transcript with chapters found (the chapters are "
                         "the reference: use episodes that have them)")
    return out


# --- baselines -------------------------------------------------------------------------


def equal_starts(duration: float, k: int) -> list[float]:
    """k equal-length segments."""
    k = max(1, k)
    return [duration * i / k for i in range(k)]


def prior_topic_count(duration: float) -> int:
    """How many topics the length prior alone suggests (what `equal` uses)."""
    return max(1, round(duration / segment.TARGET_TOPIC_SECONDS))


def texttiling_starts(sentences: Sequence[Sentence], embedder: Embedder, duration: float,
                      window_seconds: float = segment.WINDOW_SECONDS) -> list[float]:
    """Plain embedding TextTiling: depth of similarity valleys between adjacent windows,
    boundaries where depth > mean - std/2 (Hearst's automatic K)."""
    windows = segment.make_windows(sentences, window_seconds, at_turns=False)
    if len(windows) < 3:
        return [0.0]
    vectors = segment.embed_windows(windows, embedder)
    # similarity across each gap: 2 windows before vs 2 windows after (block comparison)
    gaps = []
    for g in range(1, len(windows)):
        left = vectors[max(0, g - 2):g].mean(axis=0)
        right = vectors[g:g + 2].mean(axis=0)
        gaps.append(float(left @ right / (np.linalg.norm(left) * np.linalg.norm(right))))
    sims = np.array(gaps)
    depth = np.zeros_like(sims)
    for i in range(len(sims)):
        # Hearst's depth: climb to the nearest peak on each side of the valley.
        left = i
        while left > 0 and sims[left - 1] >= sims[left]:
            left -= 1
        right = i
        while right < len(sims) - 1 and sims[right + 1] >= sims[right]:
            right += 1
        depth[i] = (sims[left] - sims[i]) + (sims[right] - sims[i])
    threshold = depth.mean() - depth.std() / 2
    starts = [0.0]
    for i in range(len(sims)):
        is_min = (i == 0 or sims[i] <= sims[i - 1]) and (i == len(sims) - 1
                                                        or sims[i] <= sims[i + 1])
        if is_min and depth[i] > threshold:
            starts.append(windows[i + 1].start)
    return starts


# --- evaluation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One method on one episode."""

    episode: str
    method: str
    f1: float
    pk: float
    n_reference: int
    n_hypothesis: int


Method = Callable[[Episode, list[Sentence], Embedder], list[float]]


def _notegraph(ep: Episode, sentences: list[Sentence], embedder: Embedder) -> list[float]:
    return segment.topic_starts(sentences, embedder, duration=ep.transcript.duration)


def _equal(ep: Episode, sentences: list[Sentence], embedder: Embedder) -> list[float]:
    return equal_starts(ep.transcript.duration, prior_topic_count(ep.transcript.duration))


def _texttiling(ep: Episode, sentences: list[Sentence], embedder: Embedder) -> list[float]:
    return texttiling_starts(sentences, embedder, ep.transcript.duration)


METHODS: dict[str, Method] = {
    "notegraph": _notegraph,
    "equal": _equal,
    "texttiling": _texttiling,
}


def score_starts(episode: Episode, starts: Sequence[float], method: str) -> Score:
    """Score one method's topic starts against the episode's hidden chapters."""
    duration = episode.transcript.duration
    ref = inner_boundaries(episode.reference_starts, duration)
    hyp = inner_boundaries(starts, duration)
    _, _, f1 = boundary_f1(ref, hyp)
    return Score(episode.transcript.video_id, method, f1,
                 pk(episode.reference_starts, starts, duration), len(ref), len(hyp))


def evaluate_segments(directory: Path, embedder: Embedder,
                      methods: Sequence[str] = tuple(METHODS), speakers: bool = True,
                      reporter: Reporter | None = None) -> list[Score]:
    """Score every method on every chaptered episode in `directory` (with the episodes'
    speaker labels, or without them when `speakers` is False)."""
    reporter = reporter or SilentReporter()
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise InputError(f"unknown method(s) {', '.join(unknown)}; known: "
                         f"{', '.join(METHODS)}")
    scores = []
    episodes = load_episodes(directory, speakers)
    for path, episode in reporter.progress(episodes, "Evaluating segmentation",
                                           total=len(episodes)):
        assert not episode.transcript.chapters  # the reference stays hidden
        sentences = split_sentences(episode.transcript)
        for method in methods:
            starts = METHODS[method](episode, sentences, embedder)
            score = score_starts(episode, starts, method)
            reporter.debug(f"{path.name} {method}: F1 {score.f1:.3f} Pk {score.pk:.3f} "
                           f"({score.n_hypothesis} boundaries vs {score.n_reference})")
            scores.append(score)
    return scores


def format_table(scores: Sequence[Score]) -> str:
    """A markdown table: one row per method, F1 and Pk per episode and their means."""
    methods = list(dict.fromkeys(s.method for s in scores))
    episodes = list(dict.fromkeys(s.episode for s in scores))
    by = {(s.method, s.episode): s for s in scores}
    head = ["method"] + [f"{e} F1 / Pk" for e in episodes] + ["mean F1", "mean Pk"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in methods:
        row = [m]
        for e in episodes:
            s = by.get((m, e))
            row.append(f"{s.f1:.2f} / {s.pk:.2f}" if s else "–")
        mine = [by[(m, e)] for e in episodes if (m, e) in by]
        row.append(f"{np.mean([s.f1 for s in mine]):.3f}")
        row.append(f"{np.mean([s.pk for s in mine]):.3f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def without_chapters(transcript: Transcript) -> Transcript:
    """The same transcript with its chapters hidden."""
    return replace(transcript, chapters=())
