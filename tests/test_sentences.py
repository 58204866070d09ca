"""Cues → sentences: boundaries, honest times, casing and filler cleanup."""

from __future__ import annotations

import math

import pytest

from notegraph.models import Cue, Transcript
from notegraph.text.breaks import default_model
from notegraph.text.sentences import (
    caption_gaps,
    is_punctuated,
    sentence_starts,
    split_sentences,
)
from notegraph.text.spoken import clean_spoken


def _transcript(cues, title="A talk", channel="Some Show"):
    return Transcript(video_id="vid", title=title, channel=channel, language="en",
                      source="test", is_generated=False, duration=cues[-1].end, cues=tuple(cues))


def test_punctuated_sentences_take_the_start_of_their_first_cue():
    t = _transcript([
        Cue(0.0, 3.0, "Hello and welcome. Today we talk", "Ann"),
        Cue(3.0, 6.0, "about dark matter, which is strange.", "Ann"),
        Cue(6.0, 8.0, "Is it? Dr. Smith says so.", "Bob"),
    ])
    assert is_punctuated(t)
    got = [(s.start, s.end, s.text, s.speaker) for s in split_sentences(t)]
    assert got == [
        (0.0, 3.0, "Hello and welcome.", "Ann"),
        # starts in cue 0, ends in cue 1
        (0.0, 6.0, "Today we talk about dark matter, which is strange.", "Ann"),
        (6.0, 8.0, "Is it?", "Bob"),
        (6.0, 8.0, "Dr. Smith says so.", "Bob"),  # no break after the abbreviation
    ]


def test_speaker_change_ends_a_sentence_even_without_punctuation():
    t = _transcript([
        Cue(0.0, 2.0, "So what do you think.", "Ann"),
        Cue(2.0, 4.0, "well I think that", "Ann"),
        Cue(4.0, 6.0, "Yes. Absolutely.", "Bob"),
    ])
    got = split_sentences(t)
    assert [s.speaker for s in got] == ["Ann", "Ann", "Bob", "Bob"]
    assert got[1].text == "Well I think that"
    assert got[2].start == 4.0


def test_long_cues_are_interpolated_by_word_position_and_never_late():
    words = "One two three four. Five six seven eight."
    t = _transcript([Cue(100.0, 120.0, words)])
    first, second = split_sentences(t)
    assert first.start == 100.0
    # "Five" begins half-way through the characters: ~110 s, rounded down
    assert 109.0 <= second.start <= 110.0
    assert second.end == pytest.approx(120.0)


AUTO = [
    "so i think the the most important thing",
    "um is that you know we never really",
    "understood dark matter and lisa and i",
    "talked about it yesterday at harvard",
    "so what do you think about the bullet cluster because it",
    "is uh the best evidence we have for it",
    "and the the galaxies there collided",
]


def test_auto_captions_are_split_cased_and_cleaned():
    cues = [Cue(i * 3.0, i * 3.0 + 3.0, text, "Lisa Randall" if i < 4 else "Lex Fridman")
            for i, text in enumerate(AUTO)]
    t = _transcript(cues, title="Lisa Randall: Dark Matter", channel="Lex Fridman")
    assert not is_punctuated(t)
    got = split_sentences(t)
    # sentence times are cue starts; the speaker change at cue 4 starts a new sentence
    assert got[0].start == 0.0
    assert all(s.start in {c.start for c in cues} for s in got)
    assert any(s.start == 12.0 and s.speaker == "Lex Fridman" for s in got)
    assert all(s.speaker == "Lisa Randall" for s in got if s.start < 12.0)
    text = " ".join(s.text for s in got)
    assert "um" not in text.split() and "uh" not in text.split()
    assert "the the" not in text
    assert "Lisa and I talked" in text  # name from speakers, "I" restored
    assert all(s.text[0].isupper() for s in got)
    # every spoken content word survives, in order
    assert "understood dark matter" in text  # title words are not names by themselves
    assert "at Harvard" not in text  # nor is a word nobody capitalized


def test_sentence_starts_index_the_words_that_open_split_sentences():
    # sentence_starts feeds the boundary benchmark: it must report the very breaks
    # split_sentences makes, as indices into the cues' whitespace-split words
    t = _transcript([
        Cue(0.0, 3.0, "Hello and welcome. Today we talk", "Ann"),
        Cue(3.0, 6.0, "about dark matter, which is strange.", "Ann"),
        Cue(6.0, 8.0, "Is it? Dr. Smith says so.", "Bob"),
    ])
    words = [w for c in t.cues for w in c.text.split()]
    starts = sentence_starts(t)
    assert starts == [0, 3, 12, 14]
    assert [words[i] for i in starts] == [s.text.split()[0] for s in split_sentences(t)]
    auto = _transcript([Cue(i * 3.0, i * 3.0 + 3.0, text, "A") for i, text in enumerate(AUTO)])
    assert sentence_starts(auto)[0] == 0
    assert len(sentence_starts(auto)) == len(split_sentences(auto))


def test_auto_captions_are_not_cut_into_tiny_sentences():
    cues = [Cue(i * 2.0, i * 2.0 + 2.0, "and we went there and then we came back home", "A")
            for i in range(20)]
    got = split_sentences(_transcript(cues))
    lengths = [len(s.text.split()) for s in got]
    assert max(lengths) <= 40
    assert min(lengths[:-1]) >= 8


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("um so I think, you know, the point is", "So I think the point is"),
        ("I mean, I mean it was great", "I mean it was great"),
        ("in the in the end uh we won", "In the end we won"),
        ("you know I was there with my brother you know", "I was there with my brother"),
        ("it was like you know amazing", "It was like amazing"),
        ("Uh, what?", "What?"),
        ("do you know what he said", "Do you know what he said"),  # not a filler
        ("the umbrella is red", "The umbrella is red"),  # "um" only as a word
    ],
)
def test_clean_spoken(raw, clean):
    text = clean_spoken(raw)
    assert text[0].upper() + text[1:] == clean


def test_empty_transcript_gives_no_sentences():
    t = Transcript(video_id="v", title="", channel="", language="en", source="x",
                   is_generated=True, duration=0.0)
    assert split_sentences(t) == []


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("so i think i'm right, i.e. i know", "So I think I'm right, i.e. I know"),
        ("wiki is big; pi is not", "Wiki is big; pi is not"),
        ("he said \"i\" and left.", "He said \"I\" and left."),
    ],
)
def test_pronoun_i_is_restored(raw, fixed):
    t = _transcript([Cue(0.0, 3.0, raw, None)])
    assert " ".join(s.text for s in split_sentences(t)) == fixed


def test_punctuated_source_with_lowercase_i_gets_it_fixed():
    t = _transcript([Cue(0.0, 3.0, "Well, i don't think so. Do you?", "Ann")])
    assert [s.text for s in split_sentences(t)] == ["Well, I don't think so.", "Do you?"]


def test_casing_follows_the_captions_own_spelling_of_names():
    lines = ["we use WhatsApp a lot and the NPCs too", "everyone on WhatsApp loves the NPCs",
             "so whatsapp and npcs are the point", "and it was Nuance that made it though",
             "there is nuance in it and nuance matters a lot", "so nuance is the thing"]
    cues = [Cue(i * 3.0, i * 3.0 + 3.0, text) for i, text in enumerate(lines)]
    text = " ".join(s.text for s in split_sentences(_transcript(cues)))
    assert "WhatsApp and NPCs are the point" in text
    # a word the engine capitalized once among many lower-case uses is lowered
    assert "Nuance" not in text.replace(". Nuance", "")
    assert "was nuance that" in text


def test_auto_captions_are_not_cut_before_a_word_that_continues_the_phrase():
    # a new caption line starts on "government": mid-phrase, so the break goes before
    # "so", the clause opener two lines later, not at the line break
    lines = ["we talked about the history of the war and the israeli",
             "government to the prime minister of that time and what they",
             "said so that was the first part of it and it took years to get there",
             "yeah it was a long road for all of them"]
    cues = [Cue(i * 4.0, i * 4.0 + 4.0, text) for i, text in enumerate(lines)]
    texts = [s.text for s in split_sentences(_transcript(cues))]
    assert not any(t.lower().startswith("government") for t in texts)
    assert any(t.startswith(("So that was", "Yeah it was")) for t in texts)


def test_auto_captions_never_end_a_sentence_on_an_initial():
    # the captions of Lex Fridman #388: a line ends on "F", and the break model alone
    # cut "...listen to Robert F." from "Kennedy Jr his arguments"
    lines = ["i recommend that people read and listen to Robert F",
             "Kennedy Jr his arguments and his ideas and i think that is",
             "what a good conversation is about in the end"]
    cues = [Cue(i * 4.0, i * 4.0 + 3.0, text) for i, text in enumerate(lines)]
    texts = [s.text for s in split_sentences(_transcript(cues))]
    assert not any(t.rstrip(".?!").endswith((" F", " a")) for t in texts), texts
    assert any("Robert F Kennedy" in t for t in texts), texts


def test_auto_caption_sentences_say_how_sure_their_cuts_are():
    lines = ["so we went to the lab and we measured it for a week",
             "and then the results came in and they were wrong",
             "okay so what did you do next"]
    cues = [Cue(i * 4.0, i * 4.0 + 3.0, text, "A" if i < 2 else "B")
            for i, text in enumerate(lines)]
    got = split_sentences(_transcript(cues))
    assert [s.speaker for s in got] == ["A", "A", "B"]
    # each is exactly one sentence at most as surely as the cut the model chose between
    # A's two sentences: the log-odds of both cuts right and no sentence end inside
    model = default_model()
    gaps = dict(caption_gaps(_transcript(cues)))
    cut = model.log_odds(gaps[13])  # before "and then the results"
    assert got[0].boundary < cut and got[1].boundary < cut

    words = lines[0].split()

    def log_p(k: int) -> float:  # log P(no sentence starts before caption word k)
        if len(words[k - 1]) == 1:  # no sentence ends on "a"
            return 0.0
        return -math.log1p(math.exp(model.log_odds(gaps[k])))

    first = (-math.log1p(math.exp(-10.0)) - math.log1p(math.exp(-cut))
             + sum(log_p(k) for k in range(1, 13)))
    assert got[0].boundary == pytest.approx(first - math.log(-math.expm1(first)))
    # B's question: a speaker change on one side, the run's end on the other, so only
    # its inner gaps leave doubt ("okay | so" most)
    last = -2 * math.log1p(math.exp(-10.0)) + sum(
        -math.log1p(math.exp(model.log_odds(gaps[k]))) for k in range(24, 30))
    assert got[-1].boundary == pytest.approx(last - math.log(-math.expm1(last)))
    punctuated = _transcript([Cue(0.0, 3.0, "Hello there. We measured it.", "A")])
    assert all(s.boundary is None for s in split_sentences(punctuated))
