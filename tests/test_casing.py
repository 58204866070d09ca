"""Display casing (notegraph.text.casing): names capitalized, no random capitals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from notegraph.models import Cue, Segment, Sentence, Transcript
from notegraph.text.casing import CasingRestorer, recase_segments


def _transcript(lines: list[str], title: str = "Dark Matter and Physics") -> Transcript:
    cues = tuple(Cue(float(i), float(i) + 1, text, None) for i, text in enumerate(lines))
    return Transcript(video_id="vid", title=title, channel="Show",
                      language="en", source="youtube:generated", is_generated=True,
                      duration=10.0, cues=cues)


# auto-captions: "Dark" capitalized in a third of its uses, "Milky Way" always
CAPTIONS = [
    "we talk about Dark Matter and dark matter",
    "so dark matter is there in the Milky Way",
    "the Milky Way has dark matter and Lisa said so",
    "and the way it works is the way lisa said",
]


def test_a_word_the_source_rarely_capitalizes_is_lowered_mid_sentence() -> None:
    casing = CasingRestorer.for_transcript(_transcript(CAPTIONS), names=["Lisa Randall"])
    assert casing.restore("In fact Dark matter is more important.") == \
        "In fact dark matter is more important."
    assert casing.restore("Dark matter is everywhere.") == "Dark matter is everywhere."
    assert casing.restore("He said so. Dark matter again.") == "He said so. Dark matter again."


def test_title_words_are_not_names_unless_the_captions_mostly_capitalize_them() -> None:
    # "Dark" is a title word, capitalized in 1 of 4 uses: not a name
    casing = CasingRestorer.for_transcript(_transcript(CAPTIONS))
    assert casing.restore("so dark matter") == "so dark matter"
    lines = ["i met Khabib there", "Khabib won and khabib left", "then Khabib"]
    casing = CasingRestorer.for_transcript(_transcript(lines, title="Khabib on Fighting"))
    assert casing.restore("so khabib said") == "so Khabib said"


def test_names_pairs_acronyms_and_i_keep_their_capitals() -> None:
    casing = CasingRestorer.for_transcript(_transcript(CAPTIONS), names=["Lisa Randall"])
    # "way" is lower-case alone, but the source writes "Milky Way" capitalized together
    assert casing.restore("It sits in the Milky Way today.") == \
        "It sits in the Milky Way today."
    assert casing.restore("So I told Lisa about the LHC.") == "So I told Lisa about the LHC."
    assert casing.restore("That is the Way it goes.") == "That is the way it goes."
    assert casing.restore("Stars of the Milky way.") == "Stars of the Milky Way."
    assert casing.restore("so i'll ask lisa, i'm sure i'd") == "so I'll ask Lisa, I'm sure I'd"


def test_a_lower_case_name_is_raised_when_the_source_capitalizes_it_elsewhere() -> None:
    lines = ["we went to Europe and", "in Europe people", "Europe is old", "and europe again",
             "the europe trip"]
    casing = CasingRestorer.for_transcript(_transcript(lines, title="Travel"))
    # 3 capitals in 5 uses: below three quarters, neither raised nor trusted
    assert casing.restore("so europe and Europe") == "so europe and europe"
    lines[4] = "the Europe trip"
    casing = CasingRestorer.for_transcript(_transcript(lines, title="Travel"))
    assert casing.restore("so europe is big") == "so Europe is big"


def test_a_rare_capital_stands_only_next_to_another_capital() -> None:
    lines = ["a meditation Retreat", "at the Zen Monastery today", "and so on"]
    casing = CasingRestorer.for_transcript(_transcript(lines, title="Calm"))
    assert casing.restore("a meditation Retreat") == "a meditation retreat"
    assert casing.restore("the Zen Monastery") == "the Zen Monastery"


def test_recase_segments_changes_only_text() -> None:
    casing = CasingRestorer.for_transcript(_transcript(CAPTIONS))
    seg = Segment("vid", 0.0, 9.0, (Sentence(1.0, 2.0, "So Dark matter rules.", "Lisa"),))
    (out,) = recase_segments([seg], casing)
    assert out.sentences[0] == Sentence(1.0, 2.0, "So dark matter rules.", "Lisa")
    assert (out.start, out.end, out.video_id) == (seg.start, seg.end, seg.video_id)


def test_a_word_capitalized_both_times_it_is_said_keeps_its_capital() -> None:
    lines = ["neither is France and", "Japan France Britain", "so we talk a lot"]
    casing = CasingRestorer.for_transcript(_transcript(lines, title="Politics"))
    assert casing.restore("neither is France and other") == "neither is France and other"


def test_a_source_cased_by_a_person_keeps_its_capitals() -> None:
    # Punctuated captions: "Turing" said once mid-sentence is meant, not a random capital,
    # and a word the person wrote in lower case is not raised.
    lines = ["Do these systems pass the Turing test?", "Europe is big, said europe fans."]
    by_person = CasingRestorer.for_transcript(_transcript(lines), source_cased=True)
    assert by_person.restore("They pass the Turing test.") == "They pass the Turing test."
    assert by_person.restore("The europe fans.") == "The europe fans."
    by_engine = CasingRestorer.for_transcript(_transcript(lines))
    assert by_engine.restore("They pass the Turing test.") == "They pass the turing test."


def test_an_acronym_of_the_title_is_spelled_so_in_the_text() -> None:
    lines = ["we talked about Dei programs", "dei is an ideal", "tell us about the cia"]
    title = "Mark Cuban: DEI, the CIA, US Politics and AIDS | Lex Fridman Podcast #422"
    casing = CasingRestorer.for_transcript(_transcript(lines, title=title))
    assert casing.restore("So Dei programs and dei again.") == "So DEI programs and DEI again."
    assert casing.restore("Dei programs at the cia.") == "DEI programs at the CIA."
    # a common word ("us") and one whose singular differs ("aids" → "aid") stay as said
    assert casing.restore("Tell us about aid and aids.") == "Tell us about aid and aids."
    # a kept capital takes the source's most common spelling of the word
    mixed = CasingRestorer.for_transcript(_transcript(
        ["we met on MySpace", "then MySpace grew", "and Myspace fell"]))
    assert mixed.restore("I left Myspace then.") == "I left MySpace then."
    shouting = CasingRestorer.for_transcript(_transcript(lines, title="THE TRUTH ABOUT DEI"))
    assert shouting.restore("the truth about dei") == "the truth about dei"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aDeIiuUsScC .?!'")), max_size=60))
def test_restoring_changes_only_case(text: str) -> None:
    lines = ["we talked about Dei programs", "dei is an ideal", "tell us about the cia"]
    casing = CasingRestorer.for_transcript(_transcript(lines, title="DEI and the CIA"))
    assert casing.restore(text).lower() == text.lower()
