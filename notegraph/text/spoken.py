"""Spoken-language tidying for display: fillers and false starts out, content words kept.

`clean_spoken` removes what a reader does not need from a said sentence — "um", "uh",
a "you know" or "I mean" used as a filler, a doubled little word ("I I", "the the"), a
false start before its contraction ("it it's") and a restarted clause ("I was always I
was making" → "I was making") — and never touches another word, so
the text stays what was said (the grounding check still finds its words at its time).
`is_promo` tells sponsor, intro and outro reads, which are no key point.
"""

from __future__ import annotations

import re

_HESITATION_RE = re.compile(r"(?<![\w'])(?:um+|uh+|uhm|erm|er|ah|hmm+|mm+|mhm)(?![\w'])[,.]?\s*",
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
_DOUBLE_TEXT = """
i the a an and to it we you that is of in so they he she but what this there was are be
it's that's i'm we're they're you're my our on for with if just like
he's she's there's what's i've we've you've they've don't can't didn't doesn't isn't
have has were
"""
_DOUBLE = frozenset(_DOUBLE_TEXT.split())
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
_SPACES_RE = re.compile(r"\s+")
_SPACE_PUNCT_RE = re.compile(r"\s+([,.?!;:])")
_DOUBLE_COMMA_RE = re.compile(r",\s*(?=[,.?!;:])")

_PROMO_RE = re.compile(
    r"\b(?:sponsors?|sponsored|promo code|use (?:the )?code|check out our|support (?:it|this|"
    r"the) (?:podcast|show|channel)|subscribe|brought to you by|patreon|this is the [\w' ]{1,30}"
    r"podcast|welcome (?:back )?to (?:the|this|my|our)|the following is a conversation|"
    r"here'?s my conversation|dear friends,? here'?s|"
    r"thanks for (?:listening|watching|having me|coming on)|"
    r"see you (?:next time|guys)|link in the description)\b", re.IGNORECASE)


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
    out = _DOUBLE_COMMA_RE.sub("", _SPACE_PUNCT_RE.sub(r"\1", _SPACES_RE.sub(" ", out)))
    out = out.strip(" ,")
    if len(out.split()) < 0.5 * len(original.split()):
        return original
    return out


def _undouble(m: re.Match[str]) -> str:
    word = m.group(1)
    return word if word.lower() in _DOUBLE else m.group(0)


def is_promo(text: str) -> bool:
    """A sponsor, intro or outro read ("check out our sponsors", "welcome to the show")."""
    return bool(_PROMO_RE.search(text))
