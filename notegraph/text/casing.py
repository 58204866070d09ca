"""Readable casing of spoken text: `I`, names capitalized, no random capitals.

Auto-captions are mostly lower case, but the caption engine capitalizes names and also
common words at random ("Humanity" 5 times in 7, "Dark" in a third of its uses), and even
punctuated sources capitalize a word mid-sentence now and then. Only the transcript
itself is trusted about which words are names. A capital mid-sentence is kept, and the
same word raised where it is lower case ("europe" → "Europe"), when:

- the source capitalizes the word in at least three quarters of its mid-sentence uses
  (a word said once proves little alone: its capital stands only next to another
  capital, "Zen Monastery"),
- the source writes it capitalized together with its neighbour in most uses of the pair
  ("Milky Way", which also repairs "Milky way"),
- it is a word of a known person's name (speaker labels, names the caller passes),
- it is a title or channel word the captions capitalize in most of its uses ("Khabib"
  yes; "Dark" from "Dark Matter, Theoretical Physics" at 34 % no).

An acronym of the video's title ("DEI" in "Shark Tank, DEI & Wokeism Debate") is
spelled so wherever the captions say it ("Dei", "dei"), unless the title shouts (most
of its words in capitals) or the word is a common one in English ("US", "ICE").

Every other capital that is not at a sentence start is lowered; acronyms ("AI", "LHC")
and the pronoun `I` (also `I'm`, `I'll`...) are always capitals. Words are never
changed, only their case. `CasingRestorer` is the one place this is decided: sentence
splitting applies it, and the notes pass re-applies it with the vault's people added.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from notegraph.models import Segment, Transcript
from notegraph.topics.concepts import singular
from notegraph.topics.words import STOPWORDS

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END_RE = re.compile(r"[.?!:…]['\"”’)]*$")
_PRONOUN_I = frozenset({"i", "i'm", "i've", "i'll", "i'd"})
# words that are names only by accident of a person's name ("Will", "Hope"): never raised
_NOT_RAISED = frozenset({"will", "may", "hope", "grace", "mark", "bill", "rich", "art",
                         "joy", "faith", "rose", "sky", "summer", "dawn", "king"})


def _key(word: str) -> str:
    return singular(word.lower().replace("’", "'"))


@dataclass(frozen=True)
class CasingRestorer:
    """How the source capitalizes its words, and the display casing that follows.

    Words are counted under their singular (`Matters` is evidence about `matter`).
    `forms`: the capitalized spelling the source uses most ("WhatsApp", "NPCs").
    """

    uses: Counter[str]
    capitalized: Counter[str]
    pairs: frozenset[tuple[str, str]] = frozenset()
    keep: frozenset[str] = frozenset()  # words of known names: always capitalized
    forms: dict[str, str] = field(default_factory=dict)
    # A punctuated source was cased by a person: its capitals are meant, never lowered
    # (only auto-captions capitalize common words at random).
    source_cased: bool = False

    @classmethod
    def for_transcript(cls, transcript: Transcript, names: Iterable[str] = (),
                       *, source_cased: bool = False) -> CasingRestorer:
        """Learn the casing of `transcript` (its cues, speakers, title and channel).

        `source_cased`: the cues are punctuated and cased by a person, so their
        capitals are kept as they are.

        A word right after sentence-ending punctuation says nothing about being a name
        and is not counted. `names`: people known for the video besides the speaker
        labels (from metadata, from the vault); their words keep or get a capital.
        """
        uses: Counter[str] = Counter()
        capitalized: Counter[str] = Counter()
        spellings: Counter[str] = Counter()
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
                        if not word.isupper():
                            spellings[word.replace("’", "'")] += 1
                        cap = low
                        if prev_cap:
                            pairs[(prev_cap, low)] += 1
                after_end = bool(_SENTENCE_END_RE.search(token))
                joined = not after_end and m is not None and m.end() == len(token)
                prev_cap = cap if joined else ""
                prev = _key(m.group(0)) if joined and m else ""
        people = [*{c.speaker for c in transcript.cues if c.speaker}, *names]
        keep = {_key(w) for name in people for w in _WORD_RE.findall(name)
                if len(w) > 2 and w[:1].isupper()}
        keep -= STOPWORDS | _NOT_RAISED
        # a title or channel word is a name only when the captions mostly capitalize it
        for word in _WORD_RE.findall(f"{transcript.title} {transcript.channel}"):
            low = _key(word)
            if word[:1].isupper() and low not in STOPWORDS and \
                    capitalized[low] * 2 > uses[low] > 0:
                keep.add(low)
        # a pair is a name when the source capitalizes it, twice or more, in most uses
        name_pairs = frozenset(p for p, n in pairs.items() if n >= 2 and n * 2 >= pair_uses[p])
        forms: dict[str, str] = {}
        for form, _ in sorted(spellings.items(), key=lambda kv: kv[1]):  # most common wins
            forms[_key(form)] = form
        acronyms = title_acronyms(transcript.title)
        forms.update(acronyms)
        return cls(uses, capitalized, name_pairs, frozenset(keep | acronyms.keys()), forms,
                   source_cased)

    def with_names(self, names: Iterable[str]) -> CasingRestorer:
        """This casing, with the words of `names` kept capitalized too (as if they had
        been given to `for_transcript`, without reading the transcript again)."""
        extra = {_key(w) for name in names for w in _WORD_RE.findall(name)
                 if len(w) > 2 and w[:1].isupper()} - STOPWORDS - _NOT_RAISED
        return dataclasses.replace(self, keep=self.keep | extra) if extra - self.keep else self

    def is_name_word(self, word: str) -> bool:
        """Whether the source's evidence makes `word` a name (capitalized mid-sentence)."""
        low = _key(word)
        if low in self.keep or low in _PRONOUN_I:
            return True
        form = self.forms.get(low, "")
        if any(ch.isupper() for ch in form[1:]):
            return True  # "WhatsApp", "NPCs": no caption engine mixes case at random
        n = self.uses.get(low, 0)
        # captions capitalize common words at random: a name is capitalized in at least
        # three quarters of its uses
        return n > 0 and self.capitalized.get(low, 0) * 4 >= n * 3

    def restore(self, text: str) -> str:
        """`text` with `I`, names raised and unjustified mid-sentence capitals lowered.

        Sentence starts keep their case (sentence case is the caller's business).
        """
        matches = list(_WORD_RE.finditer(text))
        words = [m.group(0) for m in matches]
        keys = [_key(w) for w in words]
        out: list[str] = []
        shown: list[str] = []
        pos = 0
        for k, m in enumerate(matches):
            between = text[pos:m.start()]
            word = words[k]
            low = word.lower().replace("’", "'")
            at_start = k == 0 or bool(re.search(r"[.?!:…]", between))
            if low in _PRONOUN_I:
                if not re.match(r"\.\w", text[m.end():m.end() + 2]):  # not "i.e."
                    word = "I" + word[1:]
            elif word.isupper() and len(word) > 1:
                pass  # an acronym
            elif word[:1].isupper():
                if not at_start and not self.source_cased and not self._keeps(words, keys, k):
                    word = word[:1].lower() + word[1:]
                else:
                    word = self._spelling(word, keys[k])  # "Dei" → "DEI" of the title
            elif k > 0 and not between.strip() and shown[-1][:1].isupper() and \
                    (keys[k - 1], keys[k]) in self.pairs:
                word = word[:1].upper() + word[1:]  # "Milky way" → "Milky Way"
            elif self._raises(keys[k]):
                word = self._spelling(word, keys[k])  # "europe" → "Europe"
            shown.append(word)
            out.append(between + word)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def _keeps(self, words: list[str], keys: list[str], k: int) -> bool:
        """Whether the capital of `words[k]` (mid-sentence) is kept."""
        prev_cap = k > 0 and words[k - 1][:1].isupper() and keys[k - 1] not in _PRONOUN_I
        next_cap = k + 1 < len(words) and words[k + 1][:1].isupper() and \
            keys[k + 1] not in _PRONOUN_I
        if (k > 0 and (keys[k - 1], keys[k]) in self.pairs) or \
                (k + 1 < len(words) and (keys[k], keys[k + 1]) in self.pairs):
            return True
        if keys[k] in self.keep:
            return True
        if not self.is_name_word(words[k]):
            return False
        n = self.uses.get(keys[k], 0)
        if n > 2 or (n == 2 and self.capitalized.get(keys[k], 0) == 2):
            return True  # "France" twice, both capitalized
        # a word said once proves little alone ("meditation Retreat"), nor one capitalized
        # once in two uses: a rare capital stands only inside a run of capitals
        # ("Zen Monastery", "Elliot Smith")
        return prev_cap or next_cap

    def _raises(self, key: str) -> bool:
        """Whether a lower-case `key` is a name to capitalize."""
        if key in self.keep:
            return True
        if self.source_cased:
            return False  # a person wrote it lower-case: so it is meant
        # the source's own names: said three times or more, mostly with a capital
        return key not in STOPWORDS and self.uses.get(key, 0) > 2 and self.is_name_word(key)

    def _spelling(self, word: str, key: str) -> str:
        form = self.forms.get(key)
        if form is not None and form.lower() == word.lower():
            return form  # keeps "WhatsApp" as captioned
        return word[:1].upper() + word[1:]


# an acronym that is also a common English word ("US", "ICE", "IT") is not respelled:
# the captions' "us" is the pronoun (wordfreq Zipf; "dei" 3.3, "cia" 4.2, "ice" 5.0)
_ACRONYM_MAX_ZIPF = 4.5


def title_acronyms(title: str) -> dict[str, str]:
    """Key → spelling of the acronyms of a video's title ("DEI", "UFC"): words of 2–6
    capitals, when most of the title is not in capitals and the word is no common one."""
    from wordfreq import zipf_frequency

    words = _WORD_RE.findall(title)
    caps = [w for w in words if w.isupper() and 2 <= len(w) <= 6]
    if 2 * sum(w.isupper() for w in words) > len(words):
        return {}  # "THE TRUTH ABOUT AI": capitals for shouting, not acronyms
    # keys are singular: "AIDS" would respell "aid", so a word its key changes is left
    return {w.lower(): w for w in caps if w.lower() not in STOPWORDS
            and _key(w) == w.lower() and zipf_frequency(w.lower(), "en") < _ACRONYM_MAX_ZIPF}


def recase_segments(segments: Sequence[Segment], casing: CasingRestorer) -> list[Segment]:
    """`segments` whose sentences' display text follows `casing` (times unchanged)."""
    out = []
    for seg in segments:
        sentences = tuple(
            s if (text := sentence_case(casing.restore(s.text))) == s.text
            else dataclasses.replace(s, text=text)
            for s in seg.sentences)
        out.append(dataclasses.replace(seg, sentences=sentences))
    return out


def sentence_case(text: str) -> str:
    """`text` with its first letter capitalized (not when it opens with a number)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
        if ch.isdigit():
            return text
    return text
