"""Key points from said sentences: which sentences make one, and how they are shown.

- `sentence_quality`: a prior in (0, 1] for a sentence as a stand-alone key point (length,
  questions, sponsor reads and pleasantries, fillers, a mid-sentence opening, a reference
  to something said before it).
- `refers_back`, `speaks_of_someone_unnamed`: a sentence that needs the one before it
  ("That's why…", "I said he's a populist…").
- `starts_mid_phrase`: a caption sentence that continues the previous one (no point).
- `with_continuation`: a sentence joined with the same speaker's next words while it
  breaks off mid-thought (caption breaks), so a point ends at a sentence end.
- `clean_point_text`: fillers and false starts out (`notegraph.text.spoken`), a capital
  and an end mark; no content word changes and nothing is cut.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from notegraph.models import Sentence
from notegraph.text.spoken import clean_spoken, is_promo
from notegraph.topics.people import looks_like_name
from notegraph.topics.words import STOPWORDS, VERBS

_LEADING_FILLER_RE = re.compile(
    r"^(?:(?:and|so|but|well|like|okay|ok|yeah|yes|oh|um|uh|right|now|look|i mean|you know)"
    r"\b[,.]?\s+)+",
    re.IGNORECASE,
)
_PLEASANTRY_RE = re.compile(r"\b(thank you|thanks (?:for|so much|a lot)|great to (?:see|have)"
                            r" you|nice to meet you|sorry|excuse me|pardon)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")
_CONTENT_RE = re.compile(r"[a-z0-9][a-z0-9'-]*")
MAX_POINT_WORDS = 55
# An auto-caption sentence is weighed by P(one sentence) at its log-odds + a shift
# (`Sentence.boundary`). The candidates' floor (quality 0.5) uses POOL_SHIFT: as many
# pass it as passed the weaker cut at + 1 before. Ranking uses RANK_SHIFT, steeper, so the
# points picked are the likelier single sentences; used for the floor as well it left 37
# of 437 topic notes with one point or none (scripts/eval_key_points.py).
POOL_SHIFT = 2.5
RANK_SHIFT = 1.0
# a lower-case word rarer than this in English (Zipf scale; "reentering" is 2.1, caption
# near-misses such as "beauti" 1.7 or "blankin" 0) and said once is taken as misheard
MISHEARD_ZIPF = 1.8
_LOWER_WORD_RE = re.compile(r"(?<![\w'’-])[a-z][a-z']+(?![\w'’-])")
# third-person verbs that open a sentence without a subject and still read well
_SUBJECTLESS_OK = frozenset(["is", "was", "does", "has", "turns", "seems", "sounds", "looks",
                             "says"])
# "it" is not here: as an object it ends a sentence ("we did it", "afraid of it"); as a
# subject it follows a clause opener ("… but it"), which `ends_open` checks. ("this" is:
# "I will say this" announces what follows.)
_DANGLING_TEXT = """
a an the and or but so because that which who to of in on for with at by from as is are was
were be it's there's i you we they he she this like maybe just think mean know if then than
said saying thinking wondering asked asking also
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
# Openings that point back at what was said before ("That's why…", "He did it…"): such
# a sentence needs the previous one to make sense.
_BACK_REFERENCE_RE = re.compile(
    r"^(?:that|this|these|those|it(?!'s|\s+(?:turns out|seems|is (?:not |also )?(?:hard|easy|"
    r"important|possible|impossible|true|clear|interesting)))|he|she|they|them|him|her|his|"
    r"their|which|exactly|yes|no|yeah|right|true|same|both|such|also|too|again|otherwise)\b",
    re.IGNORECASE)


def clean_point_text(text: str) -> str:
    """Display text of a key point: the said sentence without fillers and false starts,
    a capital first letter and an end mark. Never reworded, never cut."""
    text = clean_spoken(" ".join(text.split()))
    stripped = _LEADING_FILLER_RE.sub("", text).strip(" ,")
    text = stripped if len(stripped.split()) >= 4 else text
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".?!\"'”":
        text = text.rstrip(",;:- ") + "."
    return text


_PERSON_RE = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.IGNORECASE)
_NEXT_STEP_RE = re.compile(r"^(?:(?:and|but|so) )?then\b", re.IGNORECASE)
# a stance before the claim ("I think that's the kind of friendship…"): what follows it
# is what opens the sentence
_STANCE_RE = re.compile(r"^(?:i (?:think|guess|believe|feel like|would say|'d say)"
                        r"(?: that)?\s+)", re.IGNORECASE)


def speaks_of_someone_unnamed(text: str) -> bool:
    """Does the sentence say "he"/"she" before naming anyone (a capitalised word after
    its first, other than "I")? Then the person was named before it."""
    m = _PERSON_RE.search(text)
    if not m:
        return False
    before = text[:m.start()].split()[1:]
    return not any(w[:1].isupper() and w != "I" and not w.startswith("I'") for w in before)


def refers_back(text: str) -> bool:
    """Does the sentence (after its fillers and a stance such as "I think") open by
    pointing at what came before?"""
    opening = _STANCE_RE.sub("", _LEADING_FILLER_RE.sub("", text.strip()).lstrip())
    return bool(_BACK_REFERENCE_RE.match(opening))


# "… but sometimes", "… and there probably": a sentence whose last words open a clause
# that never comes was cut at a pause
_OPEN_CLAUSE_TEXT = "but and or because so if when whether that which where than like"
_OPEN_CLAUSE = frozenset(_OPEN_CLAUSE_TEXT.split())
# an unpunctuated question ("how do you make things happen", "is it possible that")
_QUESTION_RE = re.compile(
    r"^(?:(?:describe|tell (?:me|us)|talk (?:to me )?about|explain|take (?:me|us) through|"
    r"walk (?:me|us) through|let's talk|let me (?:just )?ask|"
    r"let's (?:continue|go back|move on|switch|see|pick up))\b|"
    r"(?:how|why|what|where|when|who|do|does|did|can|could|would|will|is|are|was|were|"
    r"should|have|has)\s+(?:do|does|did|would|should|can|could|is|are|was|were|you|we|they|"
    r"it|there|i|he|she|that|this|those|these|your|the)\b|"
    r"(?:isn't|aren't|wasn't|weren't|doesn't|don't|didn't|won't|wouldn't|can't|couldn't|"
    r"shouldn't)\s+(?:it|you|we|they|there|that|this|he|she)\b|"
    r"(?:do|does|did)\s+(?:a|an|any|all|some|most|many|people)\b|"
    r"how (?:long|much|many|often|far|big|important|hard|close)\b|"
    r"i wonder (?:if|whether|what|how|why)\b)", re.IGNORECASE)
# an interviewer's question after a lead-in ("Let's start with a practical one what are
# your thoughts about BCIs"): anywhere in the sentence
_ASKS_RE = re.compile(r"\b(?:what are your thoughts|what do you think|what's your take|"
                      r"how do you (?:think|feel|see)|(?:do|did|would|could|can|will|are|"
                      r"were|have) you (?!know\b|guys\b)\w+|"
                      r"you (?:can|could) (?:tell|describe|explain|walk|take) (?:me|us)|"
                      r"let me (?:just )?ask you|(?:take|walk) (?:me|us) through|"
                      r"can we (?:go back|talk|get))\b", re.IGNORECASE)


def ends_open(text: str) -> bool:
    """Does the sentence stop before its thought ends ("… the", "… but sometimes")?"""
    if text.rstrip().endswith(("...", "…")) or _open_quote(text):
        return True
    words = [w.lower().strip(",;:") for w in text.rstrip(" .?!…").split()]
    return bool(words) and (words[-1] in _DANGLING or (
        len(words) >= 3 and words[-2] in _OPEN_CLAUSE))


def _open_quote(text: str) -> bool:
    """A quotation opened and not closed ('… called and said, "Hey, we destabilize.'):
    the sentence was cut inside what was quoted."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def is_question(text: str) -> bool:
    """A question, punctuated or not (auto-captions have no "?")."""
    text = text.rstrip()
    opening = _LEADING_FILLER_RE.sub("", re.sub(r"^(?:and )?then\s+", "", text,
                                               flags=re.IGNORECASE))
    return text.endswith("?") or bool(_QUESTION_RE.match(opening)) \
        or bool(_ASKS_RE.search(text))


def sentence_quality(sentence: Sentence, shift: float = RANK_SHIFT) -> float:
    """A prior in (0, 1]: how good a sentence is as a stand-alone key point. `shift`:
    how much doubt about an auto-caption sentence's cuts weighs (lower: more)."""
    n = len(_WORD_RE.findall(sentence.text))
    q = 0.1 if n < 6 else 0.3 if n < 8 else 0.6 if n < 10 else 1.0 if n <= 35 else \
        0.8 if n <= 45 else 0.6 if n <= MAX_POINT_WORDS else 0.2
    if is_question(sentence.text):
        q *= 0.3  # a listener keeps the answers
    if is_promo(sentence.text):
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
    if ends_open(sentence.text):  # a caption sentence cut mid-thought reads badly alone
        q *= 0.5
    if refers_back(sentence.text):
        q *= 0.45  # "That's why…": needs the sentence before it
    if _NEXT_STEP_RE.match(sentence.text):
        q *= 0.6  # "Then the theatrical nature of it…": the next step of a story told
    if speaks_of_someone_unnamed(sentence.text):
        q *= 0.6  # "I said he's a populist…": who he is was said sentences before
    if first.endswith("s") and first in VERBS and first not in _SUBJECTLESS_OK:
        q *= 0.4  # "Removes time…": the caption cut off its subject
    if sentence.boundary is not None:
        # auto-captions: a sentence the break model doubts is one sentence is more often
        # a fragment or two sentences run together (scripts/eval_key_points.py)
        q *= 1.0 / (1.0 + math.exp(-(sentence.boundary + shift)))
    return q


def misheard_words(texts: Sequence[str]) -> frozenset[str]:
    """Lower-case words of `texts` said once and (almost) unknown to English.

    Auto-captions turn an unfamiliar word into a near-miss ("beauti", "blankin"); said
    once and unknown to `wordfreq`, such a word is more likely a mishearing than a term,
    and a key point built on it reads as garbage. (Names are capitalized; terms recur.)
    """
    from wordfreq import zipf_frequency  # loads its word list on first use

    said = Counter(w for t in texts for w in _LOWER_WORD_RE.findall(t.lower()))
    lower = {w for t in texts for w in _LOWER_WORD_RE.findall(t)}
    return frozenset(w for w in lower
                     if said[w] == 1 and zipf_frequency(w, "en") < MISHEARD_ZIPF)


def has_misheard(text: str, misheard: frozenset[str]) -> bool:
    """Does `text` contain one of the `misheard` words?"""
    return bool(misheard) and any(w in misheard for w in _LOWER_WORD_RE.findall(text))



def with_continuation(sentences: Sequence[Sentence], i: int, max_words: int = 45) -> str:
    """Sentence `i`, joined with the next ones while it breaks off mid-thought.

    Caption sentences are often cut at a pause ("… and there's"); the same speaker's
    next words, said right after, complete it. The point still starts at sentence `i`.
    """
    text = sentences[i].text.strip()
    j = i
    while j + 1 < len(sentences):
        nxt = sentences[j + 1]
        open_end = ends_open(text) or starts_mid_phrase(sentences[j], nxt)
        if not open_end or nxt.speaker != sentences[i].speaker or \
                nxt.start - sentences[j].end > 1.5 or \
                len(text.split()) + len(nxt.text.split()) > max_words:
            break
        if _open_quote(text) and text.rstrip()[-1:] in ".?!":
            text = text.rstrip() + " " + nxt.text  # a quote of several sentences: as said
            j += 1
            continue
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
