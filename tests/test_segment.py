"""Topic segmentation: chapters, length bounds, intros, and the optimal partition."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pytest

from notegraph.models import Chapter, Sentence, Transcript
from notegraph.topics import segment


class TopicEmbedder:
    """Deterministic stand-in for the model: a text's vector is its topic word's axis.

    Each test sentence contains one of a few topic words; a window mixing topics gets
    the mix. Real-model behaviour is covered by the slow evaluation test.
    """

    name = "topic-words"
    topics = ("apples", "rockets", "music", "law", "intro")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.topics)), dtype=np.float32)
        for i, text in enumerate(texts):
            for j, topic in enumerate(self.topics):
                out[i, j] = text.count(topic)
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out


def _talk(plan: list[tuple[str, float]], step: float = 6.0) -> list[Sentence]:
    """Sentences every `step` s: (topic, seconds) runs in order."""
    sentences, t = [], 0.0
    for topic, seconds in plan:
        end = t + seconds
        while t < end - 1e-9:
            sentences.append(Sentence(t, t + step, f"we talk about {topic} here", "A"))
            t += step
    return sentences


def _transcript(sentences, chapters=()):
    return Transcript("vid", "T", "C", "en", "test", True, sentences[-1].end,
                      chapters=tuple(chapters))


def test_chapters_win_and_cover_the_transcript():
    sentences = _talk([("apples", 300), ("rockets", 300)])
    t = _transcript(sentences, [Chapter(0, "Intro"), Chapter(120, "Fruit"),
                                Chapter(400, "Space")])
    got = segment.segment_transcript(t, sentences, TopicEmbedder())
    assert [(s.start, s.end, s.chapter_title) for s in got] == [
        (0.0, 120.0, "Intro"), (120.0, 400.0, "Fruit"), (400.0, 600.0, "Space")]
    assert sum(len(s.sentences) for s in got) == len(sentences)
    assert all(s.start <= x.start < s.end for s in got for x in s.sentences)


def test_empty_chapter_is_dropped_and_time_stays_contiguous():
    sentences = _talk([("apples", 120)], step=30.0)  # sentences at 0, 30, 60, 90
    t = _transcript(sentences, [Chapter(0, "A"), Chapter(31, "Empty"), Chapter(59, "B")])
    got = segment.segment_transcript(t, sentences, TopicEmbedder())
    assert [s.chapter_title for s in got] == ["A", "B"]
    assert got[0].end == got[1].start == 59


def test_topics_are_found_where_the_subject_changes():
    plan = [("apples", 600), ("rockets", 480), ("music", 720), ("law", 600)]
    sentences = _talk(plan)
    got = segment.segment_transcript(_transcript(sentences), sentences, TopicEmbedder())
    assert [s.start for s in got] == [0.0, 600.0, 1080.0, 1800.0]
    assert got[-1].end == sentences[-1].end
    assert all(s.chapter_title is None for s in got)


def test_no_tiny_topics_even_for_a_short_aside():
    # a 30 s aside is below MIN_TOPIC_SECONDS: it must not become its own topic
    sentences = _talk([("apples", 600), ("music", 30), ("apples", 570)])
    got = segment.segment_transcript(_transcript(sentences), sentences, TopicEmbedder())
    durations = [s.end - s.start for s in got]
    assert min(durations) >= segment.MIN_TOPIC_SECONDS


def test_no_huge_topics_in_a_long_monotone_talk():
    sentences = _talk([("apples", 3 * 3600)])
    got = segment.segment_transcript(_transcript(sentences), sentences, TopicEmbedder())
    assert max(s.end - s.start for s in got) <= segment.MAX_TOPIC_SECONDS + 1e-6
    assert min(s.end - s.start for s in got) >= segment.MIN_TOPIC_SECONDS


def test_intro_becomes_its_own_small_segment():
    intro = [Sentence(0.0, 8.0, "intro: a clip from later in the show", "B"),
             Sentence(8.0, 20.0, "This is the Example Podcast, check out our sponsors.", "A"),
             Sentence(20.0, 26.0, "And now, dear friends, here's Ann.", "A")]
    body = [Sentence(s.start + 26.0, s.end + 26.0, s.text, s.speaker)
            for s in _talk([("apples", 900), ("rockets", 900)])]
    sentences = intro + body
    got = segment.segment_transcript(_transcript(sentences), sentences, TopicEmbedder())
    assert got[0].start == 0.0 and got[0].end == 26.0
    assert [s.start for s in got[1:]] == [26.0, 926.0]


def test_intro_end_needs_an_intro_phrase_early_on():
    sentences = _talk([("apples", 600)])
    assert segment.intro_end(sentences, 600.0) is None


@pytest.mark.parametrize(
    ("totals", "duration", "expected"),
    [
        # gains flatten right after 3: stop at 3 even though the prior says 4
        ({1: 40.0, 2: 20.0, 3: 5.0, 4: 4.9, 5: 4.8, 6: 4.7, 7: 4.6, 8: 4.5}, 4 * 420, 3),
        # steady gains: the prior (4) is kept
        ({k: 50.0 - 5 * k for k in range(1, 9)}, 4 * 420, 4),
    ],
)
def test_choose_topic_count(totals, duration, expected):
    assert segment.choose_topic_count(totals, duration, target=420) == expected


def test_partition_costs_are_zero_for_identical_windows():
    v = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (4, 1))
    cost = segment.partition_costs(v)
    assert cost[0, 4] == pytest.approx(0.0)
    mixed = segment.partition_costs(np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    assert mixed[0, 2] == pytest.approx(2 - np.sqrt(2))


def test_make_windows_covers_every_sentence_once():
    sentences = _talk([("apples", 300)], step=7.0)
    windows = segment.make_windows(sentences, 30.0)
    assert windows[0].first == 0 and windows[-1].last == len(sentences)
    assert all(a.last == b.first for a, b in pairwise(windows))
    assert all(sentences[w.last - 1].start - sentences[w.first].start < 30.0 for w in windows)


def test_windows_follow_speaker_turns_in_a_conversation():
    # Ann talks 0-40 s, Bob from 40 s: the window ends at Bob's turn, not at 30 s
    sentences = [Sentence(float(t), float(t + 5), "words", "Ann" if t < 40 else "Bob")
                 for t in range(0, 120, 5)]
    windows = segment.make_windows(sentences, 30.0)
    assert windows[1].start == 40.0
    assert all(w.last - w.first >= 1 for w in windows)
    # windows never run past 1.5× the wanted length
    assert all(sentences[w.last - 1].start - w.start < 45.0 for w in windows)
    fixed = segment.make_windows(sentences, 30.0, at_turns=False)
    assert fixed[1].start == 30.0


def test_a_chapter_longer_than_the_maximum_is_split_inside():
    sentences = _talk([("apples", 300), ("rockets", 900), ("music", 900)])
    t = _transcript(sentences, [Chapter(0, "Fruit"), Chapter(300, "Space and sound")])
    got = segment.segment_transcript(t, sentences, TopicEmbedder())
    assert [(s.start, s.chapter_title) for s in got] == [
        (0.0, "Fruit"), (300.0, "Space and sound"), (1200.0, None)]


def test_a_single_chapter_is_not_a_table_of_contents():
    sentences = _talk([("apples", 600), ("rockets", 600)])
    t = _transcript(sentences, [Chapter(0, "Full episode")])
    got = segment.segment_transcript(t, sentences, TopicEmbedder())
    assert [s.start for s in got] == [0.0, 600.0]
