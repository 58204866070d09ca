"""Chapter lists in free text (YouTube descriptions, side files): table-driven."""

from __future__ import annotations

import pytest

from notegraph.sources.chapters import parse_chapters


@pytest.mark.parametrize(("text", "expected"), [
    ("0:00 Intro\n1:30 Setup\n12:05 Results\n", [(0, "Intro"), (90, "Setup"), (725, "Results")]),
    ("00:00 - Intro\n01:02:03 – Deep dive\n1:10:00 — Q&A",
     [(0, "Intro"), (3723, "Deep dive"), (4200, "Q&A")]),
    ("(0:00) Welcome\n[2:00] Guest\n(5:00) Wrap-up", [(0, "Welcome"), (120, "Guest"),
                                                     (300, "Wrap-up")]),
    ("1. 0:00 Start\n2. 3:00 Middle\n3. 6:00 End", [(0, "Start"), (180, "Middle"), (360, "End")]),
    ("Intro - 0:00\nThe book (4:10)\nOutro 9:00", [(0, "Intro"), (250, "The book"),
                                                  (540, "Outro")]),
    # Text around the list is ignored; short chapters (< 10 s) are dropped.
    ("Great talk!\nhttps://x.test\n\n0:00 Intro\n0:05 Oops\n1:00 Part one\n2:00 Part two\n"
     "Thanks for watching", [(0, "Intro"), (60, "Part one"), (120, "Part two")]),
    # Timestamps mentioned in prose, not a chapter list:
    ("At 3:15 he says something.\nSee 10:00 too.", []),
    # YouTube needs a list starting at 0:00 with three or more entries.
    ("1:00 A\n2:00 B\n3:00 C", []),
    ("0:00 A\n2:00 B", []),
    # Out-of-order lines are skipped; a second list after a valid one is ignored.
    ("0:00 A\n2:00 B\n1:00 stray\n3:00 C\n\nPart 2:\n0:00 X\n1:00 Y\n2:00 Z",
     [(0, "A"), (120, "B"), (180, "C")]),
    # A first incomplete list is replaced by a later complete one.
    ("0:00 teaser\n\n0:00 Intro\n1:00 Body\n2:00 End", [(0, "Intro"), (60, "Body"),
                                                       (120, "End")]),
    ("", []),
])
def test_parse_chapters(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(c.start, c.title) for c in parse_chapters(text)] == expected
