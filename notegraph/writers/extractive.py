"""The default writer: a topic's notes are its own sentences, chosen and tidied.

- Candidates: sentences that make a key point alone (`points.sentence_quality`): not
  a fragment cut from the previous one, not a sponsor/intro read, not a reference back.
- Centrality: PageRank over the sentence-similarity graph of TF-IDF content-word vectors
  (LexRank), damped by that quality prior.
- Title and concepts: keyphrases of the topic against the video's other topics
  (c-TF-IDF), scored KeyBERT-style by the embedding similarity of each phrase to the
  topic's central sentences; one common English word alone (`wordfreq`) is no concept.
- Lead: 2–4 of the most central self-contained sentences, each with its time.
- Sections: the topic is cut in time at its least alike neighbouring sentences into 1–4
  parts; a part's points are picked by maximal marginal relevance (MMR) and headed by a
  phrase its points say; a part whose points name nothing joins its neighbour.
- Points keep the start time and speaker of their first sentence, in time order; the text
  is only cleaned (`points.clean_point_text`): no sentence and no time is invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic
from notegraph.slugs import format_timestamp
from notegraph.text.cleanup import is_unidentified
from notegraph.text.spoken import is_promo
from notegraph.topics.concepts import (
    STOPWORDS,
    PhraseCounts,
    concept_key,
    document_frequency,
    keyphrases,
    singular,
)
from notegraph.topics.people import is_first_name, looks_like_name, mentions, speaker_name
from notegraph.writers.base import BaseWriter, WriterContext
from notegraph.writers.points import (
    CONTINUING_WORDS,
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

COMMON_ZIPF = 4.5  # a word this frequent in English (Zipf scale) names no concept alone
INTRO_SECONDS = 300.0
# weight of log(times said) beside embedding closeness when choosing a title (tuned with
# `notegraph eval notes` on all 23 chaptered episodes)
TITLE_FREQUENCY = 0.15


def sentence_case(phrase: str) -> str:
    """`dark matter` → `Dark matter`; `GPT-5` and `Jeff Beck` stay as they are."""
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


def title_from_phrases(phrases: Sequence[str]) -> str:
    """A human title from the best keyphrases: `Dark matter and the Bullet Cluster`.

    Two phrases are joined only when both are short; a single word is never paired
    with another single word ("Matter and interact" reads like a word list).
    """
    if not phrases:
        return ""
    first = phrases[0]
    if len(phrases) > 1:
        second = phrases[1]
        n1, n2 = len(first.split()), len(second.split())
        if n1 <= 2 and n2 <= 2 and n1 + n2 >= 3 and (min(n1, n2) > 1 or second[:1].isupper()):
            return sentence_case(f"{first} and {second}")
    return sentence_case(first)


def is_common_word(phrase: str) -> bool:
    """One lower-case word that English uses a lot (`weekend`, `money`): no concept."""
    if " " in phrase.strip() or "-" in phrase or not phrase[:1].islower():
        return False
    from wordfreq import zipf_frequency

    return zipf_frequency(phrase, "en") >= COMMON_ZIPF


# ---------------------------------------------------------------- what a topic is made of


@dataclass(frozen=True)
class Ranked:
    """The segment's candidate key points (indices into its sentences), ranked."""

    cand: list[int]
    vectors: np.ndarray  # lexical vectors of the candidates
    relevance: np.ndarray  # centrality × quality, per candidate


@dataclass(frozen=True)
class Phrases:
    """Phrase counts of the segment, of its video's segments, and what is no concept."""

    counts: PhraseCounts
    df: Counter[str]
    n_docs: int
    excluded: list[str]
    skipped: list[str]


def rank_sentences(sentences: Sequence[Sentence]) -> Ranked:
    """Candidates (good alone, not a fragment, not a promo read) and their relevance."""
    misheard = misheard_words([s.text for s in sentences])
    heard = [i for i, s in enumerate(sentences) if not has_misheard(s.text, misheard)]
    cand = [i for i in heard if _candidate(sentences, i)]
    if len(cand) < 3:  # a short topic: take what is said, but never a sponsor read
        cand = [i for i in heard if not is_promo(sentences[i].text)
                and len(sentences[i].text.split()) >= 4] or cand
    vectors = lexical_vectors([sentences[i].text for i in cand])
    quality = np.array([sentence_quality(sentences[i]) for i in cand])
    relevance = pagerank(vectors) * len(cand) * quality if cand else np.zeros(0)
    return Ranked(cand, vectors, relevance)


def _candidate(sentences: Sequence[Sentence], i: int) -> bool:
    s = sentences[i]
    return (sentence_quality(s) >= 0.5 and not is_promo(s.text)
            and not starts_mid_phrase(sentences[i - 1] if i else None, s)
            and not ends_open(with_continuation(sentences, i)))


def topic_phrases(sentences: Sequence[Sentence], context: WriterContext) -> Phrases:
    """The segment's phrase counts against its siblings, with names kept out."""
    counts = PhraseCounts.of(s.text for s in sentences)
    siblings = context.segment_phrases or (counts,)
    excluded = [*context.people, *context.vault_people, *_channel_names(context.channel)]
    # a lone given name ("Eliza") is skipped before phrases compete, so that it does not
    # hide the phrase it is part of ("ELIZA effect")
    first_names = [s for k in counts.counts if " " not in k
                   and _a_first_name(s := counts.surface(k))]
    return Phrases(counts, document_frequency(siblings), len(siblings), excluded,
                   [*first_names, *_channel_phrases(context.channel)])


def candidate_phrases(ph: Phrases, limit: int = 12) -> list[str]:
    """Keyphrases that may name the topic: said twice, no lone first name, no common
    word alone, no half-name."""
    found = keyphrases(ph.counts, ph.df, ph.n_docs, limit=limit, exclude=ph.excluded,
                       skip=ph.skipped)
    return [c for c in found if not _a_first_name(c) and not is_common_word(c)
            and not _mixed_case(c)]


def embedding_scores(phrases: Sequence[str], centre: np.ndarray | None,
                     context: WriterContext) -> np.ndarray:
    """Cosine of each phrase's embedding with the topic's centre (KeyBERT)."""
    if centre is None or not phrases:
        return np.zeros(len(phrases))
    vecs = context.vectors([Sentence(0.0, 0.0, p) for p in phrases])
    return vecs @ centre


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
        names = _title_names(sentences, discussed, context)
        # phrases are scored against the whole segment (the segmenter's windows, free),
        # which names its subject better than its few most central sentences do
        whole = context.centre(sentences)
        scores = embedding_scores([*found, *names], centre if whole is None else whole,
                                  context)
        concepts = choose_concepts(found, scores[:len(found)])
        title = segment.chapter_title or choose_title(segment, [*found, *names], scores,
                                                      phrases)
        lead = choose_lead(sentences, central, central_vecs, centre, segment)
        sections = build_sections(sentences, ranked, phrases, title,
                                  skip={p.start for p in lead})
        if not sections and not lead:  # e.g. an intro of sponsor reads: still one time
            first = next((i for i, s in enumerate(sentences) if len(s.text.split()) >= 4), 0)
            lead = [_point(sentences, first)]
        return Topic(segment=segment, title=title, lead="", sections=tuple(sections),
                     concepts=tuple(concepts),
                     people=tuple(dict.fromkeys([*discussed, *speakers])),
                     lead_points=tuple(lead))


def choose_concepts(found: Sequence[str], scores: np.ndarray, limit: int = 6) -> list[str]:
    """Up to `limit` concepts: phrases and names by closeness to the topic, then at most
    one word alone."""
    order = [found[i] for i in np.argsort(-scores, kind="stable")]
    single = [c for c in order if " " not in c and "-" not in c and not c.isupper()
              and not c[:1].isupper()]
    return ([c for c in order if c not in single][:limit - 1] + single[:1])[:limit]


def choose_title(segment: Segment, found: Sequence[str], scores: np.ndarray,
                 ph: Phrases) -> str:
    """The phrase closest in meaning to the topic's central sentences; an opening of
    the video that is its intro is the "Introduction"."""
    if segment.start < 1.0 and segment.end <= INTRO_SECONDS and \
            any(is_promo(s.text) for s in segment.sentences):
        return "Introduction"  # a short opening with the show's intro or sponsor reads
    if len(found):
        # what the topic is about is also what is said most often in it
        said = np.log([max(1, ph.counts.counts[concept_key(p)]) for p in found])
        best = found[int(np.argmax(scores + TITLE_FREQUENCY * said))] \
            if scores.any() else found[0]
        return sentence_case(best)
    fallback = [p for p in keyphrases(ph.counts, ph.df, ph.n_docs, limit=6,
                                      exclude=ph.excluded, min_count=1)
                if len(concept_key(p).split()) > 1 and not _mixed_case(p)]
    if fallback:
        return sentence_case(fallback[0])
    return "Introduction" if segment.start < 1.0 else f"From {format_timestamp(segment.start)}"


def choose_lead(sentences: Sequence[Sentence], central: Sequence[int], vecs: np.ndarray,
                centre: np.ndarray | None, segment: Segment) -> list[KeyPoint]:
    """2–4 central, self-contained sentences (longer topics get more), in time order."""
    minutes = (segment.end - segment.start) / 60.0
    k = 2 if minutes < 5 else 3 if minutes < 12 else 4
    ok = [j for j, i in enumerate(central) if _lead_worthy(sentences[i])]
    if centre is None or not ok:
        return []
    relevance = np.zeros(len(central))
    relevance[ok] = np.clip(vecs[ok] @ centre, 1e-6, None)
    picked = sorted(central[j] for j in mmr(ok, relevance, vecs, k, diversity=0.3,
                                            max_similarity=0.8))
    return [_point(sentences, i) for i in picked]


def _lead_worthy(s: Sentence) -> bool:
    n = len(s.text.split())
    return (8 <= n <= 40 and not s.text.rstrip().endswith("?") and not refers_back(s.text)
            and not is_promo(s.text) and sentence_quality(s) >= 0.8)


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
        if ph.counts.counts.get(key, 0) < 2 or _mixed_case(phrase) or \
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


def _title_names(sentences: Sequence[Sentence], discussed: Sequence[str],
                 context: WriterContext, min_count: int = 3) -> list[str]:
    """People the topic talks about (not the video's own speakers), named by either of
    their names at least `min_count` times: a topic may be about a person."""
    text = " ".join(s.text for s in sentences)
    out = []
    for name in discussed:
        if name in context.speakers:
            continue
        parts = [re.escape(w) for w in name.split() if len(w) > 2]
        if parts and len(re.findall(r"\b(?:" + "|".join(parts) + r")\b", text)) >= min_count:
            out.append(name)
    return out


def _a_first_name(phrase: str) -> bool:
    """`Ilya`, `Eric`: a lone given name is a person we could not resolve, not a concept."""
    return " " not in phrase and phrase[:1].isupper() and is_first_name(phrase)


def _channel_names(channel: str) -> list[str]:
    """The channel as a name to keep out of concepts, word by word: only when it is a
    person's ("Lex Fridman"); "The Embodied Mind Podcast" must not ban "theory of mind"."""
    one_word = len(channel.split()) == 1  # "Veritasium": a brand, never a concept
    return [channel] if channel and (one_word or looks_like_name(channel)) else []


def _channel_phrases(channel: str) -> list[str]:
    """Runs of 2+ words of a channel's name ("Embodied Mind"): not concepts themselves."""
    out = []
    for words in (channel.split(), [w for w in channel.split() if w.lower() not in STOPWORDS]):
        out += [" ".join(words[i:j]) for i in range(len(words))
                for j in range(i + 2, len(words) + 1)]
    return out


def _bag(text: str) -> frozenset[str]:
    """The words of a phrase for comparing headings: singular, no little words."""
    return frozenset(singular(w) for w in concept_key(text).split()
                     if w not in ("and", "the", "a", "of"))


def _mixed_case(phrase: str) -> bool:
    """`Andrew huberman`, `Ana Taylor joy`: half a name, half not — not a heading."""
    caps = [w[:1].isupper() for w in phrase.split() if w[:1].isalpha()]
    return any(caps) and not all(caps)


def _real_speaker(label: str | None) -> str | None:
    """A speaker label worth naming: a person's name (never `unidentified (turn 3)`)."""
    return None if is_unidentified(label) else speaker_name(label)
