"""Backlink entries of a page (notegraph.site.backlinks) on a small parsed vault."""

from __future__ import annotations

from pathlib import Path

from notegraph.site.backlinks import backlink_entries
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
