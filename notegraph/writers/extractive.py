"""The default writer: a topic's notes are its own sentences, chosen and tidied.

- Candidates: sentences that make a key point alone (`points.sentence_quality`): not
  a fragment cut from the previous one, not a sponsor/intro read, not a reference back.
- Centrality: PageRank over the sentence-similarity graph of TF-IDF content-word vectors
  (LexRank), damped by that quality prior.
- Title and concepts: keyphrases of the topic against the video's other topics
  (c-TF-IDF), scored KeyBERT-style by their embedding similarity to the whole topic
  (`naming`).
- Lead: 2–4 of the most central self-contained sentences, each with its time.
- Sections: the topic is cut in time at its least alike neighbouring sentences into 1–4
  parts; a part's points are picked by maximal marginal relevance (MMR) and headed by a
  phrase its points say; a part whose points name nothing joins its neighbour.
- Points keep the start time and speaker of their first sentence, in time order; the text
  is only cleaned (`points.clean_point_text`): no sentence and no time is invented.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic
from notegraph.slugs import format_timestamp
from notegraph.text.cleanup import is_unidentified
from notegraph.text.spoken import is_promo
from notegraph.topics.concepts import (
    PhraseCounts,
    concept_key,
    keyphrases,
    singular,
)
from notegraph.topics.people import mentions, speaker_name
from notegraph.topics.words import STOPWORDS
from notegraph.writers.base import BaseWriter, WriterContext
from notegraph.writers.naming import (
    TITLE_POOL,
    Phrases,
    candidate_phrases,
    choose_concepts,
    embedding_scores,
    is_common_word,
    mixed_case,
    sentence_case,
    title_from_phrases,
    title_names,
    title_options,
    topic_phrases,
)
from notegraph.writers.points import (
    CONTINUING_WORDS,
    POOL_SHIFT,
    clean_point_text,
    ends_open,
    has_misheard,
    misheard_words,
    refers_back,
    sentence_quality,
    starts_mid_phrase,
    with_continuation,
)
from notegraph.writers.ranking import lexical_vectors, mmr, pagerank, split_in_time

# kept importable from here (tests, scripts/eval_key_points.py)
__all__ = ["CONTINUING_WORDS", "ExtractiveWriter", "_with_continuation", "clean_point_text",
           "lexical_vectors", "mmr", "pagerank", "sentence_quality", "split_in_time",
           "starts_mid_phrase", "title_from_phrases"]
_with_continuation = with_continuation

# the prior a lead sentence needs: the first floor any central sentence reaches
LEAD_QUALITY = (0.8, 0.5)


@dataclass(frozen=True)
class Ranked:
    """The segment's candidate key points (indices into its sentences), ranked."""

    cand: list[int]
    vectors: np.ndarray  # lexical vectors of the candidates
    relevance: np.ndarray  # centrality × quality, per candidate


def rank_sentences(sentences: Sequence[Sentence]) -> Ranked:
    """Candidates (good alone, not a fragment, not a promo read) and their relevance."""
    misheard = misheard_words([s.text for s in sentences])
    heard = [i for i, s in enumerate(sentences) if not has_misheard(s.text, misheard)]
    cand = [i for i in heard if _candidate(sentences, i)]
    if len(cand) < 3:  # a short topic: take what is said, but never a sponsor read
        cand = [i for i in heard if not is_promo(with_continuation(sentences, i))
                and len(sentences[i].text.split()) >= 4] or cand
    vectors = lexical_vectors([sentences[i].text for i in cand])
    quality = np.array([sentence_quality(sentences[i]) for i in cand])
    relevance = pagerank(vectors) * len(cand) * quality if cand else np.zeros(0)
    return Ranked(cand, vectors, relevance)


def _candidate(sentences: Sequence[Sentence], i: int) -> bool:
    s = sentences[i]
    shown = with_continuation(sentences, i)  # a point is shown with its continuation
    return (sentence_quality(s, POOL_SHIFT) >= 0.5 and not is_promo(shown)
            and not starts_mid_phrase(sentences[i - 1] if i else None, s)
            and not ends_open(shown))


def topic_centre(sentences: Sequence[Sentence], ranked: Ranked, context: WriterContext,
                 top: int = 8) -> tuple[list[int], np.ndarray | None, np.ndarray]:
    """(indices, centre, vectors): the `top` most central candidates, their embeddings
    and the unit mean of those (the topic's direction in embedding space)."""
    order = [ranked.cand[j] for j in np.argsort(-ranked.relevance)[:top]]
    if not order:
        return [], None, np.zeros((0, 0))
    vecs = context.vectors([sentences[i] for i in order])
    centre = vecs.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    return order, (centre / norm if norm else None), vecs


# ---------------------------------------------------------------- the writer


class ExtractiveWriter(BaseWriter):
    """Grounded notes without a language model (see the module doc)."""

    name = "extractive"

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        """Title, lead, sections of extracted key points, concepts and people."""
        sentences = list(segment.sentences)
        if not sentences:
            empty_title = segment.chapter_title or f"From {format_timestamp(segment.start)}"
            return Topic(segment=segment, title=empty_title, lead="", sections=())
        ranked = rank_sentences(sentences)
        phrases = topic_phrases(sentences, context)
        central, centre, central_vecs = topic_centre(sentences, ranked, context)
        discussed, speakers = _people(sentences, context)
        found = candidate_phrases(phrases)
        # a title may be a phrase ranked lower than a concept: the subject a creator names
        # is often said throughout the episode, which c-TF-IDF ranks down
        names = title_names(sentences, discussed, context)
        pool = [*found, *(p for p in candidate_phrases(phrases, TITLE_POOL) if p not in found),
                *names]
        # phrases are scored against the whole segment (the segmenter's windows, free),
        # which names its subject better than its few most central sentences do
        whole = context.centre(sentences)
        scores = embedding_scores(pool, centre if whole is None else whole, context)
        concepts = choose_concepts(found, scores[:len(found)])
        said = [names.get(p) or phrases.counts.counts[concept_key(p)] for p in pool]
        options = [segment.chapter_title] if segment.chapter_title else \
            title_options(segment, pool, scores, said, phrases)
        title = options[0]
        lead = choose_lead(sentences, central, central_vecs, centre, segment)
        sections = build_sections(sentences, ranked, phrases, title,
                                  skip={p.start for p in lead})
        if not sections and not lead:  # e.g. an intro of sponsor reads: still one time
            # the first sentence that says something, a sponsor read only if all are
            first = next((i for i, s in enumerate(sentences) if len(s.text.split()) >= 4
                          and not is_promo(with_continuation(sentences, i))),
                         next((i for i, s in enumerate(sentences)
                               if len(s.text.split()) >= 4), 0))
            lead = [_point(sentences, first)]
        return Topic(segment=segment, title=title, lead="", sections=tuple(sections),
                     concepts=tuple(concepts),
                     people=tuple(dict.fromkeys([*discussed, *speakers])),
                     lead_points=tuple(lead), title_options=tuple(options[1:]))


def choose_lead(sentences: Sequence[Sentence], central: Sequence[int], vecs: np.ndarray,
                centre: np.ndarray | None, segment: Segment) -> list[KeyPoint]:
    """2–4 central, self-contained sentences (longer topics get more), in time order."""
    minutes = (segment.end - segment.start) / 60.0
    k = 2 if minutes < 5 else 3 if minutes < 12 else 4
    # a topic whose central sentences are all a little doubtful (auto-captions: cuts the
    # break model is unsure of) still gets a lead, from the candidates' floor
    for floor in LEAD_QUALITY:
        ok = [j for j, i in enumerate(central) if _lead_worthy(sentences[i], floor)]
        if ok:
            break
    if centre is None or not ok:
        return []
    relevance = np.zeros(len(central))
    relevance[ok] = np.clip(vecs[ok] @ centre, 1e-6, None)
    picked = sorted(central[j] for j in mmr(ok, relevance, vecs, k, diversity=0.3,
                                            max_similarity=0.8))
    return [_point(sentences, i) for i in picked]


def _lead_worthy(s: Sentence, floor: float) -> bool:
    n = len(s.text.split())
    return (8 <= n <= 40 and not s.text.rstrip().endswith("?") and not refers_back(s.text)
            and not is_promo(s.text) and sentence_quality(s, POOL_SHIFT) >= floor)


def _point(sentences: Sequence[Sentence], i: int) -> KeyPoint:
    return KeyPoint(clean_point_text(with_continuation(sentences, i)), sentences[i].start,
                    _real_speaker(sentences[i].speaker))


# ---------------------------------------------------------------- sections


def build_sections(sentences: Sequence[Sentence], ranked: Ranked, ph: Phrases, title: str,
                   skip: set[float]) -> list[Section]:
    """1–4 sections in time order, each headed by a phrase its points say."""
    cand = ranked.cand
    minutes = max(0.5, (sentences[-1].end - sentences[0].start) / 60.0)
    n_parts = 1 if len(cand) < 8 else max(2, min(4, round(minutes / 5)))
    total = max(3, min(12, round(minutes * 0.8)))
    ranges = split_in_time(ranked.vectors, n_parts) if cand else []
    per_part = max(2, min(4, math.ceil(total / max(1, len(ranges)))))
    parts: list[list[KeyPoint]] = []
    for r in ranges:
        pool = [j for j in r if sentences[cand[j]].start not in skip]
        picked = sorted(cand[j] for j in mmr(pool, ranked.relevance, ranked.vectors,
                                             per_part))
        if picked:
            parts.append([_point(sentences, i) for i in picked])
    return _headed(parts, ph, title)


def _headed(parts: list[list[KeyPoint]], ph: Phrases, title: str) -> list[Section]:
    """Head each part by a phrase its points say; an unnamed part joins its neighbour."""
    named: list[tuple[list[KeyPoint], str]] = []
    used: list[str] = [title]
    for points in parts:
        heading = heading_for(points, ph, used)
        if heading:
            used.append(heading)
            named.append((points, heading))
        elif named:
            named[-1] = ([*named[-1][0], *points], named[-1][1])
        else:
            named.append((points, ""))
    if len(named) > 1 and not named[0][1]:  # an unnamed first part joins the second
        named = [([*named[0][0], *named[1][0]], named[1][1]), *named[2:]]
    return [Section(sentence_case(h) if h else "Key points", tuple(p)) for p, h in named]


def heading_for(points: Sequence[KeyPoint], ph: Phrases, used: Sequence[str]) -> str:
    """The most distinctive phrase of the topic that every one of its words is said in
    `points`, said twice in the topic, and unlike `used` (the title, earlier headings)."""
    said = PhraseCounts.of(p.text for p in points)
    words = {singular(w) for k in said.counts for w in k.split()}
    for phrase in keyphrases(said, ph.df, ph.n_docs, limit=15, exclude=ph.excluded,
                             skip=ph.skipped, min_count=1):
        key = concept_key(phrase)
        if ph.counts.counts.get(key, 0) < 2 or mixed_case(phrase) or \
                is_common_word(phrase) or not _distinct(phrase, used) or \
                not {singular(w) for w in key.split() if w not in STOPWORDS} <= words:
            continue
        return ph.counts.surface(key)
    return ""


def _distinct(phrase: str, used: Sequence[str]) -> bool:
    """Neither inside nor around a phrase in `used`."""
    words = _bag(phrase)
    return not any(words <= (u := _bag(x)) or u <= words for x in used if x)


# ---------------------------------------------------------------- names


def _people(sentences: Sequence[Sentence], context: WriterContext) -> tuple[list[str],
                                                                          list[str]]:
    """(people named in the topic, its speakers by how much they talk)."""
    text = " ".join(s.text for s in sentences)
    discussed = mentions(text, list(context.people), context.vault_people)
    talk = Counter(name for s in sentences if (name := _real_speaker(s.speaker)))
    return discussed, [name for name, _ in talk.most_common()]


def _bag(text: str) -> frozenset[str]:
    """The words of a phrase for comparing headings: singular, no little words."""
    return frozenset(singular(w) for w in concept_key(text).split()
                     if w not in ("and", "the", "a", "of"))


def _real_speaker(label: str | None) -> str | None:
    """A speaker label worth naming: a person's name (never `unidentified (turn 3)`)."""
    return None if is_unidentified(label) else speaker_name(label)
