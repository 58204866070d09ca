"""People: precision first — names from metadata, speakers and careful text matching."""

from __future__ import annotations

import pytest

from notegraph.topics.people import (
    looks_like_name,
    mentions,
    misspells_known,
    names_in_text,
    part_of_known,
    people_from_metadata,
    said_as_a_thing,
    speaker_name,
    speakers_from_metadata,
)


@pytest.mark.parametrize(("title", "channel", "expected"), [
    ("Lisa Randall: Dark Matter, Theoretical Physics | Lex Fridman Podcast #403",
     "Lex Fridman", ["Lisa Randall", "Lex Fridman"]),
    ("Tal Wilkenfeld: Music, Guitar, Jeff Beck, Prince, and Leonard Cohen | Lex Fridman "
     "Podcast #408", "Lex Fridman", ["Tal Wilkenfeld", "Lex Fridman", "Jeff Beck",
                                     "Leonard Cohen"]),
    ("An interview with Jane Doe", "Big Think", ["Jane Doe"]),
    ("Dark Matter Explained", "Veritasium", []),
    ("Board Saga: what happened", "Some Channel", []),
])
def test_people_from_metadata(title: str, channel: str, expected: list[str]) -> None:
    assert people_from_metadata(title, channel) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Lisa Randall", True), ("San Francisco", False), ("Big Think", False),
    ("Crossroads Festival", False), ("Lex Fridman Podcast", False), ("dark matter", False),
])
def test_looks_like_name(text: str, expected: bool) -> None:
    assert looks_like_name(text) is expected


def test_names_in_text_needs_repetition_and_no_lower_case_use() -> None:
    texts = [
        "Jeff Beck played at the Crossroads Festival.", "Later Jeff Beck smiled.",
        "The festival was loud.", "We flew to San Francisco. San Francisco was cold.",
        "Eric Clapton was there once.", "So Ilya Sutskever left. But Ilya Sutskever came back.",
    ]
    found = names_in_text(texts)
    assert "Jeff Beck" in found and "Ilya Sutskever" in found
    assert "San Francisco" not in found  # not a first name
    assert "Eric Clapton" not in found  # said once and not known: not sure enough
    assert names_in_text(texts, known=["Eric Clapton"]).count("Eric Clapton") == 1


def test_mentions_full_names_any_case_but_single_names_only_capitalized() -> None:
    people = ["Mark Zuckerberg", "Lex Fridman"]
    assert mentions("we talked to mark zuckerberg about it", people) == ["Mark Zuckerberg"]
    assert mentions("Zuckerberg said so", people) == ["Mark Zuckerberg"]
    assert mentions("mark my words", people) == []
    assert mentions("talk to elon musk", people, full_only=["Elon Musk"]) == ["Elon Musk"]
    assert mentions("Musk said", people, full_only=["Elon Musk"]) == []


@pytest.mark.parametrize(("label", "name"), [
    ("Lex Fridman", "Lex Fridman"), ("Sam", "Sam"), ("SPEAKER_01", None), ("Host", None),
    ("<b>Eve</b>", None), ("", None), (None, None), ("Speaker 2", None),
    ("MUSIC", None), ("Applause", None),  # sound labels of a human transcript
])
def test_only_speaker_labels_that_look_like_names_are_people(label: str | None,
                                                            name: str | None) -> None:
    assert speaker_name(label) == name


def test_names_listed_as_topics_are_people_but_not_speakers() -> None:
    title = "Tal Wilkenfeld: Music, Jeff Beck, and Leonard Cohen | Lex Fridman Podcast #408"
    assert speakers_from_metadata(title, "Lex Fridman") == ["Tal Wilkenfeld", "Lex Fridman"]
    assert "Jeff Beck" in people_from_metadata(title, "Lex Fridman")


def test_auto_captions_need_more_evidence_for_a_name() -> None:
    texts = ["Janice Joplin sang.", "Then Janice Joplin left."]
    assert names_in_text(texts) == ["Janice Joplin"]
    assert names_in_text(texts, min_count=3) == []


def test_punctuated_full_name_once_then_surname_alone_is_a_person() -> None:
    texts = ["In 1966, Joseph Weizenbaum wrote ELIZA, a tiny program.",
             "Weizenbaum was shocked that people confided in it.",
             "Alan Turing's whole idea was a test.", "Turing proposed the imitation game.",
             "Tomás Ibarra builds models.", "Rodney Brooks made the same point."]
    found = names_in_text(texts, surname_counts=True)
    assert {"Joseph Weizenbaum", "Alan Turing"} <= set(found)
    assert "Rodney Brooks" not in found  # said once, surname never again: not enough
    # captions (no surname evidence) keep asking for the full name twice
    assert "Joseph Weizenbaum" not in names_in_text(texts)
    assert "Tomás Ibarra" in names_in_text([*texts, "Tomás Ibarra, thank you."])


def test_countries_and_acronyms_are_no_lone_first_names() -> None:
    from notegraph.topics.people import is_country, is_first_name
    from notegraph.writers.naming import a_first_name

    # gender-guesser lists all of these as given names
    assert all(is_first_name(w) for w in ("Israel", "Jordan", "Iran", "NATO", "Eliza"))
    assert is_country("Israel") and is_country("iran") and not is_country("Eliza")
    assert not any(a_first_name(w) for w in ("Israel", "Jordan", "Iran", "NATO", "AI"))
    assert a_first_name("Eliza") and a_first_name("Ilya")


@pytest.mark.parametrize(("name", "known", "merged"), [
    ("Peter Levels", ["Pieter Levels"], True),
    ("John Stewart", ["Jon Stewart"], True),
    ("Eric Trump", ["Donald Trump"], False),
    ("Jill Biden", ["Joe Biden"], False),
    ("Pieter Levels", ["Pieter Levels"], False),  # the known name itself
    ("Andrew Callahan", ["Andrew Callaghan"], True),  # a misheard surname
    ("Mark Cuban", ["Mark Kelly"], False),
])
def test_misspelled_known_names_are_not_new_people(name: str, known: list[str],
                                                    merged: bool) -> None:
    assert misspells_known(name, known) is merged
    texts = [f"I spoke with {name} about it.", f"{name} said so again."]
    assert (name in names_in_text(texts, known=known)) is (not merged or name in known)


def test_a_rarer_spelling_of_a_name_said_in_the_text_is_the_same_person() -> None:
    texts = ["Jon Stewart said it.", "Jon Stewart again.", "Jon Stewart once more.",
             "John Stewart on the show.", "John Stewart there."]
    assert names_in_text(texts) == ["Jon Stewart"]


def test_a_name_said_after_the_is_a_thing_not_a_person() -> None:
    texts = ["We signed the Abraham Accords in 2020.", "The Abraham Accords changed things.",
             "After Abraham Accords were signed, trade grew.",
             "Jon Jones fought. Jon Jones won again, the Jon Jones we knew."]
    assert said_as_a_thing("Abraham Accords", texts)
    assert not said_as_a_thing("Jon Jones", texts)
    assert names_in_text(texts) == ["Jon Jones"]


def test_a_chapter_or_title_naming_a_thing_adds_no_person() -> None:
    from notegraph.models import Chapter, Sentence, Transcript
    from notegraph.topics.pipeline import known_people

    said = ["We signed the Abraham Accords.", "The Abraham Accords held.",
            "Ilya Sutskever joined us.", "Ilya Sutskever left."]
    sentences = [Sentence(10.0 * i, 10.0 * i + 9, t) for i, t in enumerate(said)]
    transcript = Transcript(
        "abcdefghijk", "Jared Kushner: Abraham Accords and Ilya Sutskever", "Lex Fridman",
        "en", "test", False, 40.0,
        chapters=(Chapter(0.0, "Abraham Accords"), Chapter(20.0, "Ilya Sutskever")))
    speakers, people = known_people(transcript, sentences)
    assert speakers == ["Jared Kushner"]
    assert "Ilya Sutskever" in people and "Abraham Accords" not in people


def test_a_chapter_named_like_a_person_but_said_in_lower_case_is_none() -> None:
    """The creator's chapter "Jiu Jitsu" made a person of it (5 topics of the 23
    episodes, "Jiu" being a given name too); the captions also say "jiu jitsu"."""
    from notegraph.models import Chapter, Cue, Sentence, Transcript
    from notegraph.topics.pipeline import known_people

    said = ["I do Jiu Jitsu daily.", "jiu jitsu is chess.", "Ilya Sutskever left.",
            "Ilya Sutskever is great."]
    sentences = [Sentence(10.0 * i, 10.0 * i + 9, t) for i, t in enumerate(said)]
    cues = tuple(Cue(10.0 * i, 10.0 * i + 9, t) for i, t in enumerate(said))
    transcript = Transcript(
        "abcdefghijk", "James Sexton: Divorce", "Lex Fridman", "en", "test", False, 40.0,
        cues=cues, chapters=(Chapter(0.0, "Jiu Jitsu"), Chapter(20.0, "Ilya Sutskever")))
    _, people = known_people(transcript, sentences)
    assert "Jiu Jitsu" not in people
    assert "Ilya Sutskever" in people  # a chapter's person, never said in lower case


def test_the_end_of_a_known_name_is_that_person() -> None:
    # captions write "Robert F Kennedy Jr": the name regex starts at "Kennedy"
    texts = ["here's Robert F Kennedy Jr today", "listen to Robert F Kennedy Jr"]
    assert part_of_known("Kennedy Jr", ["Robert F. Kennedy Jr"])
    assert not part_of_known("Robert Kennedy", ["Robert F. Kennedy Jr"])
    assert names_in_text(texts) == ["Kennedy Jr"]
    assert names_in_text(texts, known=["Robert F. Kennedy Jr"]) == []


def test_an_administration_is_no_person() -> None:
    texts = ["Harris Administration policy.", "Under Harris Administration rules."]
    assert names_in_text(texts) == []


def test_a_name_the_source_also_writes_in_lower_case_is_none() -> None:
    # recasing raised "jiu jitsu" to match "Jiu Jitsu"; the captions had both
    recased = ["I started Jiu Jitsu at 30.", "Jiu Jitsu is chess.", "Jiu Jitsu again.",
               "Donald Trump spoke.", "Donald Trump again.", "Donald Trump won."]
    source = ["i started jiu jitsu at 30 Jiu Jitsu is chess Jiu Jitsu again",
              "Donald Trump spoke and the trump card Donald Trump again Donald Trump won"]
    assert names_in_text(recased) == ["Jiu Jitsu", "Donald Trump"]
    assert names_in_text(recased, source=source) == ["Donald Trump"]
