"""The notes measures of `notegraph eval notes`, on hand-made topics."""

from __future__ import annotations

import numpy as np
import pytest

from notegraph.models import Chapter, KeyPoint, Segment, Sentence, Topic
from notegraph.topics import evaluate_notes as ev


def _topic(start: float, end: float, title: str) -> Topic:
    seg = Segment("v", start, end, (Sentence(start, start + 5, "dark matter talk"),))
    return Topic(seg, title, "", ())


def test_filler_count() -> None:
    assert ev.filler_count("um so you know I I think, uh, the the thing") == 5
    assert ev.filler_count("Dark matter holds galaxies together.") == 0


@pytest.mark.parametrize(("text", "cut"), [
    ("Dark matter holds galaxies together.", False),
    ("For me, the fact that it worked surprised us.", False),
    ("of the galaxies we measured.", True),
    ("Which is why the stars move fast.", True),
    ("The stars move fast because the.", True),
    ("It was a very...", True),
])
def test_is_cut(text: str, cut: bool) -> None:
    assert ev.is_cut(text) is cut


def test_heading_said_and_mentions() -> None:
    points = [KeyPoint("The Bullet Cluster shows dark matter apart from gas.", 0.0)]
    assert ev.heading_said("Dark matter", points)
    assert not ev.heading_said("United States", points)
    assert ev.mentions("black hole", "a black hole and two Black Holes") == 2


def test_common_words_by_zipf() -> None:
    zipf = {"weekend": 4.9, "entropy": 3.3}.get
    assert ev.is_common_word("weekend", lambda w: zipf(w) or 0.0)
    assert not ev.is_common_word("entropy", lambda w: zipf(w) or 0.0)
    assert not ev.is_common_word("dark matter", lambda w: 9.0)  # a phrase
    assert not ev.is_common_word("Google", lambda w: 9.0)  # a name


def test_chapters_meet_the_topic_overlapping_them_most() -> None:
    topics = [_topic(0, 100, "A"), _topic(100, 400, "B"), _topic(400, 600, "C")]
    chapters = [Chapter(0, "x"), Chapter(150, "y"), Chapter(380, "z")]
    assert ev.chapter_topics(chapters, topics, 600) == [0, 1, 2]
    eye = np.eye(3, dtype=np.float32)
    agree, chance = ev.title_agreement(eye, eye, [0, 1, 2])
    assert agree == 1.0 and chance == 0.0


def test_table_has_a_mean_row() -> None:
    row = ev.NoteScore("e", 1.0, 3, 0.5, 0.2, 0.1, 0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.5, 0.3, 1.0)
    table = ev.format_notes_table([row, row])
    assert table.splitlines()[-1].startswith("| **mean** | **2.0** | **6** | **0.500**")
