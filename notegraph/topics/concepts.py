"""Concepts: keyphrases of a topic, and one canonical name per concept across the vault.

Keyphrases are runs of content words (no stopwords, no fillers) scored by how often a
segment uses them against how many segments of the same video do (tf·idf), preferring
multi-word phrases. Canonical keys fold case, accents, hyphens and a plural last word,
so `Dark matter`, `dark-matter` and `dark matters` are one concept.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from notegraph.slugs import ascii_fold
from notegraph.topics.words import PROFANITY, STOPWORDS, VAGUE_ALONE, VERBS

# Suffixes of adjectives, adverbs and verb forms: such a word alone is rarely a concept.
_NOT_NOUN_ENDINGS = ("ous", "ful", "ive", "able", "ible", "ary", "ed", "ing", "ish", "less",
                     "est", "er", "ic", "al", "ly", "ize", "ise", "ify", "ent", "ant")
# ...but these endings make nouns despite the above.
_NOUN_ENDINGS = ("ism", "ity", "tion", "sion", "ment", "ness", "ence", "ance", "ogy", "ics",
                 "ship", "ist", "ure", "ium", "dom", "ness", "ine", "ory", "ger", "ter", "ver")


def good_single_word(word: str, surface: str = "") -> bool:
    """Whether one word alone can name a concept: a proper noun or acronym, or a
    noun-looking word of 5+ letters that is not vague."""
    if surface[:1].isupper() and not surface.isupper() and len(surface) >= 3:
        return word not in VAGUE_ALONE
    if surface.isupper() and len(surface) >= 2:
        return True
    if len(word) < 5 or word in VAGUE_ALONE or word.endswith("ing"):
        return False
    return word.endswith(_NOUN_ENDINGS) or not word.endswith(_NOT_NOUN_ENDINGS)


# endings of words that are adjectives or participles far more often than nouns
_ADJECTIVE_ENDINGS = ("ous", "ful", "able", "ible", "ed", "ish", "less", "ical")


def _noun_head(word: str, surface: str) -> bool:
    """Whether the last word of a phrase can be its noun (`learning` can, `sized` not)."""
    last = surface.split()[-1] if surface.split() else word
    if any(ch.isupper() or ch.isdigit() for ch in last):
        return True
    if word in VERBS or (word.endswith("ing") and (
            word[:-3] in VERBS or word[:-3] + "e" in VERBS)):
        return False  # "brain starts", "lives rearranging"
    return word.endswith(("ing", *_NOUN_ENDINGS)) or not word.endswith(_ADJECTIVE_ENDINGS)


# exclamations that name God but are not about God ("oh my God", "thank God"): no
# candidate is made of them (one topic had "God" as a concept from four "oh my God"s)
_INTERJECTION = (r"\b(?:(?:oh )?my god|oh god|thank god|god knows|god forbid|god bless|"
                 r"for god'?s sake|god ?damn(?:ed|it)?|swear to god|honest to god)\b")
_CHUNK_SPLIT_RE = re.compile(r"[.,;:!?()\[\]\"“”…—–/]+|\s-\s|" + _INTERJECTION,
                             re.IGNORECASE)
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_PLURAL_KEEP = ("ss", "us", "is", "ics", "as", "os", "news", "series", "species")


def singular(word: str) -> str:
    """A conservative singular: `theories` → `theory`, `holes` → `hole`, `physics` kept."""
    w = word
    if len(w) <= 3 or w.endswith(_PLURAL_KEEP):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def concept_key(phrase: str) -> str:
    """The canonical key of a concept: folded case/accents/hyphens, singular last word."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", ascii_fold(phrase).lower().replace("’", "'"))
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words)


def _is_content(token: str) -> bool:
    low = token.lower().replace("’", "'")
    if low in STOPWORDS or low in VERBS or low in PROFANITY or (
            len(low) < 3 and not token.isupper()):
        return False
    if low.isdigit() or not any(ch.isalpha() for ch in low) or \
            re.fullmatch(r"\d+(?:-[a-z]+)+", low):
        return False  # "12", "12-year-old": amounts and ages, not concepts ("20th" is)
    # contractions and -ly adverbs are never concepts
    return "'" not in low and not (low.endswith("ly") and len(low) > 4)


def phrase_candidates(text: str, max_words: int = 3) -> list[str]:
    """Every 1–`max_words`-word run of content words in `text`, as written."""
    return [surface for surface, _ in _candidates(text, max_words)]


def _capitalized(token: str) -> bool:
    return token[:1].isupper() and token.lower() not in ("i", "i'm", "i've", "i'll", "i'd")


def _candidates(text: str, max_words: int = 3) -> list[tuple[str, bool]]:
    """(surface, starts the sentence) for every candidate run of `text`.

    A name is never split: a capitalized word between capitalized words stays in the
    run even when it is a common word ("Milky Way", "New York"), and no candidate
    takes part of a run of capitalized words without the rest ("Milky" alone).
    """
    out = []
    sentence_start = True
    pos = 0
    for m in [*_CHUNK_SPLIT_RE.finditer(text), None]:
        chunk = text[pos:m.start()] if m else text[pos:]
        tokens = [t.strip("-'’") for t in _TOKEN_RE.findall(chunk)]
        content = [bool(t) and _is_content(t) for t in tokens]
        for k, t in enumerate(tokens):
            if not content[k] and t and _capitalized(t) and not (sentence_start and k == 0):
                # a common word inside a name: capitalized next to a capitalized content word
                content[k] = any(0 <= j < len(tokens) and content[j] and _capitalized(tokens[j])
                                 for j in (k - 1, k + 1))
        run: list[str] = []
        run_initial = False
        for k, token in enumerate([*tokens, ""]):
            if token and content[k]:
                if not run:
                    run_initial = sentence_start and k == 0
                run.append(token)
                continue
            # maximal stretches of ≥ 2 capitalized words: names, kept whole
            caps = [i for i, w in enumerate(run) if _capitalized(w) or w.isupper()]
            stretches = []
            for i in caps:
                if stretches and stretches[-1][1] == i:
                    stretches[-1][1] = i + 1
                else:
                    stretches.append([i, i + 1])
            names = [(a, b) for a, b in stretches if b - a >= 2]
            for n in range(1, max_words + 1):
                for i in range(len(run) - n + 1):
                    if any(i < b and i + n > a and not (i <= a and i + n >= b)
                           for a, b in names):
                        continue  # cuts a name
                    out.append((" ".join(run[i:i + n]), run_initial and i == 0))
            run = []
        if m:
            sentence_start = bool(re.search(r"[.?!…]", m.group(0)))
            pos = m.end()
    return out


@dataclass(frozen=True)
class PhraseCounts:
    """Keyphrase counts of one text: key → count, and key → surface forms seen.

    `surfaces` holds the forms seen inside sentences; `initial` those seen at a
    sentence start, whose capital letter says nothing about being a proper noun.
    """

    counts: Counter[str]
    surfaces: dict[str, Counter[str]]
    initial: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> PhraseCounts:
        """Count the candidates of `texts` under their canonical keys."""
        counts: Counter[str] = Counter()
        surfaces: dict[str, Counter[str]] = {}
        initial: dict[str, Counter[str]] = {}
        for text in texts:
            for surface, at_start in _candidates(text):
                key = concept_key(surface)
                if key:
                    counts[key] += 1
                    (initial if at_start else surfaces).setdefault(key, Counter())[surface] += 1
        return cls(counts, surfaces, initial)

    def surface(self, key: str) -> str:
        """The most common way this text writes `key` inside sentences (ties: shortest).

        A lower-case form wins over capitalized ones (a word ever written in lower case
        is not a proper noun); a phrase seen only at sentence starts is taken to be an
        ordinary word unless it is an acronym or has more capitals (`Bullet Cluster`).
        """
        forms = self.surfaces.get(key)
        if not forms:
            starts = self.initial.get(key)
            if not starts:
                return key
            best = sorted(starts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
            first = best.split()[0]
            if first.isupper() or any(w[:1].isupper() for w in best.split()[1:]) or \
                    any(ch.isupper() for ch in first[1:]):
                return best
            return best[:1].lower() + best[1:]
        best = sorted(forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        lower = best[:1].lower() + best[1:]
        return lower if lower != best and forms.get(lower) else common_case(best)


def common_case(phrase: str) -> str:
    """`meditation Retreat` → `meditation retreat`: a phrase that starts with a common
    word is not a name, so a plain capital later in it is the captions' own. (A capital
    first word mid-sentence, `Israel controls`, is a name: `notegraph.text.casing` has
    already lowered the unjustified ones.)"""
    words = phrase.split()
    if len(words) > 1 and words[0][:1].islower():
        # `meditation Retreat`: a name does not start with a common word; a plain capital
        # after one is the captions' (acronyms and `OpenAI` keep theirs)
        return " ".join(w if i == 0 or w.isupper() or any(ch.isupper() for ch in w[1:])
                        else w[:1].lower() + w[1:] for i, w in enumerate(words))
    return phrase


def document_frequency(docs: Sequence[PhraseCounts]) -> Counter[str]:
    """In how many of `docs` each key occurs."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.counts.keys())
    return df


def keyphrases(doc: PhraseCounts, df: Counter[str], n_docs: int, limit: int = 6,
               exclude: Iterable[str] = (), skip: Iterable[str] = (), min_count: int = 2
               ) -> list[str]:
    """The `limit` best keyphrases of `doc` (surface forms), best first.

    `df`/`n_docs` describe the sibling segments: a phrase every segment uses says
    nothing about this one. `exclude`: names whose words never appear in a keyphrase
    (people, the channel); `skip`: phrases not to return themselves (e.g. the title's).
    """
    skipped = {concept_key(x) for x in skip}
    banned = {concept_key(x) for x in exclude}
    banned_words = {w for key in banned for w in key.split()}
    # the longer the text, the more often a common word alone must recur (≈ once per
    # 400 content words more): "museum" said 4 times in an hour is not a concept
    content_words = sum(n for k, n in doc.counts.items() if " " not in k)
    common_extra = 1 + content_words // 400
    scored = []
    for key, tf in doc.counts.items():
        words = key.split()
        if key in banned or key in skipped or any(w in banned_words for w in words) or \
                len(set(words)) < len(words):
            continue
        if tf < min_count:
            continue
        weight = 1.0 + 0.7 * (len(words) - 1)
        if len(words) > 1 and not _noun_head(words[-1], doc.surface(key)):
            continue  # "self-critical", "historic pivotal": no noun, no concept
        if len(words) == 1:
            surface = doc.surface(key)
            if not good_single_word(key, surface):
                continue
            # a common word alone must recur more than a name or a phrase to be a concept,
            # and in this segment more than in most of its siblings. (A capital here is a
            # name's: `notegraph.text.casing` lowered the captions' random ones, and capitals
            # at sentence starts do not count.)
            name = surface[:1].isupper()
            if tf < min_count + (1 if name else 1 + common_extra) or (
                    not name and df.get(key, 0) * 2 > n_docs):
                continue
            weight = 1.0 if name else 0.5
        idf = math.log((1 + n_docs) / (1 + df.get(key, 0))) + 1.0
        scored.append((tf * idf * weight, key))
    scored.sort(key=lambda x: (-x[0], x[1]))
    chosen: list[str] = []
    for _, key in scored:
        words = set(key.split())
        # a phrase that overlaps one already chosen adds little: skip it
        if any(words & set(c.split()) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) >= limit:
            break
    return [doc.surface(k) for k in chosen]


@dataclass(frozen=True)
class ConceptIndex:
    """One display name (and its aliases) per canonical concept key, across the vault."""

    names: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    merged: dict[str, str] = field(default_factory=dict)  # folded key → the key kept

    def key(self, phrase: str) -> str:
        """The key `phrase` is indexed under (`concept_key`, after folding)."""
        key = concept_key(phrase)
        return self.merged.get(key, key)

    def name(self, phrase: str) -> str:
        """The vault's name for `phrase` (itself when unknown)."""
        return self.names.get(self.key(phrase), phrase)


def build_concept_index(mentions: Iterable[str], preferred: Iterable[str] = ()) -> ConceptIndex:
    """Canonicalize concept surfaces from every topic of the vault.

    `preferred` names (e.g. titles of concept notes already in the vault) win for their
    key, so a concept keeps its name as videos are added. Otherwise the most common
    surface wins, lower-case before capitalized (captions capitalize sentence starts).
    """
    forms: dict[str, Counter[str]] = {}
    for surface in mentions:
        key = concept_key(surface)
        if key:
            forms.setdefault(key, Counter())[surface] += 1
    # `singular` keeps "videos", "ideas", "Jugos" (as it keeps "cosmos", "canvas"): where
    # the form without the "s" is a concept too, the two are one
    merged = {}
    for key in sorted(forms):
        last = key.split()[-1]
        if key.endswith("s") and key[:-1] in forms and singular(last) == last:
            forms[key[:-1]].update(forms.pop(key))
            merged[key] = key[:-1]
    fixed = {concept_key(p): p for p in preferred if concept_key(p)}
    names: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    for key, counter in forms.items():
        best = fixed.get(key) or common_case(sorted(
            counter.items(), key=lambda kv: (-kv[1], not kv[0].islower(), len(kv[0]), kv[0])
        )[0][0])
        names[key] = best
        aliases[key] = tuple(sorted({f for f in counter if f != best}))
    return ConceptIndex(names, aliases, merged)
