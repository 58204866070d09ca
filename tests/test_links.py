"""Wikilink resolution: stems, titles, aliases, ambiguity rules (table-driven)."""

from __future__ import annotations

import pytest

from notegraph.vault.links import LinkableNote, LinkIndex

NOTES = [
    LinkableNote("topics/the_role_of_ai", "topics", "the_role_of_ai", "The role of AI"),
    LinkableNote("people/elon_musk", "people", "elon_musk", "Elon Musk", ("Musk",)),
    LinkableNote("lexfridman/black_holes", "lexfridman", "black_holes", "Black holes"),
    LinkableNote("3blue1brown/black_holes", "3blue1brown", "black_holes", "Black holes"),
    LinkableNote("a/b/deep/black_holes", "a/b/deep", "black_holes", "Black holes"),
    LinkableNote("concepts/empathy", "concepts", "empathy", "Empathy", ("compassion",)),
    LinkableNote("notes/compassion_title", "notes", "compassion_title", "Compassion"),
    LinkableNote("x/stem_wins", "x", "stem_wins", "Other"),
    LinkableNote("y/other_note", "y", "other_note", "Stem wins"),
    LinkableNote("bb/twin", "bb", "twin", "Twin"),
    LinkableNote("aa/twin", "aa", "twin", "Twin"),
    LinkableNote("\u2068cleo\u2069/cleo", "\u2068cleo\u2069", "cleo", "Cleo"),
]


@pytest.mark.parametrize(("target", "from_folder", "expected"), [
    ("the_role_of_ai", "", "topics/the_role_of_ai"),  # stem
    ("The Role of AI", "", "topics/the_role_of_ai"),  # title, case-insensitive
    ("the role_of-AI", "", "topics/the_role_of_ai"),  # _ / space / - alike
    ("the_role_of_ai.md", "", "topics/the_role_of_ai"),  # .md suffix
    ("Elon Musk", "", "people/elon_musk"),
    ("musk", "", "people/elon_musk"),  # alias
    ("black_holes", "3blue1brown", "3blue1brown/black_holes"),  # same folder first
    ("black_holes", "lexfridman", "lexfridman/black_holes"),
    ("black_holes", "elsewhere", "lexfridman/black_holes"),  # fewest folders, shortest path
    ("twin", "c", "aa/twin"),  # equal depth and length: alphabetical
    ("lexfridman/black_holes", "3blue1brown", "lexfridman/black_holes"),  # vault path
    ("compassion", "", "notes/compassion_title"),  # a title beats an alias
    ("stem wins", "", "x/stem_wins"),  # a stem beats a title
    ("cleo", "", "\u2068cleo\u2069/cleo"),  # invisible marks in folder names
    ("  empathy  ", "", "concepts/empathy"),
    ("nobody", "", None),
    ("", "", None),
])
def test_resolve(target: str, from_folder: str, expected: str | None) -> None:
    assert LinkIndex(NOTES).resolve(target, from_folder) == expected


def test_resolution_does_not_depend_on_input_order() -> None:
    forward, backward = LinkIndex(NOTES), LinkIndex(list(reversed(NOTES)))
    for target in ("black_holes", "compassion", "musk", "stem wins"):
        for folder in ("", "lexfridman", "a/b/deep", "zzz"):
            assert forward.resolve(target, folder) == backward.resolve(target, folder)
