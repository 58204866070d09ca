"""Keyphrases and one canonical name per concept across the vault."""

from __future__ import annotations

import pytest

from notegraph.topics.concepts import (
    PhraseCounts,
    build_concept_index,
    common_case,
    concept_key,
    document_frequency,
    keyphrases,
    phrase_candidates,
    singular,
)


@pytest.mark.parametrize(("word", "expected"), [
    ("theories", "theory"), ("holes", "hole"), ("physics", "physics"), ("glasses", "glass"),
    ("boxes", "box"), ("bus", "bus"), ("analysis", "analysis"), ("ai", "ai"),
])
def test_singular_is_conservative(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize("variant", ["Dark Matter", "dark-matter", "dark matters", "DARK MATTER"])
def test_concept_key_merges_obvious_variants(variant: str) -> None:
    assert concept_key(variant) == concept_key("dark matter") == "dark matter"


def test_candidates_never_span_stopwords_or_punctuation() -> None:
    cands = phrase_candidates("I think dark matter, you know, holds galaxies together.")
    assert "dark matter" in cands
    assert "galaxies" in cands
    assert not any("think" in c or "know" in c for c in cands)
    assert "matter holds" not in cands  # the comma ends the run


def test_keyphrases_prefer_distinctive_multiword_phrases() -> None:
    topic = PhraseCounts.of([
        "Dark matter shapes galaxies.", "We measure dark matter with lensing.",
        "Dark matter is invisible.", "Gravitational lensing bends light.",
        "Gravitational lensing again.", "People say things.", "People say things again.",
    ])
    other = PhraseCounts.of(["People say things about sleep.", "People say things."])
    df = document_frequency([topic, other])
    got = [g.lower() for g in keyphrases(topic, df, 2, limit=3)]
    assert sorted(got[:2]) == ["dark matter", "gravitational lensing"]
    assert all("people" not in g for g in got)


def test_keyphrases_drop_vague_and_adjective_single_words() -> None:
    doc = PhraseCounts.of(["story. dangerous. story, dangerous; story: dangerous."] * 2)
    assert keyphrases(doc, document_frequency([doc]), 1) == []


def test_keyphrases_exclude_people_and_skip_given_phrases() -> None:
    doc = PhraseCounts.of(["Lisa Randall on dark matter."] * 3 + ["extinction events"] * 3)
    got = keyphrases(doc, document_frequency([doc]), 1, exclude=["Lisa Randall"],
                     skip=["dark matter"])
    assert got == ["extinction events"]


def test_concept_index_picks_one_name_and_keeps_aliases() -> None:
    index = build_concept_index(["black holes", "black hole", "Black holes", "black holes"])
    assert index.name("Black Hole") == "black holes"
    assert "black hole" in index.aliases[concept_key("black hole")]


def test_concept_index_keeps_existing_vault_names() -> None:
    index = build_concept_index(["black holes", "black holes"], preferred=["Black Hole"])
    assert index.name("black holes") == "Black Hole"


def test_a_name_is_never_split() -> None:
    got = phrase_candidates("we live in the Milky Way galaxy near New York")
    assert "Milky Way" in got and "New York" in got and "Milky Way galaxy" in got
    assert "Milky" not in got and "Way galaxy" not in got and "York" not in got


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Israel controls", "Israel controls"), ("meditation Retreat", "meditation retreat"),
    ("Milky Way", "Milky Way"), ("GPT model", "GPT model"), ("infiltrate OpenAI",
                                                            "infiltrate OpenAI"),
    ("Sora", "Sora"),
])
def test_common_case_lowers_only_capitals_that_are_not_names(phrase: str, expected: str
                                                              ) -> None:
    assert common_case(phrase) == expected


def test_a_common_word_alone_must_recur_to_be_a_concept() -> None:
    text = ["The museum was closed, and we studied dark matter."] * 2 + \
        ["Dark matter again, and quantum gravity, quantum gravity."]
    doc = PhraseCounts.of(text)
    got = keyphrases(doc, document_frequency([doc]), 1)
    assert "dark matter" in got and "quantum gravity" in got
    assert "museum" not in got  # twice is not enough for one word alone
    assert all(not p[:1].isupper() for p in got)  # sentence-start capitals are not names


def test_keyphrases_without_a_noun_at_the_end_are_dropped() -> None:
    doc = PhraseCounts.of(["He was self-critical, very self-critical, so self-critical."])
    assert keyphrases(doc, document_frequency([doc]), 1) == []


def test_oh_my_god_is_no_mention_of_god() -> None:
    said = PhraseCounts.of(["Oh my God, that trial was wild.", "Thank God it ended.",
                            "oh my god the trial again"])
    assert said.counts["god"] == 0 and said.counts["trial"] == 2
    about = PhraseCounts.of(["Does God exist?", "Spinoza's God is nature."])
    assert about.counts["god"] == 2


def test_amounts_ages_and_per_month_are_no_concepts() -> None:
    said = PhraseCounts.of(["It costs ten dollars per month.", "We pay per month now.",
                            "a trillion dollar company at six months",
                            "a trillion dollar company by a 12-year-old",
                            "six months later a 12-year-old read the 14th amendment",
                            "the 14th amendment again"])
    assert said.counts["per month"] == 0 and said.counts["six month"] == 0
    assert not any(k.startswith(("trillion", "dollar", "12")) for k in said.counts)
    assert said.counts["14th amendment"] == 2
    assert PhraseCounts.of(["Disney Plus launched.", "Disney Plus grew."]).counts[
        "disney plus"] == 2


def test_a_known_persons_surname_alone_is_no_concept() -> None:
    """'Trump' and 'Biden' were concepts of six topics beside the people Donald Trump and
    Joe Biden; a country that is also a surname, an acronym or a lower-case word stays."""
    from notegraph.notes.names import not_concepts
    from notegraph.topics.concepts import build_concept_index, concept_key

    index = build_concept_index(["Trump", "Biden", "Jordan", "AI", "trust", "Fridman",
                                 "Kennedy", "Jr", "dark matter"])
    skipped = not_concepts(["Donald Trump", "Joe Biden", "Jordan Peterson", "Sam Trust",
                            "Robert F. Kennedy Jr", "Ai Weiwei"], ["Lex Fridman"], index)
    names = {index.names[k] for k in skipped if k in index.names}
    assert names == {"Trump", "Biden", "Kennedy"}  # "Jr" is no surname
    assert concept_key("Lex Fridman") in skipped  # a channel's whole name, as before


def test_a_plural_singular_keeps_is_one_concept_with_its_singular() -> None:
    """`singular` keeps "videos", "ideas" (as it keeps "cosmos"); "Jugo" and "Jugos" were
    two concept notes of one topic. Where both forms are concepts they are one."""
    from notegraph.topics.concepts import build_concept_index

    index = build_concept_index(["Jugo", "Jugos", "Jugos", "ideas", "idea", "cosmos",
                                 "music videos", "music video"])
    assert index.key("Jugos") == index.key("Jugo") == "jugo"
    assert index.name("Jugo") == "Jugos" and index.aliases["jugo"] == ("Jugo",)
    assert index.name("ideas") == index.name("idea")
    assert index.key("music videos") == "music video"
    assert index.key("cosmos") == "cosmos" and "cosmo" not in index.names
