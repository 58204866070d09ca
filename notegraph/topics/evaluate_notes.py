"""How readable are the notes? `notegraph eval notes DIR...` on chaptered episodes.

Each episode runs through the notes pipeline (sentences → segments → writer → grounding
check) with its creator chapters HIDDEN; the chapters are then the reference for the
title and boundary measures. Per episode (and as the mean over all) it reports:

- `title` / `chance`: mean cosine (the configured embedder, all-MiniLM-L6-v2 by default)
  between each chapter title and the title of the topic overlapping that chapter most
  in time; `chance` pairs the same titles with the topics of the episode's other chapters;
- `filler`: filler words ("um", "you know", "I mean", a doubled word "I I" but not one
  doubled for emphasis, "very very") per 100 key-point words;
- `promo`: key points that are sponsor, intro or outro reads (a count);
- `short`: share of key points under 8 words;
- `cut`: share of key points that start mid-clause or end cut off;
- `heading`: share of section headings whose content words are said in their section's
  key points;
- `common`: share of concepts that are one common English word (`wordfreq` Zipf ≥ 4.5);
- `twice`: share of concepts said at least twice in their topic;
- `f1` / `pk`: topic boundaries against the chapters (±30 s; Pk on a 10 s grid);
- `grounded`: share of timestamps (key points and lead sentences) at the start of a
  sentence of their topic whose first words are said within ±10 s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from notegraph.models import Chapter, KeyPoint, Topic, Transcript
from notegraph.report import Reporter, SilentReporter
from notegraph.text.spoken import EMPHASIS, is_promo
from notegraph.topics.concepts import concept_key, singular
from notegraph.topics.evaluate import Episode, load_episodes, score_starts
from notegraph.topics.grounding import is_real_start
from notegraph.topics.words import STOPWORDS

COMMON_ZIPF = 4.5
SHORT_WORDS = 8
GROUNDING_WINDOW = 10.0

_FILLER_RE = re.compile(r"\b(?:um+|uh+|uhm|erm|hmm+|mhm|you know|i mean)\b", re.IGNORECASE)
_DOUBLED_RE = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# a key point opening on one of these continues a phrase that began before it
_CONTINUING_TEXT = """
of than which whom whose is was were are been being whereas nor or
"""
_CONTINUING = frozenset(_CONTINUING_TEXT.split())
# a key point ending on one of these was cut before its last phrase (a preposition may
# end a spoken sentence: "what they focus on")
_CUT_END_TEXT = """
a an the and or but of to than that which whose is are was were be been being my your his
her our their its these those because whether very
"""
_CUT_END = frozenset(_CUT_END_TEXT.split())
_GENERIC_HEADINGS = frozenset({"key points", "introduction", ""})


@dataclass(frozen=True)
class NoteScore:
    """The measures of one episode's notes (see the module doc)."""

    episode: str
    hours: float
    topics: int
    title: float
    chance: float
    filler: float
    promo: int
    short: float
    cut: float
    heading: float
    common: float
    twice: float
    f1: float
    pk: float
    grounded: float


# --- single measures -------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """Lower-case words of `text` (apostrophes kept inside words)."""
    return _WORD_RE.findall(text.lower().replace("’", "'"))


def filler_count(text: str) -> int:
    """Filler words in `text`: "um", "uh", "you know", "I mean", and each doubled word
    but words doubled for emphasis ("very very")."""
    doubled = sum(len(m.group(0).split()) - 1 for m in _DOUBLED_RE.finditer(text)
                  if m.group(1).lower() not in EMPHASIS)
    return len(_FILLER_RE.findall(text)) + doubled


def is_cut(text: str) -> bool:
    """Starts mid-clause (a lower-case or continuing first word) or ends cut off."""
    stripped = text.strip()
    if not stripped or "..." in stripped or stripped.endswith("…"):
        return True
    words = words_of(stripped)
    if not words:
        return True
    if stripped[0].islower() or words[0] in _CONTINUING:
        return True
    return words[-1] in _CUT_END


def content_words(text: str) -> set[str]:
    """Singular content words (no stopwords, 3+ letters) of `text`."""
    return {singular(w) for w in words_of(text) if w not in STOPWORDS and len(w) > 2}


def heading_said(heading: str, points: Sequence[KeyPoint]) -> bool:
    """Are all the content words of `heading` said in `points`?"""
    wanted = content_words(heading)
    said = content_words(" ".join(p.text for p in points))
    return bool(wanted) and wanted <= said


def is_common_word(concept: str, zipf: Callable[[str], float]) -> bool:
    """A one-word, lower-case concept that is a common English word."""
    return " " not in concept.strip() and concept[:1].islower() and zipf(concept) >= COMMON_ZIPF


def mentions(concept: str, text: str) -> int:
    """How often `text` says `concept` (any case, a plural last word too)."""
    key = concept_key(concept)
    if not key:
        return 0
    words = [re.escape(w) for w in key.split()]
    words[-1] += r"(?:s|es)?"
    return len(re.findall(r"(?<![\w])" + r"[\s-]+".join(words) + r"(?![\w])", text.lower()))


def grounded(point: KeyPoint, topic: Topic, transcript: Transcript) -> bool:
    """The point's time starts a sentence of its topic, and its first words are said
    within ±10 s of it (the contract `tests/notes_helpers.vault_problems` checks)."""
    seg = topic.segment
    if not is_real_start(point.start, seg.sentences, seg.start, seg.end):
        return False
    spoken: set[str] = set()
    for cue in transcript.cues:
        if point.start - GROUNDING_WINDOW <= cue.start <= point.start + GROUNDING_WINDOW:
            spoken.update(_tokens(cue.text))
    head = _tokens(point.text.rstrip(" …"))[:8]
    missing = [w for w in head if w not in spoken]
    return len(missing) <= max(1, len(head) // 4)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


# --- titles ----------------------------------------------------------------------------


def chapter_topics(chapters: Sequence[Chapter], topics: Sequence[Topic],
                   duration: float) -> list[int]:
    """For each chapter, the index of the topic that overlaps it most in time."""
    chapters = sorted(chapters, key=lambda c: c.start)
    out = []
    for i, c in enumerate(chapters):
        end = chapters[i + 1].start if i + 1 < len(chapters) else duration
        overlap = [max(0.0, min(end, t.segment.end) - max(c.start, t.segment.start))
                   for t in topics]
        out.append(int(np.argmax(overlap)))
    return out


def title_agreement(chapter_vecs: np.ndarray, topic_vecs: np.ndarray,
                    matched: Sequence[int]) -> tuple[float, float]:
    """(agreement, chance): mean cosine of each chapter title with its matched topic's
    title, and with the titles matched to the episode's other chapters."""
    n = len(matched)
    sims = chapter_vecs @ topic_vecs.T
    agree = float(np.mean([sims[i, matched[i]] for i in range(n)]))
    others = [sims[i, matched[j]] for i in range(n) for j in range(n) if j != i]
    return agree, float(np.mean(others)) if others else 0.0


# --- one episode -----------------------------------------------------------------------


def _points(topic: Topic) -> list[KeyPoint]:
    return [p for s in topic.sections for p in s.points]


def _lead_points(topic: Topic) -> list[KeyPoint]:
    return list(getattr(topic, "lead_points", ()) or ())


def score_topics(episode: Episode, topics: Sequence[Topic], embed: Callable[[Sequence[str]],
                 np.ndarray], zipf: Callable[[str], float]) -> NoteScore:
    """Every measure of one episode's topics (see the module doc)."""
    transcript = episode.transcript
    points = [p for t in topics for p in _points(t)]
    texts = [p.text for p in points]
    n_words = sum(len(words_of(x)) for x in texts)
    sections = [s for t in topics for s in t.sections
                if s.heading.strip().lower() not in _GENERIC_HEADINGS]
    concepts = [(c, t) for t in topics for c in t.concepts]
    stamped = [(p, t) for t in topics for p in [*_points(t), *_lead_points(t)]]
    chapters = sorted(episode.chapters, key=lambda c: c.start)
    matched = chapter_topics(chapters, topics, transcript.duration)
    vecs = embed([c.title for c in chapters] + [t.title for t in topics])
    agree, chance = title_agreement(vecs[:len(chapters)], vecs[len(chapters):], matched)
    seg = score_starts(episode, [t.segment.start for t in topics], "notegraph")
    text_of = {id(t): " ".join(s.text for s in t.segment.sentences) for t in topics}
    return NoteScore(
        episode=transcript.video_id, hours=transcript.duration / 3600, topics=len(topics),
        title=agree, chance=chance,
        filler=100.0 * sum(filler_count(x) for x in texts) / max(1, n_words),
        promo=sum(is_promo(x) for x in texts),
        short=_share(len(words_of(x)) < SHORT_WORDS for x in texts),
        cut=_share(is_cut(x) for x in texts),
        heading=_share(heading_said(s.heading, s.points) for s in sections),
        common=_share(is_common_word(c, zipf) for c, _ in concepts),
        twice=_share(mentions(c, text_of[id(t)]) >= 2 for c, t in concepts),
        f1=seg.f1, pk=seg.pk,
        grounded=_share(grounded(p, t, transcript) for p, t in stamped))


def _share(flags: Any) -> float:
    values = [bool(f) for f in flags]
    return sum(values) / len(values) if values else 1.0


def mean_score(scores: Sequence[NoteScore]) -> NoteScore:
    """The mean of every measure over episodes (hours and topics summed)."""
    def avg(name: str) -> float:
        return float(np.mean([getattr(s, name) for s in scores]))

    values: dict[str, Any] = {f.name: avg(f.name) for f in fields(NoteScore)
                              if f.name not in ("episode",)}
    values["hours"] = sum(s.hours for s in scores)
    values["topics"] = sum(s.topics for s in scores)
    values["promo"] = sum(s.promo for s in scores)
    return NoteScore(episode="mean", **values)


def format_notes_table(scores: Sequence[NoteScore]) -> str:
    """A markdown table: one row per episode and a last row of means (promo: total)."""
    head = ["episode", "hours", "topics", "title", "chance", "filler/100w", "promo",
            "short", "cut", "heading", "common", "twice", "F1", "Pk", "grounded"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in [*scores, mean_score(scores)]:
        row = [s.episode, f"{s.hours:.1f}", str(s.topics), f"{s.title:.3f}", f"{s.chance:.3f}",
               f"{s.filler:.2f}", str(s.promo), _pct(s.short), _pct(s.cut), _pct(s.heading),
               _pct(s.common), _pct(s.twice), f"{s.f1:.3f}", f"{s.pk:.3f}", _pct(s.grounded)]
        if s.episode == "mean":
            row = [f"**{x}**" for x in row]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def sample_points(topics: Sequence[Topic], n: int, seed: int = 0) -> str:
    """`n` key points drawn at random (seeded) from `topics`, one a line with where they
    are from: what to read to judge the notes by eye."""
    import random

    pool = [(t, p) for t in topics for p in _points(t)]
    picked = random.Random(seed).sample(pool, min(n, len(pool)))
    return "\n".join(f"- [{t.segment.video_id} {int(p.start)}s · {t.title}] {p.text}"
                     for t, p in picked)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


# --- the run ---------------------------------------------------------------------------


def evaluate_notes(directories: Sequence[Path], embedder: Any, writer: Any,
                   reporter: Reporter | None = None,
                   keep: list[Topic] | None = None) -> list[NoteScore]:
    """Write the notes of every chaptered episode in `directories` (chapters hidden) and
    score them. `writer` is the notes writer to measure (the configured one); `keep`, when
    given, receives every topic written (to read them)."""
    from wordfreq import zipf_frequency

    from notegraph.topics.pipeline import RunEmbedder, process_transcript

    reporter = reporter or SilentReporter()
    episodes = [e for d in directories for e in load_episodes(d)]

    def zipf(word: str) -> float:
        return zipf_frequency(word, "en")

    scores = []
    for path, episode in reporter.progress(episodes, "Evaluating notes", total=len(episodes)):
        assert not episode.transcript.chapters  # the reference stays hidden
        video = process_transcript(episode.transcript, writer, RunEmbedder(embedder), (),
                                   reporter)
        if keep is not None:
            keep.extend(video.topics)
        score = score_topics(episode, video.topics, embedder.embed, zipf)
        reporter.debug(f"{path.name}: title {score.title:.3f} F1 {score.f1:.3f}")
        scores.append(score)
    return scores
