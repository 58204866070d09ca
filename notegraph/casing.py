"""Display casing of sentences: a common noun is never capitalized mid-sentence.

Auto-captions capitalize words at random, and casing restoration may promote a title
word to a name everywhere ("Dark" from "Dark Matter, Theoretical Physics": "in fact
Dark matter is…"). The notes only trust a mid-sentence capital when the transcript
itself agrees: a word the source capitalizes in three quarters of its mid-sentence uses
(a name, "GPT"), a pair of words it capitalizes together in most uses ("Milky Way",
which also completes "Milky way"), or a word of a known person's name. Any other capital
that is not at a sentence start is lowered. Words are never changed, only their case.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from notegraph.concepts import singular
from notegraph.models import Segment, Sentence, Transcript

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END_RE = re.compile(r"[.?!:…]['\"”’)]*$")
_PRONOUN_I = frozenset({"i", "i'm", "i've", "i'll", "i'd", "i’m", "i’ve", "i’ll", "i’d"})


@dataclass(frozen=True)
class CapitalEvidence:
    """How often the source capitalizes each word where a capital says something.

    Words are counted under their singular (`Matters` is evidence about `matter`), and
    pairs of capitalized words that the source writes together are remembered: a name
    keeps its common words (`Milky Way`, although `way` alone is lower-case).
    """

    uses: Counter[str]
    capitalized: Counter[str]
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    keep: frozenset[str] = frozenset()

    @classmethod
    def of(cls, transcript: Transcript, names: Iterable[str] = ()) -> CapitalEvidence:
        """Count mid-sentence uses of every word in `transcript`'s cues.

        A word after sentence-ending punctuation says nothing about being a name and is
        not counted. `names`: people known for the video; their words are always kept.
        """
        uses: Counter[str] = Counter()
        capitalized: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        pair_uses: Counter[tuple[str, str]] = Counter()
        after_end = True
        prev_cap = prev = ""
        for cue in transcript.cues:
            for token in cue.text.split():
                m = _WORD_RE.search(token)
                cap = ""
                if m and not after_end:
                    word = m.group(0)
                    low = _key(word)
                    uses[low] += 1
                    if prev:
                        pair_uses[(prev, low)] += 1
                    if word[:1].isupper() and low not in _PRONOUN_I:
                        capitalized[low] += 1
                        cap = low
                        if prev_cap:
                            pairs[(prev_cap, low)] += 1
                after_end = bool(_SENTENCE_END_RE.search(token))
                joined = not after_end and m is not None and m.end() == len(token)
                prev_cap = cap if joined else ""
                prev = _key(m.group(0)) if joined and m else ""
        keep = {_key(w) for name in names for w in _WORD_RE.findall(name)}
        # a pair is a name when the source capitalizes it, twice or more, in most uses
        names_pairs = Counter({p: n for p, n in pairs.items()
                               if n >= 2 and n * 2 >= pair_uses[p]})
        return cls(uses, capitalized, names_pairs, frozenset(keep))

    def is_name_word(self, word: str) -> bool:
        """Whether a capital on `word` mid-sentence is the source's own."""
        low = _key(word)
        if low in self.keep or low in _PRONOUN_I:
            return True
        if word.isupper() and len(word) > 1:
            return True  # an acronym
        n = self.uses.get(low, 0)
        # captions capitalize common words at random ("Humanity" 5 times in 7): a name
        # is capitalized in at least three quarters of its uses
        return n == 0 or self.capitalized.get(low, 0) * 4 >= n * 3

    def fix(self, text: str) -> str:
        """`text` with unjustified mid-sentence capitals lowered (sentence starts kept)."""
        matches = list(_WORD_RE.finditer(text))
        words = [m.group(0) for m in matches]
        keys = [_key(w) for w in words]
        out: list[str] = []
        shown: list[str] = []
        pos = 0
        for k, m in enumerate(matches):
            between = text[pos:m.start()]
            word = words[k]
            at_start = k == 0 or bool(re.search(r"[.?!:…]", between))
            if not at_start and word[:1].isupper() and not self._keeps(words, keys, k):
                word = word[:1].lower() + word[1:]
            elif word[:1].islower() and k > 0 and not between.strip() and \
                    shown[-1][:1].isupper() and (keys[k - 1], keys[k]) in self.pairs:
                word = word[:1].upper() + word[1:]  # "Milky way" → "Milky Way"
            shown.append(word)
            out.append(between + word)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)


    def _keeps(self, words: list[str], keys: list[str], k: int) -> bool:
        """Whether the capital of `words[k]` (mid-sentence) is kept."""
        prev_cap = k > 0 and words[k - 1][:1].isupper()
        next_cap = k + 1 < len(words) and words[k + 1][:1].isupper()
        if (prev_cap and (keys[k - 1], keys[k]) in self.pairs) or \
                (k + 1 < len(words) and (keys[k], keys[k + 1]) in self.pairs):
            return True  # "Milky Way" (and "Milky way", whose second word is raised)
        if not self.is_name_word(words[k]):
            return False
        if keys[k] in self.keep or words[k].isupper() or self.uses.get(keys[k], 0) > 2:
            return True
        # a word said once or twice proves little alone ("meditation Retreat"): a rare
        # capital stands only inside a run of capitals ("Zen Monastery", "Elliot Smith")
        return prev_cap or next_cap


def _key(word: str) -> str:
    return singular(word.lower().replace("’", "'"))


def recase_segments(segments: Sequence[Segment], evidence: CapitalEvidence) -> list[Segment]:
    """`segments` whose sentences' display text follows `evidence` (times unchanged)."""
    out = []
    for seg in segments:
        sentences = tuple(
            s if (text := evidence.fix(s.text)) == s.text else dataclasses.replace(s, text=text)
            for s in seg.sentences)
        out.append(dataclasses.replace(seg, sentences=sentences))
    return out


def recase(sentences: Sequence[Sentence], evidence: CapitalEvidence) -> list[Sentence]:
    """Like `recase_segments` for a plain list of sentences."""
    return [dataclasses.replace(s, text=evidence.fix(s.text)) for s in sentences]
