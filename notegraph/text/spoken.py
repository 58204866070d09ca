"""Spoken-language tidying for display: fillers and false starts out, content words kept.

`clean_spoken` removes what a reader does not need from a said sentence — "um", "uh",
a "you know" or "I mean" used as a filler, a stuttered word ("I I", "the the"; not one
doubled for emphasis, "very very"), a
false start before its contraction ("it it's"), a phrase said twice ("in the in the")
and a restarted clause ("I was always I was making" → "I was making", "cases are just
that most cases are just a discussion") — and never touches another word, so
the text stays what was said (the grounding check still finds its words at its time).
`is_promo` tells sponsor, intro and outro reads, which are no key point.
"""

from __future__ import annotations

import re

# ("MH" is how YouTube's auto-captions write a listener's "mm-hmm")
# a lone "H" is how the caption engine writes a hesitation ("they H we had a fight": 22
# times in the 23 chaptered episodes, never a word); "H." and "H-bomb" stay
_HESITATION_RE = re.compile(
    r"(?<![\w'])(?:um+|uh+|uhm|erm|er|ah|hmm+|mm+|mhm|mh|h(?![.\-]))(?![\w'])[,.]?\s*",
    re.IGNORECASE)
# "you know" / "I mean" as fillers: not after words that make them a real clause ("do you
# know", "what I mean") and not before an object ("you know that…", "I mean it").
_YOU_KNOW_RE = re.compile(
    r"(?:,\s*)?(?<![\w'])(?<!do )(?<!did )(?<!don't )(?<!if )(?<!what )(?<!would )(?<!as )"
    r"(?<!than )(?<!to )(?<!could )(?<!as far as )(?<!let )(?<!you )(?<!so )"
    r"you know(?![\w'])(?!\s+(?:what|how|that|why|who|where|when|it|him|her|them|"
    r"this|about|the|a|if|whether|of|me|each|everything|anything|nothing|something|"
    r"someone|somebody|more|less|better|exactly)\b),?",
    re.IGNORECASE)
_I_MEAN_RE = re.compile(
    r"(?:,\s*)?(?<![\w'])(?<!what )(?<!that's )(?<!if )(?<!you know )(?<!do )(?<!don't )"
    r"i mean(?![\w'])(?!\s+(?:it|that|this|what|to|by|the|a|you|him|her|them|"
    r"well|something|anything|nothing|business|no)\b),?",
    re.IGNORECASE)
# A word said twice in a row is a stutter ("I I", "design design", "why why") unless it
# is said so for emphasis ("very very cold", "no no no") or by grammar ("had had").
_EMPHASIS_TEXT = """
very really so no yes yeah big much more many super way too far long little tiny bye
blah ha haha la had
"""
EMPHASIS = frozenset(_EMPHASIS_TEXT.split())
_DOUBLED_RE = re.compile(r"(?<![\w'])([\w']+)(?:[,.]?\s+\1)+(?![\w'])", re.IGNORECASE)
# a false start before the contraction that says it again: "it it's", "I I'm", "we we're"
_FALSE_CONTRACTION_RE = re.compile(
    r"(?<![\w'])(i|it|we|you|they|he|she|that|there|what)\s+(?=\1'\w)", re.IGNORECASE)
# a restarted phrase: "I was always I was making", "we have to we have to go" — the
# first try goes when it opens like a clause (a pronoun or article first)
_RESTART_RE = re.compile(
    r"(?<![\w'])((?:i|we|you|they|he|she|it|that|there|this|the|a)\s+[\w']+)"
    r"(?:\s+(?:always|just|really|actually|also|never|not|like|so|very|kind of|sort of|"
    r"gonna|going to|the|a|an))?\s+(?=\1(?![\w']))", re.IGNORECASE)
# the words between a phrase and its restart ("most custody cases are just that most
# custody cases are just a discussion"); a content word or a conjunction there makes it a
# parallel ("we build houses we build roads", "…building but the building…"), which stays
_RESTART_GLUE_TEXT = "that like so well actually basically"
_RESTART_GLUE = frozenset(_RESTART_GLUE_TEXT.split())
_LEADING_MARKS_RE = re.compile(r"^[\s,;:.\-–—]+")
_SPACES_RE = re.compile(r"\s+")
_SPACE_PUNCT_RE = re.compile(r"\s+([,.?!;:])")
_DOUBLE_COMMA_RE = re.compile(r",\s*(?=[,.?!;:])")

_PROMO_RE = re.compile(
    r"\b(?:sponsors?|sponsored|promo code|use (?:the )?code|check out our|support (?:it|this|"
    r"the) (?:podcast|show|channel)|subscribe|brought to you by|patreon|this is the [\w' ]{1,30}"
    r"podcast|welcome (?:back )?to (?:the|this|my|our)|the following is a conversation|"
    r"here'?s my conversation|dear friends,? here'?s|"
    r"thanks for (?:listening|watching|having me|coming on)|"
    r"see you (?:next time|guys)|link in the description|"
    r"leave you with (?:some |a few )?(?:words|a quote)|after the episode)\b", re.IGNORECASE)


def clean_spoken(text: str) -> str:
    """`text` without hesitations, filler "you know"/"I mean" and false starts.

    Only words that carry nothing are removed; every other word keeps its place and
    spelling. A text that would lose more than half of its words is returned as is
    (then the fillers are the sentence).
    """
    original = " ".join(text.split())
    out = _HESITATION_RE.sub(" ", original)
    out = _YOU_KNOW_RE.sub(" ", out)
    out = _I_MEAN_RE.sub(" ", out)
    out = _FALSE_CONTRACTION_RE.sub("", out)
    out = _DOUBLED_RE.sub(_undouble, out)
    out = _RESTART_RE.sub("", out)
    out = _drop_repeated_runs(out)
    out = _DOUBLE_COMMA_RE.sub("", _SPACE_PUNCT_RE.sub(r"\1", _SPACES_RE.sub(" ", out)))
    out = _LEADING_MARKS_RE.sub("", out).strip(" ,")
    if len(out.split()) < 0.5 * len(original.split()):
        return original
    return out


def _drop_repeated_runs(text: str) -> str:
    """A run of 2–4 words said twice in a row ("in the in the end") keeps its second
    copy (it carries what follows); so does a run of 3+ words restarted after one or two
    glue words ("…cases are just that most custody cases are just…")."""
    toks = text.split()
    keys = [bare_token(t) for t in toks]
    i = 0
    out: list[str] = []
    while i < len(toks):
        skip = _repeat_at(keys, i)
        if skip:
            i += skip
            continue
        out.append(toks[i])
        i += 1
    return " ".join(out)


def _repeat_at(keys: list[str], i: int) -> int:
    """How many words from `i` are a first try said again right after (0: none)."""
    for size in (6, 5, 4, 3, 2):
        run = keys[i:i + size]
        if len(run) < size or not all(run):
            continue
        for gap in ((0, 1, 2) if size >= 3 else (0,)):
            between = keys[i + size:i + size + gap]
            if all(w in _RESTART_GLUE for w in between) and \
                    keys[i + size + gap:i + 2 * size + gap] == run:
                return size + gap
    return 0


def bare_token(token: str) -> str:
    """A token lower-cased, without the punctuation around it (for comparing words)."""
    return token.lower().strip(".,;:!?\"'()[]“”‘’-—…")


def _undouble(m: re.Match[str]) -> str:
    word = m.group(1)
    return m.group(0) if word.lower() in EMPHASIS else word


def is_promo(text: str) -> bool:
    """A sponsor, intro or outro read ("check out our sponsors", "welcome to the show")."""
    return bool(_PROMO_RE.search(text))
