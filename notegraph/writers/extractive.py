"""The default writer: key points are the segment's own most central sentences.

- Centrality: PageRank over the sentence-similarity graph (cosine of TF-IDF vectors of
  content words — as good as embeddings for centrality within one topic, and free:
  the model is kept for segmentation and for the topic vectors the pipeline builds
  from the chosen key points), damped by a sentence-quality prior (too short, questions,
  sponsor reads score low).
- Sections: the segment is cut in time where consecutive windows of sentences are least
  alike, into 1–4 parts; each part becomes a `##` section headed by its keyphrases.
- Redundancy: within a section points are picked by maximal marginal relevance (MMR).
- Points keep the start time and speaker of their sentence and are shown in time order.
  The text is only cleaned (leading fillers, capital letter, end punctuation, an overlong
  sentence cut at a clause with `…`): no sentence and no time is invented.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic
from notegraph.slugs import format_timestamp
from notegraph.text.cleanup import is_unidentified
from notegraph.topics.concepts import (
    STOPWORDS,
    VERBS,
    PhraseCounts,
    concept_key,
    document_frequency,
    keyphrases,
    singular,
)
from notegraph.topics.people import is_first_name, looks_like_name, mentions, speaker_name
from notegraph.writers.base import BaseWriter, WriterContext

_LEADING_FILLER_RE = re.compile(
    r"^(?:(?:and|so|but|well|like|okay|ok|yeah|yes|oh|um|uh|right|now|look|i mean|you know)"
    r"\b[,.]?\s+)+",
    re.IGNORECASE,
)
_SPONSOR_RE = re.compile(r"\b(sponsors?|promo code|use code|check out our|support (?:it|this "
                         r"podcast)|go to \w+\.com|subscribe)\b", re.IGNORECASE)
_PLEASANTRY_RE = re.compile(r"\b(thank you|thanks (?:for|so much|a lot)|great to (?:see|have)"
                            r" you|nice to meet you)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")
_CONTENT_RE = re.compile(r"[a-z0-9][a-z0-9'-]*")
MAX_POINT_WORDS = 55
_DANGLING_TEXT = """
a an the and or but so because that which who to of in on for with at by from as is are was
were be it's there's i you we they he she it this like maybe just think mean know if then than
"""
_DANGLING = frozenset(_DANGLING_TEXT.split())
_MID_SENTENCE_TEXT = """
of to than which whom whose with for from by at is was were are been being into onto
about because cause whereas or nor whether than
"""
_MID_SENTENCE = frozenset(_MID_SENTENCE_TEXT.split())
# words that open a key point only when a cut came before them (measured by
# scripts/eval_key_points.py)
CONTINUING_WORDS = _MID_SENTENCE
_SELF_CONTAINED_OPENING_RE = re.compile(
    r"(?:for (?:example|instance|me|us|years|decades|a long time)|with (?:that|this)|"
    r"about (?:that|this))\b", re.IGNORECASE)


def clean_point_text(text: str) -> str:
    """Display text of a key point: the sentence, minimally tidied (never reworded)."""
    text = " ".join(text.split())
    stripped = _LEADING_FILLER_RE.sub("", text).strip()
    text = stripped if len(stripped.split()) >= 4 else text
    words = text.split()
    if len(words) > MAX_POINT_WORDS:
        # cut at the last clause break inside the limit, else at the limit
        head = " ".join(words[:MAX_POINT_WORDS])
        cut = max(head.rfind(", "), head.rfind("; "))
        text = (head[:cut] if cut > len(head) // 2 else head).rstrip(",;: ") + " …"
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".?!…\"'”":
        text += "."
    return text


def sentence_quality(sentence: Sentence) -> float:
    """A prior in (0, 1]: how good a sentence is as a stand-alone key point."""
    n = len(_WORD_RE.findall(sentence.text))
    q = 0.1 if n < 6 else 0.6 if n < 10 else 1.0 if n <= 45 else 0.7
    if sentence.text.rstrip().endswith("?"):
        q *= 0.5
    if _SPONSOR_RE.search(sentence.text):
        q *= 0.1
    if _PLEASANTRY_RE.search(sentence.text):
        q *= 0.3  # thanks and greetings say nothing about the topic
    duration = sentence.end - sentence.start
    if duration > 4 and n / duration < 1.2:
        q *= 0.2  # drawn out: singing, or words scattered over long pauses
    # the first word as the point will show it: after the fillers it drops ("Now about…")
    first = (_LEADING_FILLER_RE.sub("", sentence.text.strip()) or sentence.text).lstrip()
    first = first.split(" ", 1)[0].lower().strip(",")
    if first in _MID_SENTENCE and not sentence.text.rstrip().endswith("?") and \
            not _SELF_CONTAINED_OPENING_RE.match(_LEADING_FILLER_RE.sub("", sentence.text.strip())):
        q *= 0.4  # starts mid-sentence (the caption splitter cut before it): no key point
    # a sentence of pronouns and fillers ("Exactly no but it is… it also captures
    # something") says little alone: weigh by its share of content words
    words = _CONTENT_RE.findall(sentence.text.lower())
    content = sum(1 for w in words if w not in STOPWORDS and len(w) > 2)
    q *= min(1.0, 0.5 + 2.0 * content / max(1, len(words)))
    last = sentence.text.rstrip(" .?!…").rsplit(" ", 1)[-1].lower()
    if last in _DANGLING:  # a caption sentence cut mid-thought reads badly alone
        q *= 0.5
    return q


def lexical_vectors(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows over content words (stopwords out, singular nouns)."""
    docs = [[concept_key(w) for w in _CONTENT_RE.findall(t.lower())
             if w not in STOPWORDS and len(w) > 2] for t in texts]
    vocab: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            vocab.setdefault(w, len(vocab))
    mat = np.zeros((len(texts), max(1, len(vocab))), dtype=np.float32)
    for row, doc in enumerate(docs):
        for w, n in Counter(doc).items():
            mat[row, vocab[w]] = 1.0 + math.log(n)
    df = (mat > 0).sum(axis=0)
    mat *= np.log((1 + len(texts)) / (1 + df)) + 1.0
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.where(norms > 0, norms, 1.0)


def pagerank(vectors: np.ndarray, damping: float = 0.85, iterations: int = 50) -> np.ndarray:
    """PageRank of the graph whose edge weights are positive cosine similarities."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0)
    sim = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(sim, 0.0)
    out = sim.sum(axis=1, keepdims=True)
    # a sentence similar to nothing links to everyone (the usual dangling-node rule)
    trans = np.where(out > 0, sim / np.where(out > 0, out, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * (trans.T @ rank)
        done = np.abs(new - rank).sum() < 1e-8
        rank = new
        if done:
            break
    return rank


def split_in_time(vectors: np.ndarray, parts: int) -> list[range]:
    """Cut `len(vectors)` sentences into ≤ `parts` contiguous ranges at topic dips.

    A cut goes where the mean embedding of the sentences before it and of those after
    it (a few on each side) are least alike; parts are at least a third of an even share.
    """
    n = len(vectors)
    parts = max(1, min(parts, n // 3 or 1))
    if parts == 1:
        return [range(n)]
    min_size = max(2, n // (3 * parts))
    window = max(2, min(6, n // (2 * parts)))
    gaps = []
    for i in range(min_size, n - min_size + 1):
        left = vectors[max(0, i - window):i].mean(axis=0)
        right = vectors[i:i + window].mean(axis=0)
        denom = float(np.linalg.norm(left) * np.linalg.norm(right)) or 1.0
        gaps.append((float(left @ right) / denom, i))
    cuts: list[int] = []
    for _, i in sorted(gaps):
        if all(abs(i - c) >= min_size for c in cuts):
            cuts.append(i)
        if len(cuts) == parts - 1:
            break
    bounds = [0, *sorted(cuts), n]
    return [range(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def mmr(candidates: Sequence[int], relevance: np.ndarray, vectors: np.ndarray, k: int,
        diversity: float = 0.5, max_similarity: float = 0.9) -> list[int]:
    """Pick `k` of `candidates`: relevant, and unlike the ones already picked.

    A candidate more similar than `max_similarity` to a picked one is never taken.
    """
    picked: list[int] = []
    pool = [i for i in candidates if relevance[i] > 0]
    top = max((relevance[i] for i in pool), default=1.0) or 1.0
    while pool and len(picked) < k:
        def gain(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in picked), default=0.0)
            return (1 - diversity) * relevance[i] / top - diversity * redundancy

        best = max(pool, key=gain)
        picked.append(best)
        pool = [i for i in pool
                if i != best and float(vectors[i] @ vectors[best]) <= max_similarity]
    return picked


def sentence_case(phrase: str) -> str:
    """`dark matter` → `Dark matter`; `GPT-5` and `Jeff Beck` stay as they are."""
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


def join_phrases(phrases: Sequence[str], last: str = " and ") -> str:
    """`a`, `a and b`, `a, b and c` (`last` joins the final pair)."""
    if len(phrases) <= 1:
        return "".join(phrases)
    sep = ", " if last == " and " else last
    return sep.join(phrases[:-1]) + last + phrases[-1]


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
        # "X and Y" only for two short real phrases, or a short phrase and a name
        # ("Scary imposing music and Albert brother" reads like a list)
        if n1 <= 2 and n2 <= 2 and n1 + n2 >= 3 and (min(n1, n2) > 1 or second[:1].isupper()):
            return sentence_case(f"{first} and {second}")
    return sentence_case(first)


def _with_continuation(sentences: Sequence[Sentence], i: int, max_words: int = 45) -> str:
    """Sentence `i`, joined with the next ones while it breaks off mid-thought.

    Caption sentences are often cut at a pause ("… and there's"); the same speaker's
    next words, said right after, complete it. The point still starts at sentence `i`.
    """
    text = sentences[i].text.strip()
    j = i
    while j + 1 < len(sentences):
        last = text.rstrip(" .?!…").rsplit(" ", 1)[-1].lower()
        nxt = sentences[j + 1]
        if last not in _DANGLING or nxt.speaker != sentences[i].speaker or \
                nxt.start - sentences[j].end > 1.5 or \
                len(text.split()) + len(nxt.text.split()) > max_words:
            break
        first = nxt.text.split(" ", 1)[0]
        proper = first == "I" or first.startswith("I'") or any(
            f" {first}" in s.text for s in sentences)  # capitalized mid-sentence somewhere
        text = text.rstrip(" .") + " " + (nxt.text if proper else
                                          nxt.text[:1].lower() + nxt.text[1:])
        j += 1
    return text


# A sentence that ends on one of these was cut before its last phrase was said
# ("standing on the edge of the" | "cliff like wild…"). Narrower than _DANGLING: "so",
# "like", "know" often do end a spoken sentence.
_CUT_BEFORE_TEXT = """
a an the and or but of to in on for with at by from as than that which who whose whom is
are was were be been being my your his her our their its these those into onto about
because whether very
"""
_CUT_BEFORE = frozenset(_CUT_BEFORE_TEXT.split())
# Within one speaker's run, these too leave the sentence open ("I mean I think" |
# "that's what we do…", "we have" | "a fair amount of…"); after them another speaker's
# turn is a fresh start, so they count only when the speaker stays the same.
_OPEN_END_TEXT = """
think know mean there's it's that's then i you we they he she it if when where how what
all now just like so except given have has had got said says bring becomes connects
"""
_OPEN_END = _CUT_BEFORE | frozenset(_OPEN_END_TEXT.split())
_MODALS_TEXT = "to should would could can will must might may gonna wanna"
_MODALS = frozenset(_MODALS_TEXT.split())
# Words that open a new clause after "and" ("And then I…", "And what about…"); any other
# word there continues a list or repeats a false start ("And dozens of free market
# reforms…", "And sue each other…").
_CLAUSE_OPENERS_TEXT = """
i i'm i've i'd i'll me you you're you've you'd you'll we we're we've we'd we'll they they're
they've they'd they'll he he's he'd she she's she'd it it's that that's this these those
there there's here here's what what's when where why how who whoever if then so now also
the a an my your his her our their one all some most many no not nobody everybody
everyone someone somebody yet again because since after before once while um uh yeah well
like just actually even maybe let's let obviously of on in at for to by as but or and
anyway ultimately finally suddenly really
"""
_CLAUSE_OPENERS = frozenset(_CLAUSE_OPENERS_TEXT.split())
_TERMINAL_RE = re.compile(r"[.?!…:;\"'”)\]-]\s*$")


def _bare_word(token: str) -> str:
    return re.sub(r"[^a-z']", "", token.lower().replace("’", "'"))


def starts_mid_phrase(previous: Sentence | None, sentence: Sentence) -> bool:
    """Does `sentence` continue a phrase that `previous` left open?

    Auto-caption sentences are cut at pauses and speaker turns, often mid-phrase (a
    turn change where someone interrupts, a caption line break); such a sentence reads
    as a fragment ("Supreme Court judges is the end of democracy…") and is no key point.
    Only an unpunctuated `previous` is judged: a `.`/`?`/`!` there is the speaker's own
    sentence end. The signs: `previous` ends on a word that needs more ("of the"; for
    the same speaker also "I think", "we have"), on
    a modal and a verb that needs its object ("should choose"), or on a first name
    whose surname opens `sentence` ("Anthony" | "Jackson"); or `sentence` opens on a
    phrase-continuing word ("of", "which") or on "and" + a word that starts no clause.
    """
    if previous is None or _TERMINAL_RE.search(previous.text):
        return False
    prev_words = previous.text.split()
    words = sentence.text.split()
    if not prev_words or not words:
        return False
    last = _bare_word(prev_words[-1])
    first = _bare_word(words[0])
    same_speaker = previous.speaker == sentence.speaker
    if last in (_OPEN_END if same_speaker else _CUT_BEFORE) or first in CONTINUING_WORDS:
        return True
    if len(prev_words) >= 2 and _bare_word(prev_words[-2]) in _MODALS and last in VERBS:
        return True
    if prev_words[-1][:1].isupper() and words[0][:1].isupper() and \
            looks_like_name(f"{prev_words[-1]} {words[0].rstrip('.,')}"):
        return True
    if first in ("and", "or") and len(words) > 1:
        second = _bare_word(words[1])
        return bool(second) and second not in _CLAUSE_OPENERS
    return False


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


class ExtractiveWriter(BaseWriter):
    """Grounded notes without a language model (see the module doc)."""

    name = "extractive"

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        """Title, lead, sections of extracted key points, concepts and people."""
        sentences = list(segment.sentences)
        if not sentences:
            empty_title = segment.chapter_title or f"From {format_timestamp(segment.start)}"
            return Topic(segment=segment, title=empty_title, lead="", sections=())
        # a sentence that starts mid-phrase (an interruption, a caption cut) is a
        # fragment: never a key point (its start time would not be the phrase's start)
        cand = [i for i, s in enumerate(sentences) if sentence_quality(s) >= 0.5
                and not starts_mid_phrase(sentences[i - 1] if i else None, s)]
        if len(cand) < 3:
            cand = list(range(len(sentences)))
        vectors = lexical_vectors([sentences[i].text for i in cand])
        quality = np.array([sentence_quality(sentences[i]) for i in cand])
        relevance = pagerank(vectors) * len(cand) * quality

        minutes = max(0.5, (segment.end - segment.start) / 60.0)
        n_parts = 1 if len(cand) < 8 else max(2, min(4, round(minutes / 5)))
        total_points = max(3, min(12, round(minutes * 0.8)))
        ranges = split_in_time(vectors, n_parts)
        per_part = max(2, min(4, math.ceil(total_points / len(ranges))))

        people = list(context.people)
        excluded = [*people, *context.vault_people, *_channel_names(context.channel)]
        # phrase counts per part cover all its sentences, not only the candidates
        bounds = [0] + [cand[r.start] for r in ranges[1:]] + [len(sentences)]
        part_counts = [PhraseCounts.of(s.text for s in sentences[a:b])
                       for a, b in itertools.pairwise(bounds)]
        part_df = document_frequency(part_counts)
        seg_counts = PhraseCounts.of(s.text for s in sentences)
        siblings = context.segment_phrases or (seg_counts,)
        # a lone given name ("Eliza") is skipped before phrases compete, so that it does
        # not hide the phrase it is part of ("ELIZA effect")
        first_names = [s for k in seg_counts.counts if " " not in k
                       and _a_first_name(s := seg_counts.surface(k))]
        found = [c for c in keyphrases(seg_counts, document_frequency(siblings),
                                       len(siblings), limit=9, exclude=excluded,
                                       skip=[*first_names, *_channel_phrases(context.channel)])
                 if not _a_first_name(c)]
        # phrases and names first; at most one common word alone ("practice"), last
        single = [c for c in found if " " not in c and "-" not in c and not c.isupper()
                  and not c[:1].isupper()]
        concepts = ([c for c in found if c not in single][:5] + single[:1])[:6]

        title = segment.chapter_title or self._title(
            concepts, seg_counts, document_frequency(siblings), len(siblings), excluded,
            segment.start)
        # a heading per part, or the part joins its neighbour: fewer sections rather
        # than a vague or repeated heading
        used: list[str] = []
        named: list[tuple[range, str]] = []  # (candidate range, heading phrase)
        for r, counts in zip(ranges, part_counts, strict=True):
            phrase = self._heading_phrase(counts, part_df, len(ranges), excluded, used,
                                          seg_counts, title)
            if phrase:
                used.append(phrase)
                named.append((r, phrase))
            elif named:
                named[-1] = (range(named[-1][0].start, r.stop), named[-1][1])
            else:
                named.append((r, ""))
        if len(named) > 1 and not named[0][1]:  # an unnamed first part joins the second
            named = [(range(named[0][0].start, named[1][0].stop), named[1][1]), *named[2:]]

        sections = []
        final: list[str] = []
        for r, phrase in named:
            joined = max(1, round(len(r) * len(ranges) / max(1, len(cand))))
            picked = sorted(cand[j] for j in mmr(list(r), relevance, vectors,
                                                 min(5, per_part + joined - 1)))
            if not picked:
                continue
            points = tuple(
                KeyPoint(clean_point_text(_with_continuation(sentences, i)), sentences[i].start,
                         _real_speaker(sentences[i].speaker))
                for i in picked
            )
            if phrase:
                # the heading says what its points say when one of its phrases is in them
                a = cand[r.start]
                b = cand[r.stop] if r.stop < len(cand) else len(sentences)
                phrase = self._heading_phrase(
                    PhraseCounts.of(s.text for s in sentences[a:b]), part_df, len(ranges),
                    excluded, final, seg_counts, title,
                    within=PhraseCounts.of(p.text for p in points)) or (
                    phrase if self._distinct(phrase, final, title) else self._heading_phrase(
                        PhraseCounts.of(s.text for s in sentences[a:b]), part_df,
                        len(ranges), excluded, final, seg_counts, title))
                final.append(phrase)
            sections.append(Section(heading=sentence_case(phrase) if phrase else "Key points",
                                    points=points))

        text = " ".join(s.text for s in sentences)
        discussed = mentions(text, people, context.vault_people)
        # who talks most first: usually the guest
        talk = Counter(name for s in sentences if (name := _real_speaker(s.speaker)))
        speakers = [name for name, _ in talk.most_common()]
        lead = self._lead(context, speakers or list(context.speakers[:2]), concepts, discussed,
                          minutes, [phrase for _, phrase in named if phrase])
        return Topic(
            segment=segment,
            title=title,
            lead=lead,
            sections=tuple(sections),
            concepts=tuple(concepts),
            people=tuple(dict.fromkeys([*discussed, *speakers])),
        )

    @staticmethod
    def _title(concepts: list[str], counts: PhraseCounts, df: Counter[str], n_docs: int,
               excluded: list[str], start: float) -> str:
        """A title from the segment's phrases: its concepts of 2+ words, else a name
        among them, else its most specific phrase said at least once, else a one-word
        concept. The opening of a video with none is its introduction."""
        phrases = [c for c in concepts if len(concept_key(c).split()) > 1] or \
            [c for c in concepts if c[:1].isupper()][:1]  # a name ("Tesla")
        if not phrases:
            phrases = [p for p in keyphrases(counts, df, n_docs, limit=6, exclude=excluded,
                                             min_count=1)
                       if len(concept_key(p).split()) > 1 and not _mixed_case(p)][:1]
        if phrases:
            # the remaining concepts may join the first ("Dark matter and the solar system")
            rest = [c for c in concepts if concept_key(c) != concept_key(phrases[0])]
            return title_from_phrases([phrases[0], *rest])
        if concepts:
            return title_from_phrases(concepts)
        return "Introduction" if start < 1.0 else f"From {format_timestamp(start)}"

    @staticmethod
    def _distinct(phrase: str, used: Sequence[str], title: str) -> bool:
        """Not the title, and neither inside nor around a heading in `used`."""
        words = _bag(phrase)
        return words != _bag(title) and not any(
            words <= (u := _bag(x)) or u <= words for x in used if x)

    @staticmethod
    def _heading_phrase(counts: PhraseCounts, df: Counter[str], n_docs: int,
                        excluded: list[str], used: Sequence[str], topic: PhraseCounts,
                        title: str, within: PhraseCounts | None = None) -> str:
        """The part's most specific phrase that the title and earlier headings do not say.

        Only a phrase of 2+ words qualifies (one word — "Dark", "Politics" — says too
        little, and captions capitalize common words at random). It is not the title
        (a part of an "X and Y" title is fine), and no earlier heading contains it or is
        contained in it, so headings read as distinct. `within`: only phrases found there
        (the section's key points).
        """
        for min_count in (2, 1):
            for phrase in keyphrases(counts, df, n_docs, limit=12, exclude=excluded,
                                     min_count=min_count):
                key = concept_key(phrase)
                if len(key.split()) < 2 or _mixed_case(phrase) or \
                        not ExtractiveWriter._distinct(phrase, used, title) or \
                        (within is not None and key not in within.counts):
                    continue
                # a phrase said once in the part must recur in the topic
                if min_count == 2 or topic.counts.get(key, 0) >= 2:
                    return phrase
        return ""

    @staticmethod
    def _lead(context: WriterContext, speakers: list[str], concepts: list[str],
              discussed: list[str], minutes: float, headings: Sequence[str] = ()) -> str:
        """Who talks about what, for how long, and who else is named (all extractive)."""
        about = join_phrases(concepts[:4] or [h for h in headings[:3]])
        who = join_phrases(speakers[:3])
        span = f" for about {round(minutes)} minutes" if minutes >= 2 else ""
        if who:
            verb = "talks" if len(speakers) == 1 else "talk"
            lead = f"{who} {verb}{f' about {about}' if about else ''}{span}."
        elif context.title:
            lead = (f"This part of “{context.title}” is about {about}." if about
                    else f"A part of “{context.title}”{span}.")
        else:
            lead = f"This part is about {about}." if about else ""
        others = [p for p in discussed if p not in speakers]
        if others:
            lead += f" Mentioned: {join_phrases(others[:5])}."
        return lead


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
