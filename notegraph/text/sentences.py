"""Cues → sentences with true start/end times and display-ready text.

Two kinds of input:
- *Punctuated* transcripts (creator captions, Whisper, subtitles): a sentence ends at
  `.`, `?` or `!` (not after an abbreviation), at a speaker change, or — for run-on
  speech — at a comma once it is very long.
- *Auto-captions* (lower case, no punctuation): there are no sentence marks, so breaks
  are placed at speaker changes and, within a speaker's run, by dynamic programming
  over break scores and a length prior: a cue boundary before a word that usually
  opens a clause ("so", "and", "but", "I"...) is good, a break after a word that cannot
  end one ("the", "of", "to"...) is not. Sentence case and known names are restored.

Times: a sentence starts at the start of the cue holding its first word, and ends at the
end of the cue holding its last word. Only cues longer than `LONG_CUE` seconds (Whisper
segments, text imports) are interpolated by character position, because there the cue start
could be far from the word; that estimate is rounded down so it never lands after the
word is said.

Fillers and false starts are removed from `Sentence.text` only (see `clean_spoken`);
the cues keep every word.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from notegraph.models import Sentence, Transcript

LONG_CUE = 8.0  # seconds; longer cues get word-position times
MIN_WORDS = 6  # auto-captions: no sentence shorter than this unless the speaker changes
TARGET_WORDS = 18  # auto-captions: the preferred sentence length, in words
MAX_WORDS = 40  # any source: a sentence is forced to end by here (at the best break)

_END_RE = re.compile(r"[.?!…]+[\"'”’)\]]*$")
_ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "etc.", "e.g.",
    "i.e.", "u.s.", "u.k.", "inc.", "ltd.", "co.", "mt.", "approx.", "fig.",
}
# Words that commonly open a clause, by how strongly they suggest a new sentence.
_OPENERS = {
    **dict.fromkeys(("so", "and", "but", "because", "well", "now", "yeah", "yes", "okay",
                     "ok", "anyway", "actually", "also", "oh", "right", "yep", "alright"), 1.5),
    **dict.fromkeys(("i", "i'm", "i've", "i'd", "i'll", "we", "we're", "you", "they",
                     "he", "she", "it's", "that's", "there's", "let's", "what", "how", "why",
                     "when", "if", "there", "my", "our"), 1.0),
    **dict.fromkeys(("this", "then", "which", "or", "like", "do", "is", "are", "no",
                     "the", "it"), 0.3),
}
# Words that often close a clause in speech.
_CLOSERS = {"right", "yeah", "okay", "too", "though", "anyway", "stuff", "things", "know",
            "sense", "true", "exactly", "absolutely", "sure", "yes", "thing", "time", "now"}
# Words after which a sentence essentially never ends.
_NO_END = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "and",
    "or", "but", "so", "is", "are", "was", "were", "be", "been", "my", "your", "his",
    "her", "our", "their", "its", "that", "this", "these", "those", "i", "we", "you",
    "they", "he", "she", "it's", "i'm", "if", "because", "than", "as", "into", "about",
    "very", "really", "just", "like", "what", "which", "who", "not", "can", "will",
    "would", "could", "should", "have", "has", "had", "do", "does", "did", "am", "some",
    "any", "every", "more", "most", "much", "many", "when", "where", "how", "why",
    "there", "it", "um", "uh", "you're", "we're", "they're", "don't", "can't",
}
_FILLERS = {"um", "uh", "umm", "uhm", "erm", "er", "hmm", "mm", "mhm", "ah", "eh"}


@dataclass(frozen=True)
class _Word:
    text: str
    start: float  # when the sentence would start if this word opened it
    end: float  # when the sentence would end if this word closed it
    cue: int  # index of the cue holding the word
    speaker: str | None


def is_punctuated(transcript: Transcript) -> bool:
    """True when the cues carry sentence punctuation (not raw auto-captions)."""
    words = 0
    marks = 0
    for cue in transcript.cues:
        toks = cue.text.split()
        words += len(toks)
        marks += sum(1 for t in toks if _END_RE.search(t))
    # Real punctuated speech has a sentence end every ~8-25 words; auto-captions ~none.
    return words > 0 and marks / words > 0.02


def split_sentences(transcript: Transcript) -> list[Sentence]:
    """Re-join the cues of `transcript` into sentences (see the module docstring)."""
    words = list(_words(transcript))
    if not words:
        return []
    punctuated = is_punctuated(transcript)
    groups = _split_punctuated(words) if punctuated else _split_unpunctuated(words)
    casing = None if punctuated else CasingRestorer.for_transcript(transcript)
    sentences = []
    for group in groups:
        raw = " ".join(w.text for w in group)
        text = clean_spoken(raw)
        text = casing.restore(text) if casing is not None else restore_pronoun_i(text)
        text = _sentence_case(text)
        if not text:
            continue
        sentences.append(Sentence(start=group[0].start, end=max(group[-1].end, group[0].start),
                                  text=text, speaker=group[0].speaker))
    return sentences


def _words(transcript: Transcript) -> Iterable[_Word]:
    cues = transcript.cues
    for i, cue in enumerate(cues):
        toks = cue.text.split()
        if not toks:
            continue
        end = max(cue.end, cue.start)
        span = end - cue.start
        if span <= LONG_CUE:
            for tok in toks:
                yield _Word(tok, cue.start, end, i, cue.speaker)
            continue
        # A long cue: estimate each word's time by its position (by characters, which
        # tracks speech duration better than word count), rounding starts down.
        total = sum(len(t) + 1 for t in toks)
        pos = 0
        for tok in toks:
            w_start = cue.start + span * pos / total
            pos += len(tok) + 1
            w_end = cue.start + span * pos / total
            yield _Word(tok, float(int(w_start * 10) / 10), round(w_end, 3), i, cue.speaker)


def _is_sentence_end(token: str) -> bool:
    return bool(_END_RE.search(token)) and token.lower() not in _ABBREVIATIONS \
        and not re.fullmatch(r"(?:[A-Za-z]\.)+", token)  # initials like "J." or "U.S."


def _split_punctuated(words: list[_Word]) -> list[list[_Word]]:
    groups: list[list[_Word]] = []
    cur: list[_Word] = []
    for w in words:
        if cur and w.speaker != cur[-1].speaker:
            groups.append(cur)
            cur = []
        cur.append(w)
        at_comma = len(cur) >= MAX_WORDS and w.text.endswith((",", ";", ":", "—"))
        if _is_sentence_end(w.text) or at_comma or len(cur) >= 2 * MAX_WORDS:
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    return groups


def _break_score(prev: _Word, nxt: _Word) -> float:
    """How good a sentence break is between `prev` and `nxt` (higher is better)."""
    p = _bare(prev.text)
    n = _bare(nxt.text)
    score = _OPENERS.get(n, 0.0)
    if prev.cue != nxt.cue:
        score += 0.5  # caption engines tend to start a line after a pause
    if p in _NO_END:
        score -= 3.0
    elif p in _CLOSERS:
        score += 0.5
    if n in _FILLERS:
        score += 0.5
    return score


BREAK_COST = 1.0  # a break must earn this much (an opener after a closer, a new line...)


def _length_penalty(length: int) -> float:
    return 2.0 * ((length - TARGET_WORDS) / TARGET_WORDS) ** 2


def _split_unpunctuated(words: list[_Word]) -> list[list[_Word]]:
    """Speaker runs, each cut by dynamic programming: the breaks that maximise the sum
    of break scores, minus a cost per break and a penalty for sentences far from
    TARGET_WORDS, with every
    sentence between MIN_WORDS and MAX_WORDS long (a run's last may be shorter)."""
    groups: list[list[_Word]] = []
    start = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[i - 1].speaker:
            run = words[start:i]
            groups.extend(run[a:b] for a, b in _best_breaks(run))
            start = i
    return groups


def _best_breaks(run: list[_Word]) -> list[tuple[int, int]]:
    m = len(run)
    if m <= MIN_WORDS:
        return [(0, m)]
    scores = [0.0] + [_break_score(run[j - 1], run[j]) for j in range(1, m)] + [0.0]
    best = [-math.inf] * (m + 1)
    back = [0] * (m + 1)
    best[0] = 0.0
    for j in range(1, m + 1):
        shortest = 1 if j == m else MIN_WORDS
        for i in range(max(0, j - MAX_WORDS), j - shortest + 1):
            if best[i] == -math.inf:
                continue
            value = best[i] + scores[j] - BREAK_COST * (j < m) - _length_penalty(j - i)
            if value > best[j]:
                best[j], back[j] = value, i
    spans = []
    j = m
    while j > 0:
        spans.append((back[j], j))
        j = back[j]
    return spans[::-1]


def _bare(token: str) -> str:
    return token.lower().strip(".,;:!?\"'()[]“”‘’-—…")


# --- display cleanup ----------------------------------------------------------------

_FILLER_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s,.;:!?]))(?:um+|uh+|uhm|erm|er|hmm+|mm+|mhm)[,.]?(?=\s|$)",
    re.IGNORECASE,
)
_YOU_KNOW_RE = re.compile(r"(?:^|(?<=[\s,.;:!?]))(?:,\s*)?you know,\s*", re.IGNORECASE)

def clean_spoken(text: str) -> str:
    """Spoken text made readable: fillers, "you know,", stutters and repeats removed.

    Only for display: `"um so I I think you know, the the point"` →
    `"so I think the point"`. Content words are never dropped except as exact
    immediate repetitions (false starts).
    """
    text = _FILLER_RE.sub("", text)
    text = _YOU_KNOW_RE.sub("", text)
    # "you know" with no commas (auto-captions) is only safely a filler at the very
    # start or end of a sentence, or right after "like".
    text = re.sub(r"^(?:you know\s+)+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+you know[.?!]?$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\blike you know\b", "like", text, flags=re.IGNORECASE)
    text = _collapse_repeats(text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[\s,;:.\-–—]+", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^-\s*", "", text)
    return text


def _collapse_repeats(text: str) -> str:
    """Drop immediate repetitions of 1-4 word runs ("I mean, I mean", "in the in the")."""
    toks = text.split()
    changed = True
    while changed:
        changed = False
        for size in (4, 3, 2, 1):
            out: list[str] = []
            i = 0
            while i < len(toks):
                a = [_bare(t) for t in toks[i:i + size]]
                b = [_bare(t) for t in toks[i + size:i + 2 * size]]
                if len(b) == size and a == b and all(a):
                    # keep the second copy: it carries the following punctuation
                    i += size
                    changed = True
                    continue
                out.append(toks[i])
                i += 1
            toks = out
    return " ".join(toks)


_LONE_I_RE = re.compile(r"(?<![\w.'’])i(?=(?:['’](?:m|ve|ll|d))?(?:[\s,;:!?)\"”]|$|\.(?!\w)))")


def restore_pronoun_i(text: str) -> str:
    """`i` → `I` (also `i'm`, `i've`...), leaving `i.e.` and words alone."""
    return _LONE_I_RE.sub("I", text)


def _sentence_case(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
        if ch.isdigit():
            return text
    return text


class CasingRestorer:
    """Restores the casing of auto-captions: `I`, and names known for the transcript.

    The caption engine capitalizes many names but also random words. A word it
    capitalizes in most of its uses is taken as a name and capitalized everywhere; one it
    rarely capitalizes is lower-cased (acronyms such as "AI" are left alone). Speaker
    labels are names; title and channel words count as names only when the captions
    capitalize them in at least a quarter of their uses ("Khabib" yes, "Matter" in
    "Dark Matter, Theoretical Physics" no).
    """

    def __init__(self, known: dict[str, str], lower: frozenset[str] = frozenset()) -> None:
        self.known = known
        self.lower = lower

    @classmethod
    def for_transcript(cls, transcript: Transcript) -> CasingRestorer:
        """Learn the casing from `transcript`'s cues, speakers, title and channel."""
        known: dict[str, str] = {}
        counts: Counter[str] = Counter()
        capital: Counter[str] = Counter()
        forms: Counter[str] = Counter()  # capitalized spellings as the captions give them
        for cue in transcript.cues:
            for tok in cue.text.split():
                word = tok.strip(".,;:!?\"()[]")
                low = word.lower()
                if not low.replace("'", "").isalpha():
                    continue
                counts[low] += 1
                if word[:1].isupper() and word != "I" and not word.isupper():
                    capital[low] += 1
                    forms[word] += 1
        lower = set()
        for low, n in counts.items():
            if len(low) > 1 and capital[low] * 2 > n:
                known[low] = _capitalize(low)
            elif capital[low] and capital[low] * 3 <= n:
                lower.add(low)
        for form, _ in sorted(forms.items(), key=lambda kv: kv[1]):  # most common wins
            if form.lower() in known:
                known[form.lower()] = form  # keeps "WhatsApp", "NPCs" as captioned
        for word in re.findall(r"\b[A-Z][a-z]+\b", f"{transcript.title} {transcript.channel}"):
            low = word.lower()
            if capital[low] and capital[low] * 4 >= counts[low]:
                known[low] = word
                lower.discard(low)
        for name in {c.speaker for c in transcript.cues if c.speaker}:
            for part in name.split():
                low = part.lower()
                if low.isalpha() and len(low) > 2 and low not in _NO_END and low not in _OPENERS:
                    known[low] = part
                    lower.discard(low)
        return cls(known, frozenset(lower))

    def restore(self, text: str) -> str:
        """`text` with `I`, known names and stray capitals fixed."""
        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if low == "i":
                return "I"
            if low in {"i'm", "i've", "i'll", "i'd"}:
                return "I" + word[1:]
            if word.isupper() and len(word) > 1:
                return word  # an acronym
            known = self.known.get(low)
            if known is not None:
                return known
            if low in self.lower:
                return low
            return word

        return re.sub(r"[A-Za-z][A-Za-z']*", fix, text)


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:]
