"""Backlink entries of a page (notegraph.site.backlinks) on a small parsed vault."""

from __future__ import annotations

from pathlib import Path

from notegraph.site.backlinks import (
    backlink_entries,
    frontmatter_mentions,
    group_by_video,
    split_spoken,
)
from notegraph.site.previews import previews
from notegraph.vault.read import build_vault, parse_note

PERSON = b"---\ntype: person\ntitle: Lex Fridman\n---\nA host.\n"
TOPIC = (b"---\ntype: topic\ntitle: Bears\nvideoId: abcdefghijk\nstart: 60\n---\n"
         b"- [[Lex Fridman]]: I think bears I what's maybe squirrels.\n"
         b"- Jordan: Then [[Lex Fridman]] asked me about the bears of Alaska.\n")


def test_a_person_page_shows_where_others_speak_of_them_first() -> None:
    vault = build_vault(Path("."), [parse_note("people/lex_fridman.md", PERSON),
                                    parse_note("topics/bears.md", TOPIC)])
    links = vault.backlinks["people/lex_fridman"]
    plain = backlink_entries(vault, links)
    assert plain[0].contexts[0].startswith("Lex Fridman: I think bears")
    (entry,) = backlink_entries(vault, links, speaker="Lex Fridman")
    assert entry.contexts[0] == "Jordan: Then Lex Fridman asked me about the bears of Alaska."
    assert entry.contexts[1].startswith("Lex Fridman: I think bears")
    assert entry.time == "00:01:00"


VIDEO = (b"---\ntype: video\ntitle: Bears of Alaska\nvideoId: abcdefghijk\n---\n"
         b"Speakers: [[Lex Fridman]], Jordan\n")
HOSTED = (b"---\ntype: topic\ntitle: Salmon\nvideoId: abcdefghijk\nstart: 120\n---\n"
          b"- [[Lex Fridman]]: Salmon run up the river every year.\n"
          b"- [[Lex Fridman]]: And the bears wait for them.\n")


def _hosted_vault():
    return build_vault(Path("."), [parse_note("people/lex_fridman.md", PERSON),
                                   parse_note("topics/bears.md", TOPIC),
                                   parse_note("topics/salmon.md", HOSTED),
                                   parse_note("videos/bears.md", VIDEO)])


def test_a_person_page_lists_the_topics_they_only_speak_in_apart() -> None:
    vault = _hosted_vault()
    entries = backlink_entries(vault, vault.backlinks["people/lex_fridman"],
                               speaker="Lex Fridman")
    mentioned, spoken = split_spoken(vault, entries, "Lex Fridman")
    # Bears: Jordan speaks of him; Salmon: only his own lines link here
    assert [e.source for e in mentioned] == ["topics/bears"]
    assert mentioned[0].contexts[0].startswith("Jordan: Then Lex Fridman asked")
    assert {e.source for e in spoken} == {"topics/salmon", "videos/bears"}
    assert all(e.contexts == () for e in spoken)  # listed without his sentences
    # grouped by video, the video page heads the group rather than being an entry
    (group,) = group_by_video(vault, spoken, {"abcdefghijk": vault.notes["videos/bears"]})
    assert group.title == "Bears of Alaska"
    assert [e.title for e in group.entries] == ["Salmon"]


def test_a_persons_preview_counts_where_they_are_spoken_of_first() -> None:
    vault = _hosted_vault()
    title, _, lead, points = previews(vault)[vault.urls["people/lex_fridman"]]
    assert title == "Lex Fridman"
    assert lead == "Mentioned in 1 topic of 1 video; speaks in 1 other"
    assert points == ["Bears", "Salmon"]
    only_host = build_vault(Path("."), [parse_note("people/lex_fridman.md", PERSON),
                                        parse_note("topics/salmon.md", HOSTED)])
    assert previews(only_host)[only_host.urls["people/lex_fridman"]][2] == \
        "Speaks in 1 topic of 1 video"


NAMED_ONLY = (b"---\ntype: topic\ntitle: Rivers\nvideoId: abcdefghijk\nstart: 300\n"
              b"people:\n- Lex Fridman\nconcepts:\n- salmon run\n---\n"
              b"- Jordan: The rivers of Alaska are cold.\n")
CONCEPT = b"---\ntype: concept\ntitle: salmon run\ngenerator: notegraph\n---\nA run.\n"


def test_notes_naming_a_page_in_their_frontmatter_mention_it() -> None:
    """A topic lists its people and concepts as links: the pages they lead to list the
    topic back, without a sentence; a person who speaks in its video speaks there."""
    vault = build_vault(Path("."), [parse_note("people/lex_fridman.md", PERSON),
                                    parse_note("concepts/salmon_run.md", CONCEPT),
                                    parse_note("topics/rivers.md", NAMED_ONLY),
                                    parse_note("topics/bears.md", TOPIC)])
    named = frontmatter_mentions(vault)
    assert named == {"people/lex_fridman": ["topics/rivers"],
                     "concepts/salmon_run": ["topics/rivers"]}
    (entry,) = backlink_entries(vault, (), named=named["concepts/salmon_run"])
    assert (entry.title, entry.contexts, entry.time) == ("Rivers", (), "00:05:00")
    entries = backlink_entries(vault, vault.backlinks["people/lex_fridman"],
                               speaker="Lex Fridman", named=named["people/lex_fridman"])
    assert [e.source for e in entries] == ["topics/bears", "topics/rivers"]
    # not labelled as a speaker of the video: named only, so mentioned
    assert [len(part) for part in split_spoken(vault, entries, "Lex Fridman")] == [2, 0]
    # the transcript labels him as a speaker of the video: he speaks in that topic
    mentioned, spoken = split_spoken(vault, entries, "Lex Fridman", ["abcdefghijk"])
    assert [e.source for e in mentioned] == ["topics/bears"]
    assert [e.source for e in spoken] == ["topics/rivers"]
    lead = previews(vault, speakers={"abcdefghijk": {"Lex Fridman", "Jordan"}})[
        vault.urls["people/lex_fridman"]][2]
    assert lead == "Mentioned in 1 topic of 1 video; speaks in 1 other"
