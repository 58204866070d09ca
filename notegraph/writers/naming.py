"""What names a topic: its keyphrases, its title and its concepts (extractive writer).

- Keyphrases: phrases said at least twice in the topic, ranked against the video's other
  topics (c-TF-IDF, `notegraph.topics.concepts.keyphrases`); people and the channel are
  kept out, and so are a lone given name, a common English word alone (`wordfreq`) and
  a phrase whose casing is mixed.
- Scores: KeyBERT-style, the embedding similarity of each phrase to the whole topic.
- Concepts: the best of the first 12 keyphrases, at most one single word.
- Title: from the first 30 keyphrases and the people the topic is about, the closest in
  meaning plus `TITLE_FREQUENCY` x log(times said) (what the topic keeps coming back to)
  plus `TITLE_PROPER` for a proper name: the runners-up are kept as the topic's
  `title_options`, so that a second topic of the video on the same subject is told apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notegraph.models import INTRODUCTION, Segment, Sentence
from notegraph.slugs import format_timestamp
from notegraph.text.spoken import is_promo
from notegraph.topics.concepts import (
    PhraseCounts,
    concept_key,
    document_frequency,
    keyphrases,
)
from notegraph.topics.people import is_country, is_first_name, looks_like_name
from notegraph.topics.words import STOPWORDS
from notegraph.writers.base import WriterContext

COMMON_ZIPF = 4.5  # a word this frequent in English (Zipf scale) names no concept alone
INTRO_SECONDS = 300.0
# weight of log(times said) beside embedding closeness when choosing a title: 0.1-0.25 is a
# plateau of `notegraph eval notes` on all 23 chaptered episodes
TITLE_FREQUENCY = 0.2
# bonus of a proper name (a person, place, product or acronym: "Israel", "Optimus") over a
# common noun: creators name chapters after who and what; 0.15 was chosen by every
# training fold of a 4-fold cross-validation by episode (held-out agreement 0.449-0.454)
TITLE_PROPER = 0.15
TITLE_OPTIONS = 4  # runners-up kept to tell two topics on one subject apart
TITLE_POOL = 30  # keyphrases a title is chosen from (concepts: the best 12)


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
class Phrases:
    """Phrase counts of the segment, of its video's segments, and what is no concept."""

    counts: PhraseCounts
    df: Counter[str]
    n_docs: int
    excluded: list[str]
    skipped: list[str]


def topic_phrases(sentences: Sequence[Sentence], context: WriterContext) -> Phrases:
    """The segment's phrase counts against its siblings, with names kept out."""
    counts = PhraseCounts.of(s.text for s in sentences)
    siblings = context.segment_phrases or (counts,)
    excluded = [*context.people, *context.vault_people, *_channel_names(context.channel)]
    # a lone given name ("Eliza") is skipped before phrases compete, so that it does not
    # hide the phrase it is part of ("ELIZA effect")
    first_names = [s for k in counts.counts if " " not in k
                   and a_first_name(s := counts.surface(k))]
    return Phrases(counts, document_frequency(siblings), len(siblings), excluded,
                   [*first_names, *_channel_phrases(context.channel)])


def candidate_phrases(ph: Phrases, limit: int = 12) -> list[str]:
    """Keyphrases that may name the topic: said twice, no lone first name, no common
    word alone, no half-name."""
    found = keyphrases(ph.counts, ph.df, ph.n_docs, limit=limit, exclude=ph.excluded,
                       skip=ph.skipped)
    return [c for c in found if not a_first_name(c) and not is_common_word(c)
            and not mixed_case(c)]


def embedding_scores(phrases: Sequence[str], centre: np.ndarray | None,
                     context: WriterContext) -> np.ndarray:
    """Cosine of each phrase's embedding with the topic's centre (KeyBERT)."""
    if centre is None or not phrases:
        return np.zeros(len(phrases))
    vecs = context.vectors([Sentence(0.0, 0.0, p) for p in phrases])
    return vecs @ centre


def choose_concepts(found: Sequence[str], scores: np.ndarray, limit: int = 6) -> list[str]:
    """Up to `limit` concepts: phrases and names by closeness to the topic, then at most
    one word alone."""
    order = [found[i] for i in np.argsort(-scores, kind="stable")]
    single = [c for c in order if " " not in c and "-" not in c and not c.isupper()
              and not c[:1].isupper()]
    return ([c for c in order if c not in single][:limit - 1] + single[:1])[:limit]


def title_options(segment: Segment, found: Sequence[str], scores: np.ndarray,
                  said: Sequence[int], ph: Phrases) -> list[str]:
    """Titles for the topic, best first (the first sentence-cased): the phrase closest in
    meaning to the whole topic, said often, a proper name preferred; an opening of the
    video that is its intro is the "Introduction"."""
    if segment.start < 1.0 and segment.end <= INTRO_SECONDS and \
            any(is_promo(s.text) for s in segment.sentences):
        return [INTRODUCTION]  # a short opening with the show's intro or sponsor reads
    if len(found):
        if not scores.any():
            return [sentence_case(found[0]), *found[1:TITLE_OPTIONS + 1]]
        # what the topic is about is also what is said most often in it
        often = np.log(np.maximum(1, np.asarray(said, dtype=float)))
        proper = np.array([p[:1].isupper() for p in found], dtype=float)
        order = np.argsort(-(scores + TITLE_FREQUENCY * often + TITLE_PROPER * proper),
                           kind="stable")
        best = [found[i] for i in order[:TITLE_OPTIONS + 1]]
        return [sentence_case(best[0]), *best[1:]]
    fallback = [p for p in keyphrases(ph.counts, ph.df, ph.n_docs, limit=6,
                                      exclude=ph.excluded, min_count=1)
                if len(concept_key(p).split()) > 1 and not mixed_case(p)]
    if fallback:
        return [sentence_case(fallback[0])]
    return [INTRODUCTION if segment.start < 1.0 else f"From {format_timestamp(segment.start)}"]


def title_names(sentences: Sequence[Sentence], discussed: Sequence[str],
                 context: WriterContext, min_count: int = 2) -> dict[str, int]:
    """People the topic talks about (not the video's own speakers), named by either of
    their names at least `min_count` times, with that count: a topic may be about a
    person."""
    text = " ".join(s.text for s in sentences)
    out = {}
    for name in discussed:
        if name in context.speakers:
            continue
        parts = [re.escape(w) for w in name.split() if len(w) > 2]
        said = len(re.findall(r"\b(?:" + "|".join(parts) + r")\b", text)) if parts else 0
        if said >= min_count:
            out[name] = said
    return out


def a_first_name(phrase: str) -> bool:
    """`Ilya`, `Eric`: a lone given name is a person we could not resolve, not a concept.
    An acronym (`AI`, `NATO`) or a country (`Israel`) is none, whatever the name list says."""
    return " " not in phrase and phrase[:1].isupper() and not phrase.isupper() and \
        not is_country(phrase) and is_first_name(phrase)


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


def mixed_case(phrase: str) -> bool:
    """`Andrew huberman`, `Ana Taylor joy`: half a name, half not — not a heading."""
    caps = [w[:1].isupper() for w in phrase.split() if w[:1].isalpha()]
    return any(caps) and not all(caps)
