"""Check that every generated sentence is supported by the transcript moment it cites.

A language model writes prose and cites timestamps; both can be invented. For each
generated sentence (a `Claim`) this module decides, against the sentences of its topic:

1. Which cited times are real: a citation counts only when it is the start (to the
   second, as notes print it) of a sentence *inside the topic*.
2. Whether a cited moment supports the claim: the cosine similarity between the claim and
   the *span* starting at that sentence (the sentence alone, or it and the sentences that
   follow within `SPAN_SECONDS`) is at least `support`; and every quoted phrase of the
   claim ("…") appears word for word in that span.
   Names and numbers the claim states (capitalised words inside the sentence, digits)
   must occur in the topic's own words (or its speakers, title, channel): embeddings
   blur "1500 BC" into "a long time ago", this check does not.
3. If no cited moment does, the claim is re-cited to the best-supporting span of the
   topic when that span *clearly* supports it (similarity ≥ `recite`, a stricter bar,
   and the quotes appear there); otherwise it is dropped.

The result keeps, for each surviving claim, the start of a real sentence of the topic,
so a note built from it never shows a timestamp that was not said there.
The thresholds are calibrated on real episodes: see `scripts/calibrate_grounding.py`
and the README ("LLM writer").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from notegraph.models import GroundingReport, Sentence
from notegraph.slugs import WIKILINK_RE, parse_timestamp, parse_wikilink

# A claim usually condenses a few consecutive sentences; the span it may cite starts at
# the cited sentence and reaches this far (seconds) or MAX_SPAN_SENTENCES sentences.
SPAN_SECONDS = 20.0
MAX_SPAN_SENTENCES = 4

# Calibrated with scripts/calibrate_grounding.py on the 6 episodes of
# shared/data/chaptered (all-MiniLM-L6-v2); see the README for the numbers.
DEFAULT_SUPPORT = 0.45
DEFAULT_RECITE = 0.55
DEFAULT_MARGIN = 0.05

_FLOAT_NOISE = 1e-6  # seconds: what arithmetic on a stored time may add or lose
_QUOTE_RE = re.compile(r"[\"“”]([^\"“”]{2,200})[\"“”]")
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+(?:[.,]\d+)*")
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen")
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS.split())}
_NUMBER_WORDS.update({w: 10 * (i + 2) for i, w in enumerate(_TENS.split())})
_NUMBER_WORDS.update({"hundred": 100, "thousand": 1000, "million": 1_000_000,
                      "billion": 1_000_000_000, "half": 50, "once": 1, "twice": 2})
# Capitalised words that are not names: a claim may use them freely.
_COMMON_CAPS_TEXT = """
i i'm i've i'd i'll a an the this that these those he she it they we you his her its their our
my your in on at of for to from by with as and or but so if when while after before during
however although though also then there here what who why how which one some many most all
both each every no not yes mr mrs ms dr prof st
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
"""
_COMMON_CAPS = frozenset(_COMMON_CAPS_TEXT.split())


@dataclass(frozen=True)
class Thresholds:
    """Cosine similarities a span must reach to support a claim (`support`) or to take
    it over by re-citation (`recite`, stricter: a moment the model did not name must
    clearly be the source)."""

    support: float = DEFAULT_SUPPORT
    recite: float = DEFAULT_RECITE
    # ...and beat every span that does not overlap it by this much: one moment, not a
    # vaguely on-topic stretch, must be the source.
    margin: float = DEFAULT_MARGIN


@dataclass(frozen=True)
class Claim:
    """One generated sentence and the timestamps it cites, as the model wrote them."""

    text: str
    cited: tuple[str, ...]


@dataclass(frozen=True)
class GroundedClaim:
    """A claim that survived: `start` is the start of a real sentence of the topic."""

    text: str
    start: float
    status: str  # "kept" (its own citation holds) or "recited" (moved to a better moment)
    score: float


def plain_text(text: str) -> str:
    """The words of a claim as a reader sees them: wikilinks replaced by their label."""
    return WIKILINK_RE.sub(lambda m: parse_wikilink(m.group(2)).text, text).strip()


def quoted_phrases(text: str) -> list[str]:
    """Phrases the claim puts in double quotes (straight or curly)."""
    return [q.strip() for q in _QUOTE_RE.findall(text) if _WORD_RE.search(q.lower())]


def _key(word: str) -> str:
    """Comparable form of a word: lower case, no possessive, no plural s."""
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w.rstrip("'")
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def vocabulary(texts: Sequence[str]) -> set[str]:
    """Every word of `texts` (see `_key`), plus the digits of spelled-out numbers
    ("twenty five" → "25", "two" → "2"), so a claim may write numbers either way."""
    vocab: set[str] = set()
    for text in texts:
        tokens = [_key(t) for t in _TOKEN_RE.findall(text)]
        vocab.update(tokens)
        vocab.update(t.replace(",", "") for t in tokens if t[:1].isdigit())
        for a, b in itertools.pairwise([*tokens, ""]):
            if a in _NUMBER_WORDS:
                vocab.add(str(_NUMBER_WORDS[a]))
                if b in _NUMBER_WORDS and _NUMBER_WORDS[a] >= 20 and _NUMBER_WORDS[b] < 10:
                    vocab.add(str(_NUMBER_WORDS[a] + _NUMBER_WORDS[b]))
                if b in ("hundred", "thousand"):
                    vocab.add(str(_NUMBER_WORDS[a] * _NUMBER_WORDS[b]))
    return vocab


def specifics(text: str) -> list[str]:
    """The names and numbers a claim states: digits, and capitalised words that do not
    open a sentence (and are not common words)."""
    out = []
    tokens = list(re.finditer(_TOKEN_RE, text))
    for n, m in enumerate(tokens):
        tok = m.group(0)
        if tok[0].isdigit():
            out.append(tok.replace(",", "").rstrip("."))
            continue
        before = text[:m.start()].rstrip()
        opens = n == 0 or before.endswith((".", "!", "?", ":", "\"", "“", "(", "—"))
        if tok[0].isupper() and not opens and tok.lower() not in _COMMON_CAPS:
            out.append(_key(tok))
    return out


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower().replace("’", "'"))


def contains_words(haystack: list[str], needle: list[str]) -> bool:
    """True when the words `needle` occur in `haystack`, in order and side by side."""
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def span_ends(sentences: Sequence[Sentence]) -> list[int]:
    """For each sentence i, the exclusive end index of the span that starts at it."""
    ends = []
    for i, s in enumerate(sentences):
        j = i + 1
        while (j < len(sentences) and j - i < MAX_SPAN_SENTENCES
               and sentences[j].start - s.start <= SPAN_SECONDS):
            j += 1
        ends.append(j)
    return ends


class GroundingChecker:
    """Grounds claims against the sentences of one topic (built once per topic).

    `embedder` is any `notegraph.embed.embedder.Embedder` (L2-normalised rows). The sentences must
    be the topic's own, in time order: only their starts can ever be cited.
    """

    def __init__(self, sentences: Sequence[Sentence], embedder: object,
                 thresholds: Thresholds | None = None, context: Sequence[str] = ()) -> None:
        self.sentences = list(sentences)
        # Words a claim may name: the topic's, its speakers', and `context` (video title,
        # channel, people the pipeline already knows for this video).
        self.vocabulary = vocabulary([*(s.text for s in self.sentences),
                                      *(s.speaker or "" for s in self.sentences), *context])
        self.embedder = embedder
        self.thresholds = thresholds or Thresholds()
        self._ends = span_ends(self.sentences)
        self._span_words = [
            _words(" ".join(s.text for s in self.sentences[i:e]))
            for i, e in enumerate(self._ends)
        ]
        self._by_second: dict[int, list[int]] = {}
        for i, s in enumerate(self.sentences):
            self._by_second.setdefault(int(s.start), []).append(i)
        self._singles: dict[int, np.ndarray] = {}
        self._spans: dict[int, np.ndarray] = {}

    def _ensure(self, indices: Iterable[int]) -> None:
        """Embed (once) the first sentence and the whole span of each span index.

        Lazy because most claims hold at their citation: only a claim that must be
        re-cited needs every span of the topic."""
        missing = sorted({i for i in indices if i not in self._spans})
        if not missing:
            return
        texts = [self.sentences[i].text for i in missing] + [
            " ".join(s.text for s in self.sentences[i:self._ends[i]]) for i in missing]
        vecs = np.asarray(self.embedder.embed(texts), dtype=np.float32)  # type: ignore[attr-defined]
        for k, i in enumerate(missing):
            self._singles[i], self._spans[i] = vecs[k], vecs[len(missing) + k]

    def _claim_vectors(self, claim_texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.embedder.embed([plain_text(t) or "-" for t in claim_texts]),  # type: ignore[attr-defined]
                          dtype=np.float32)

    def _score(self, vec: np.ndarray, index: int) -> float:
        return float(max(vec @ self._singles[index], vec @ self._spans[index]))

    def resolve(self, cited: str) -> list[int]:
        """Indices of topic sentences starting at the cited time (to the second)."""
        seconds = parse_timestamp(cited) if isinstance(cited, str) else None
        if seconds is None:
            return []
        return list(self._by_second.get(int(seconds), []))

    def scores(self, claim_texts: Sequence[str]) -> np.ndarray:
        """Support score of every span for each claim (rows: claims, columns: spans):
        the larger of the similarity to the span's first sentence and to the whole span."""
        if not self.sentences or not claim_texts:
            return np.zeros((len(claim_texts), len(self.sentences)), dtype=np.float32)
        return self._all_scores(self._claim_vectors(claim_texts))

    def _all_scores(self, vecs: np.ndarray) -> np.ndarray:
        self._ensure(range(len(self.sentences)))
        singles = np.stack([self._singles[i] for i in range(len(self.sentences))])
        spans = np.stack([self._spans[i] for i in range(len(self.sentences))])
        return np.maximum(vecs @ singles.T, vecs @ spans.T)

    def runner_up(self, scores: np.ndarray, best: int) -> float:
        """The best score among spans that share no sentence with span `best`."""
        lo, hi = best, self._ends[best]
        others = [scores[i] for i, end in enumerate(self._ends) if end <= lo or i >= hi]
        return float(max(others)) if others else -1.0

    def _quotes_in(self, quotes: list[list[str]], index: int) -> bool:
        return all(contains_words(self._span_words[index], q) for q in quotes)

    def ground(self, claim: Claim) -> GroundedClaim | None:
        """The claim with a true, supporting start; None when it must be dropped."""
        return self.ground_all([claim])[0][0]

    def ground_all(self, claims: Sequence[Claim]
                   ) -> tuple[list[GroundedClaim | None], GroundingReport]:
        """Ground each claim (None where dropped) and count the outcomes."""
        results: list[GroundedClaim | None] = [None] * len(claims)
        if claims and self.sentences:
            vecs = self._claim_vectors([c.text for c in claims])
            checks = []  # (claim index, text, quotes, cited indices) of claims still in play
            for n, claim in enumerate(claims):
                text = claim.text.strip()
                if not text or any(w not in self.vocabulary
                                   for w in specifics(plain_text(text))):
                    continue  # empty, or names/numbers the topic never mentions
                quotes = [_words(q) for q in quoted_phrases(plain_text(text))]
                cited = sorted({i for c in claim.cited for i in self.resolve(c)})
                checks.append((n, text, quotes, cited))
            self._ensure(i for _, _, _, cited in checks for i in cited)
            pending = []
            for n, text, quotes, cited in checks:
                scored = [(self._score(vecs[n], i), -i) for i in cited
                          if self._quotes_in(quotes, i)]
                best = max(scored, default=None)
                if best is not None and best[0] >= self.thresholds.support:
                    results[n] = GroundedClaim(text, self.sentences[-best[1]].start, "kept",
                                               best[0])
                else:
                    pending.append((n, text, quotes))
            if pending:
                all_scores = self._all_scores(vecs[[n for n, _, _ in pending]])
                for (n, text, quotes), row in zip(pending, all_scores, strict=True):
                    results[n] = self._recite(text, quotes, row)
        kept = sum(1 for r in results if r is not None and r.status == "kept")
        recited = sum(1 for r in results if r is not None and r.status == "recited")
        return results, GroundingReport(kept, recited, len(results) - kept - recited)

    def _recite(self, text: str, quotes: list[list[str]], scores: np.ndarray
                ) -> GroundedClaim | None:
        """The best span anywhere in the topic, if it clearly supports the claim."""
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] < self.thresholds.recite:
                break
            if self._quotes_in(quotes, int(i)):
                if scores[i] - self.runner_up(scores, int(i)) < self.thresholds.margin:
                    return None  # no single moment stands out
                return GroundedClaim(text, self.sentences[int(i)].start, "recited",
                                     float(scores[i]))
        return None


def is_real_start(seconds: float, sentences: Sequence[Sentence], start: float,
                  end: float) -> bool:
    """True when `seconds` is the start of one of `sentences` (to the millisecond: times
    are stored rounded so) and lies inside [start, end].

    The invariant every timestamp of a note must satisfy, whatever wrote it; checked
    once, by `notegraph.topics.pipeline.ground`, before any note is rendered.
    """
    if not start - _FLOAT_NOISE <= seconds <= end + _FLOAT_NOISE:
        return False
    stamp = round(seconds, 3)
    return any(round(s.start, 3) == stamp for s in sentences)


def vault_grounding(frontmatters: Iterable[Mapping[str, Any]]) -> tuple[int, GroundingReport]:
    """(number of notes with a `grounding` record, their summed counts).

    For `notegraph check`: pass the frontmatter of every note; notes without the record
    (extractive, hand-written) are skipped, a malformed record counts as absent.
    """
    notes, total = 0, GroundingReport()
    for fm in frontmatters:
        record = fm.get("grounding") if isinstance(fm, Mapping) else None
        if not isinstance(record, Mapping):
            continue
        try:
            counts = [int(record.get(k, 0)) for k in ("kept", "recited", "dropped")]
        except (TypeError, ValueError):
            continue
        notes += 1
        total = total + GroundingReport(*counts)
    return notes, total


def grounding_summary(frontmatters: Iterable[Mapping[str, Any]]) -> str | None:
    """One line for `notegraph check` about LLM-written notes; None when there are none."""
    notes, total = vault_grounding(frontmatters)
    if not notes:
        return None
    claims = total.kept + total.recited + total.dropped
    return (f"grounding: {notes} LLM-written note(s), {claims} generated sentences: "
            f"{total.kept} kept as cited, {total.recited} re-cited, {total.dropped} dropped "
            "as unsupported by the transcript")
