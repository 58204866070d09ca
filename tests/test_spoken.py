"""Spoken-language tidying: fillers and false starts out, every content word kept."""

from __future__ import annotations

import random
import re

import pytest

from notegraph.text.spoken import clean_spoken, is_promo


@pytest.mark.parametrize(("raw", "clean"), [
    ("um so I I think that uh the the universe is, you know, very big",
     "so I think that the universe is very big"),
    ("it it's a thing and we we're done", "it's a thing and we're done"),
    ("I mean, the dark matter is you know everywhere", "the dark matter is everywhere"),
    ("he went there, you know.", "he went there."),
    ("I was always coding I was always I was making music",
     "I was always coding I was making music"),
    ("Joe he's he's a great general and I don't don't know why",
     "Joe he's a great general and I don't know why"),
    ("most custody cases are just that most custody cases are just a discussion",
     "most custody cases are just a discussion"),
    ("in the in the end we won", "in the end we won"),
    ("approached them with a first principles kind of approach MH",
     "approached them with a first principles kind of approach"),
    ("we had to design design it and why why would we", "we had to design it and why would we"),
    ("so they H we had a giant fight over it", "so they we had a giant fight over it"),
])
def test_fillers_and_false_starts_go(raw: str, clean: str) -> None:
    assert clean_spoken(raw) == clean


@pytest.mark.parametrize("text", [
    "do you know what I mean",
    "you know that it works",
    "I mean it",
    "no no no that is wrong",  # emphasis, not a false start
    "very very cold",
    "he had had enough",  # grammar
    "the more you know the more you learn",  # a saying, not a restart
    "we build houses we build roads",  # a parallel: content between the repeats
    "H. G. Wells wrote about the H-bomb",
])
def test_meaningful_uses_stay(text: str) -> None:
    assert clean_spoken(text) == text


def test_no_content_word_is_lost_or_changed() -> None:
    vocabulary = ["um", "uh", "you", "know", "I", "mean", "dark", "matter", "the", "galaxy",
                  "it", "it's", ","]
    rng = random.Random(7)
    for _ in range(2000):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30)))
        out = clean_spoken(text)
        # a restarted phrase says its words once: each content word stays, none is new
        assert set(_content(out)) == set(_content(text)), text
        assert set(re.findall(r"[\w']+", out)) <= set(re.findall(r"[\w']+", text))
        assert len(out.split()) <= len(text.split())


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w']+", text) if w in ("dark", "matter", "galaxy")]


def test_promo_reads() -> None:
    assert is_promo("To support this podcast, please check out our sponsors.")
    assert is_promo("This is the Lex Fridman podcast.")
    assert is_promo("And now dear friends here's Kimble Musk.")  # the intro's last line
    assert not is_promo("Dark matter holds galaxies together.")
    # the outro's closing quote and the intro's note on what comes after
    assert is_promo("Let me leave you with some words from Mahatma Gandhi an eye for an eye.")
    assert is_promo("At the end after the episode I'll start answering some questions.")
    assert not is_promo("He left you with nothing but words.")
