"""Cues → sentences with true start/end times and display-ready text.

Two kinds of input:
- *Punctuated* transcripts (creator captions, Whisper, subtitles): a sentence ends at
  `.`, `?` or `!` (not after an abbreviation), at a speaker change, or — for run-on
  speech — at a comma once it is very long.
- *Auto-captions* (lower case, no punctuation): there are no sentence marks, so breaks
  are placed at speaker changes and, within a speaker's run, by dynamic programming
  over a learnt break model's log-odds (`notegraph.text.breaks`: the words around each
  gap, a new caption line, the pause) and a length prior.

Casing (sentence case, `I`, names, no random capitals) is `notegraph.text.casing`'s.

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
from collections.abc import Iterable
from dataclasses import dataclass, replace

from notegraph.models import Sentence, Transcript
from notegraph.text.breaks import BreakModel, bare, default_model, gap_features
from notegraph.text.casing import CasingRestorer, sentence_case
from notegraph.text.spoken import bare_token as _bare
from notegraph.text.spoken import clean_spoken

LONG_CUE = 8.0  # seconds; longer cues get word-position times
MIN_WORDS = 6  # auto-captions: no sentence shorter than this unless the speaker changes
TARGET_WORDS = 21  # auto-captions: the preferred sentence length, in words
MAX_WORDS = 40  # any source: a sentence is forced to end by here (at the best break)

_END_RE = re.compile(r"[.?!…]+[\"'”’)\]]*$")
_ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "etc.", "e.g.",
    "i.e.", "u.s.", "u.k.", "inc.", "ltd.", "co.", "mt.", "approx.", "fig.",
}
@dataclass(frozen=True)
class _Group:
    """The words of one sentence, and how sure the splitter is that they are one
    (`Sentence.boundary`)."""

    words: list[_Word]
    boundary: float | None = None


@dataclass(frozen=True)
class _Word:
    text: str
    start: float  # when the sentence would start if this word opened it
    end: float  # when the sentence would end if this word closed it
    cue: int  # index of the cue holding the word
    speaker: str | None
    name: bool = False  # the transcript's casing evidence makes it a name ("Joe", "Israel")


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


def split_sentences(transcript: Transcript, casing: CasingRestorer | None = None,
                    model: BreakModel | None = None) -> list[Sentence]:
    """Re-join the cues of `transcript` into sentences (see the module docstring).

    `casing`: the casing learnt from `transcript` when the caller has it already.
    """
    groups, casing = _sentence_groups(transcript, casing, model)
    sentences = []
    for group in groups:
        raw = " ".join(w.text for w in group.words)
        text = clean_spoken(raw)
        text = sentence_case(casing.restore(text))
        if not text:
            continue
        first, last = group.words[0], group.words[-1]
        sentences.append(Sentence(start=first.start, end=max(last.end, first.start),
                                  text=text, speaker=first.speaker, boundary=group.boundary))
    return sentences


def sentence_starts(transcript: Transcript, model: BreakModel | None = None) -> list[int]:
    """Index of each sentence's first word in the cues' whitespace-split words.

    The same breaks as `split_sentences` (before display cleanup drops any sentence):
    for measuring boundaries against a reference transcript.
    """
    groups, _ = _sentence_groups(transcript, model=model)
    starts, pos = [], 0
    for group in groups:
        starts.append(pos)
        pos += len(group.words)
    return starts


def _sentence_groups(transcript: Transcript, casing: CasingRestorer | None = None,
                     model: BreakModel | None = None
                     ) -> tuple[list[_Group], CasingRestorer]:
    """The words of each sentence, and the casing learnt from `transcript`.

    The one place the breaks are decided, so that `split_sentences` and
    `sentence_starts` cannot drift apart.
    """
    words = list(_words(transcript))
    punctuated = is_punctuated(transcript)
    casing = casing or CasingRestorer.for_transcript(transcript, source_cased=punctuated)
    return (_group_words(words, punctuated, casing, model or default_model())
            if words else []), casing


def _group_words(words: list[_Word], punctuated: bool, casing: CasingRestorer,
                 model: BreakModel) -> list[_Group]:
    if punctuated:
        return [_Group(g) for g in _split_punctuated(words)]
    # a name may open a sentence ("Joe said…"); the captions' random capitals do not
    # make one, the transcript's evidence does
    return _split_unpunctuated(_named(words, casing), model)


def _named(words: list[_Word], casing: CasingRestorer) -> list[_Word]:
    names = {w.text: casing.is_name_word(_bare(w.text)) for w in words}
    return [replace(w, name=names[w.text]) if names[w.text] else w for w in words]


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


def _run_features(run: list[_Word]) -> list[list[str]]:
    """The break model's features of the gap before each word of `run` but the first."""
    bares = [bare(w.text) for w in run]
    padded = ["<s>", "<s>", *bares, "</s>", "</s>"]
    out = []
    for j in range(1, len(run)):
        prev, nxt = run[j - 1], run[j]
        new_cue = prev.cue != nxt.cue
        out.append(gap_features((padded[j], padded[j + 1]), (padded[j + 2], padded[j + 3]),
                                new_cue, nxt.start - prev.end if new_cue else 0.0, nxt.name))
    return out


def caption_gaps(transcript: Transcript) -> list[tuple[int, list[str]]]:
    """(index of the word after the gap among the cues' whitespace-split words, its
    features) for every gap inside a speaker's run of an unpunctuated transcript: what
    the break model is fitted on (scripts/train_breaks.py)."""
    words = list(_words(transcript))
    casing = CasingRestorer.for_transcript(transcript, source_cased=False)
    words = _named(words, casing)
    out, start = [], 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[i - 1].speaker:
            feats = _run_features(words[start:i])
            out.extend((start + j + 1, f) for j, f in enumerate(feats))
            start = i
    return out


NO_BREAK = -20.0  # log-odds of a gap no sentence ends at
SURE_BREAK = 10.0  # log-odds of a speaker change: a sentence ends there


def _gap_scores(run: list[_Word], model: BreakModel) -> list[float]:
    """The break model's log-odds for the gap before each word of `run` (0 for the first).
    No sentence ends on one letter other than "I": an initial ("Robert F Kennedy") or "a"."""
    return [0.0, *(NO_BREAK if len(w := _bare(run[k].text)) == 1 and w != "i"
                   else model.log_odds(f) for k, f in enumerate(_run_features(run)))]


# The partition of a run maximises the sum of its breaks' log-odds, less BREAK_COST per
# break and LENGTH_WEIGHT x the squared relative distance of each sentence from
# TARGET_WORDS (tuned with scripts/train_breaks.py on held-out episodes).
BREAK_COST = -0.5
LENGTH_WEIGHT = 0.5


def _length_penalty(length: int) -> float:
    return LENGTH_WEIGHT * ((length - TARGET_WORDS) / TARGET_WORDS) ** 2


def _split_unpunctuated(words: list[_Word], model: BreakModel) -> list[_Group]:
    """Speaker runs, each cut by dynamic programming: the breaks that maximise the sum
    of the break model's log-odds, minus a cost per break and a penalty for sentences far
    from TARGET_WORDS, with every sentence between MIN_WORDS and MAX_WORDS long (a run's
    last may be shorter). Each sentence keeps the log-odds that it is exactly one
    sentence (`_one_sentence_log_odds`)."""
    groups: list[_Group] = []
    start = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[i - 1].speaker:
            run = words[start:i]
            scores = _gap_scores(run, model)
            sure = [SURE_BREAK, *scores[1:], SURE_BREAK]  # a speaker change is certain
            groups.extend(_Group(run[a:b], _one_sentence_log_odds(sure[a], sure[b],
                                                                  scores[a + 1:b]))
                          for a, b in _best_breaks(scores))
            start = i
    return groups


def _one_sentence_log_odds(start: float, end: float, inner: list[float]) -> float:
    """Log-odds that a sentence is exactly one: a sentence starts at both of its cuts and
    at none of its inner gaps (the model's answers taken as independent).

    Measured on the 23 chaptered episodes' human transcripts (sentences of 8+ words):
    the top quarter by this score are 65 % single, rightly cut sentences, against 59 %
    for the top quarter by the weaker cut alone; the inner gaps are what that misses (a
    long run-on has many gaps the model half believes in).
    """
    log_p = _log_sigmoid(start) + _log_sigmoid(end) + sum(_log_sigmoid(-x) for x in inner)
    log_p = min(log_p, -1e-12)
    return log_p - math.log(-math.expm1(log_p))


def _log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def _best_breaks(gap_scores: list[float]) -> list[tuple[int, int]]:
    m = len(gap_scores)
    if m <= MIN_WORDS:
        return [(0, m)]
    scores = [*gap_scores, 0.0]
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
