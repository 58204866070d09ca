"""Display casing: no common noun capitalized mid-sentence; names keep their capitals."""

from __future__ import annotations

from notegraph.casing import CapitalEvidence, recase_segments
from notegraph.models import Cue, Segment, Sentence, Transcript


def _transcript(lines: list[str]) -> Transcript:
    cues = tuple(Cue(float(i), float(i) + 1, text, None) for i, text in enumerate(lines))
    return Transcript(video_id="vid", title="Dark Matter and Physics", channel="Show",
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
    evidence = CapitalEvidence.of(_transcript(CAPTIONS), names=["Lisa Randall"])
    assert evidence.fix("In fact Dark matter is more important.") == \
        "In fact dark matter is more important."
    assert evidence.fix("Dark matter is everywhere.") == "Dark matter is everywhere."  # start
    assert evidence.fix("He said so. Dark matter again.") == "He said so. Dark matter again."


def test_names_pairs_acronyms_and_i_keep_their_capitals() -> None:
    evidence = CapitalEvidence.of(_transcript(CAPTIONS), names=["Lisa Randall"])
    # "way" is lower-case alone, but the source writes "Milky Way" capitalized together
    assert evidence.fix("It sits in the Milky Way today.") == "It sits in the Milky Way today."
    assert evidence.fix("So I told Lisa about the LHC.") == "So I told Lisa about the LHC."
    assert evidence.fix("That is the Way it goes.") == "That is the way it goes."
    assert evidence.fix("Stars of the Milky way.") == "Stars of the Milky Way."


def test_recase_segments_changes_only_text() -> None:
    evidence = CapitalEvidence.of(_transcript(CAPTIONS))
    seg = Segment("vid", 0.0, 9.0, (Sentence(1.0, 2.0, "So Dark matter rules.", "Lisa"),))
    (out,) = recase_segments([seg], evidence)
    assert out.sentences[0] == Sentence(1.0, 2.0, "So dark matter rules.", "Lisa")
    assert (out.start, out.end, out.video_id) == (seg.start, seg.end, seg.video_id)
