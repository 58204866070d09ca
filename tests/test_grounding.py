"""The grounding check with the real embedding model, and the LLM writer end to end.

"Done when" of the LLM-writer issue: with a scripted reply that mixes grounded and
invented sentences, the written note keeps exactly the grounded ones (re-cited where the
check can), and every kept timestamp passes the check extractive notes pass.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from chat_server import ChatServer, Reply, error
from llm_fixtures import LEAD, LINES, MIXED, SENTENCES, TRANSCRIPT, WordEmbedder, mixed_reply
from recording_reporter import RecordingReporter

from notegraph import store
from notegraph.config import Config, load_config
from notegraph.models import Cue, KeyPoint, Section, Segment, Sentence, Topic
from notegraph.notes.generate import generate_notes
from notegraph.slugs import format_timestamp
from notegraph.topics.cache import load_cached_video
from notegraph.topics.grounding import (
    Claim,
    GroundingChecker,
    contains_words,
    grounding_summary,
    is_real_start,
    plain_text,
    specifics,
    vocabulary,
)
from notegraph.topics.pipeline import ground

_ANCHOR_RE = re.compile(r'data-t="(\d\d:\d\d:\d\d)">\[(\d\d:\d\d:\d\d)\]</a>')


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory):
    from notegraph.embed.embedder import load_embedder

    return load_embedder(Config(root=tmp_path_factory.mktemp("embeddings")))


@pytest.mark.slow
def test_checker_keeps_exactly_the_grounded_claims(embedder) -> None:
    checker = GroundingChecker(SENTENCES, embedder,
                               context=[TRANSCRIPT.title, TRANSCRIPT.channel])
    rows = [(t, c, st, at) for t, c, st, at in LEAD] + [(t, c, st, at)
                                                       for _, t, c, st, at in MIXED]
    results, report = checker.ground_all([Claim(t, tuple(c)) for t, c, _, _ in rows])
    got = [(r.status, r.start) if r else ("dropped", None) for r in results]
    assert got == [(status, start) for _, _, status, start in rows]
    assert report.to_dict() == {"kept": 5, "recited": 3, "dropped": 3}


def test_names_and_numbers_must_be_said() -> None:
    vocab = vocabulary(["I use two percent salt", "my grandmother baked twenty five loaves"])
    assert [w for w in specifics("The guest uses 2% salt and baked 25 loaves.")
            if w not in vocab] == []
    assert [w for w in specifics("In Paris, Julia Child used 3% salt.") if w not in vocab] == [
        "pari", "julia", "child", "3"]


def test_claim_with_an_unsaid_name_or_number_is_dropped_despite_a_true_citation() -> None:
    # Fast guard for the invented-specifics rule: with the word embedder these claims are
    # near-copies of the cited sentence, so only that rule can drop them.
    checker = GroundingChecker(SENTENCES, WordEmbedder())
    said = LINES[6][1]  # "I use two percent salt relative to the weight of the flour."
    kept = checker.ground(Claim(said, ("00:01:39",)))
    assert kept is not None and (kept.status, kept.start) == ("kept", 99.8)
    for invented in (said.replace("two", "3"), "Julia Child says " + said[0].lower() + said[1:]):
        assert checker.ground(Claim(invented, ("00:01:39",))) is None, invented


def test_only_real_sentence_starts_of_the_topic_count_as_citations() -> None:
    checker = GroundingChecker(SENTENCES[:8], WordEmbedder())  # the topic ends at 01:53
    claim = LINES[6][1]  # said at 00:01:39
    assert checker.resolve("00:01:39") == [6] and checker.resolve("1:39") == [6]
    assert checker.resolve("00:01:40") == [] and checker.resolve("51:55:00") == []
    assert checker.resolve("00:02:31") == [], "a real sentence, but outside this topic"
    for cited in ("00:01:39", "00:01:39.8", "99:99:99", "tomorrow", ""):
        result = checker.ground(Claim(claim, (cited,)))
        assert result is not None and result.start == 99.8
        assert result.status == ("kept" if cited.startswith("00:01:39") else "recited")
    assert is_real_start(99.8, SENTENCES, 60.0, 172.0)
    assert not is_real_start(100.5, SENTENCES, 60.0, 172.0)
    assert not is_real_start(151.0, SENTENCES, 60.0, 113.0)


@pytest.mark.parametrize(("seconds", "start", "end", "real"), [
    (99.8, 60.0, 172.0, True),
    (99.8000001, 60.0, 172.0, True),  # float noise
    (99.0, 60.0, 172.0, False),  # the same printed second, but no sentence starts there
    (100.5, 60.0, 172.0, False),
    (151.0, 60.0, 113.0, False),  # a real sentence, after the topic's end
    (60.0, 60.0, 172.0, True),  # the topic's bounds are inside it
    (60.0, 60.0000001, 172.0, True),
    (60.0, 61.0, 172.0, False),
])
def test_is_real_start(seconds: float, start: float, end: float, real: bool) -> None:
    # the one rule for a note's times: `pipeline.ground` applies it to every writer
    assert is_real_start(seconds, SENTENCES, start, end) is real


@pytest.mark.parametrize(("claim", "plain"), [
    ("Salt with [[Ada Lovelace]].", "Salt with Ada Lovelace."),
    ("See [[ada_lovelace | Ada]] here", "See Ada here"),
    ("[[Bread#Salt]] matters", "Bread › Salt matters"),  # as the site shows the link
    ("  no links  ", "no links"),
    ("not [[a\nlink]]", "not [[a\nlink]]"),  # a wikilink never spans lines
])
def test_plain_text_reads_wikilinks_like_the_vault(claim: str, plain: str) -> None:
    assert plain_text(claim) == plain


@pytest.mark.parametrize(("haystack", "needle", "found"), [
    ("a b c d", "b c", True),
    ("a b c d", "c b", False),  # in order
    ("a b c d", "b d", False),  # side by side
    ("a b", "a b c", False),
    ("a b", "", False),  # an empty phrase is never "said"
])
def test_contains_words(haystack: str, needle: str, found: bool) -> None:
    assert contains_words(haystack.split(), needle.split()) is found


def test_quotes_must_be_said_verbatim() -> None:
    checker = GroundingChecker(SENTENCES, WordEmbedder())
    said = checker.ground(Claim('She said "the dough tells you when it is ready".',
                                ("00:02:31",)))
    assert said is not None and said.status == "kept"
    unsaid = checker.ground(Claim('She said "the dough tells you when it is done".',
                                  ("00:02:31",)))
    assert unsaid is None


def test_grounding_summary_for_check() -> None:
    frontmatters = [{"title": "a", "grounding": {"kept": 4, "recited": 1, "dropped": 2}},
                    {"title": "b", "grounding": {"kept": 3, "recited": 0, "dropped": 0}},
                    {"title": "extractive"}, {"grounding": "garbage"},
                    {"grounding": {"kept": "x"}}]
    assert grounding_summary(frontmatters) == (
        "grounding: 2 LLM-written note(s), 10 generated sentences: 7 kept as cited, "
        "1 re-cited, 2 dropped as unsupported by the transcript")
    assert grounding_summary([{"title": "plain"}]) is None


def _project(root: Path, base_url: str) -> Config:
    config = load_config(root, {"writer": "llm", "llm": {"base_url": base_url, "model": "m"}})
    cues = tuple(Cue(start, start + 6.0, text) for start, text in LINES)
    store.save_transcript(config.transcripts_path,
                          dataclasses.replace(TRANSCRIPT, cues=cues, duration=172.0))
    return config


@pytest.mark.slow
def test_llm_note_keeps_only_grounded_sentences_end_to_end(tmp_path: Path, embedder) -> None:
    with ChatServer() as server:
        server.script(Reply(content=mixed_reply()))
        config = _project(tmp_path, server.base_url)
        result = generate_notes(config, embedder=embedder)
    assert result.ok and len(server.requests) == 1

    (path,) = (config.notes_path / "topics").glob("*.md")
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(head.removeprefix("---\n"))
    assert meta["grounding"] == {"kept": 5, "recited": 3, "dropped": 3}
    assert meta["title"] == "How to bake sourdough bread at home"
    assert meta["people"] == [], "'sourdough' is no person; 'Grandmother Smith' is never said"
    assert "quantum physics" not in meta["concepts"]

    # exactly the grounded sentences, each followed by the moment that supports it
    expected = [(t, start) for _, t, _, status, start in MIXED if status != "dropped"]
    for sentence, start in expected:
        assert f'{sentence} <a class="yt-timestamp" data-t="{format_timestamp(start)}">' \
            in body.replace("[[lactic acid|Lactic acid]]", "Lactic acid")
    for _, sentence, _, status, _ in MIXED:
        if status == "dropped":
            assert sentence[:30] not in body
    stamps = [a for a, b in _ANCHOR_RE.findall(body) if a == b]
    assert stamps == [format_timestamp(s) for _, s in expected]
    assert "00:07:45" not in body and "00:02:24" not in body  # invented / wrong citations

    # every kept time passes the pipeline's own check (the one extractive notes pass)
    _, video = load_cached_video(config, TRANSCRIPT.video_id)
    (topic,) = video.topics
    reporter = RecordingReporter()
    assert ground(topic, reporter) == topic and not reporter.warnings
    assert all(is_real_start(p.start, topic.segment.sentences, meta["start"], meta["end"])
               for s in topic.sections for p in s.points)

    line = grounding_summary([meta])
    assert line is not None and "5 kept as cited, 3 re-cited, 3 dropped" in line


@pytest.mark.slow
def test_failed_llm_run_writes_the_extractive_note(tmp_path: Path, embedder) -> None:
    with ChatServer() as server:
        server.script(error(401, "bad key"))
        config = _project(tmp_path, server.base_url)
        reporter = RecordingReporter()
        result = generate_notes(config, embedder=embedder, reporter=reporter)
    assert result.ok
    assert any("refused the API key" in w for w in reporter.warnings)
    (path,) = (config.notes_path / "topics").glob("*.md")
    text = path.read_text(encoding="utf-8")
    assert "grounding:" not in text
    stamps = _ANCHOR_RE.findall(text)
    assert stamps and all(a in {format_timestamp(s) for s, _ in LINES} for a, _ in stamps)

    # the next run retries the topics that fell back (the transcript did not change)
    with ChatServer() as server:
        server.script(Reply(content=mixed_reply()))
        config = load_config(tmp_path, {"writer": "llm",
                                        "llm": {"base_url": server.base_url, "model": "m"}})
        result = generate_notes(config, embedder=embedder)
        assert result.processed == (TRANSCRIPT.video_id,) and len(server.requests) == 1
    (path,) = (config.notes_path / "topics").glob("*.md")
    assert "grounding:\n  kept: 5" in path.read_text(encoding="utf-8")


def test_ground_drops_key_points_at_times_the_segment_does_not_have() -> None:
    """The pipeline's own check, for any writer: a point survives only at the start of a
    real sentence of its segment; an emptied section goes, and the user is told."""
    sentences = (Sentence(10.0, 14.0, "First."), Sentence(15.25, 19.0, "Second."),
                 Sentence(20.0, 24.0, "Third."))
    # the last sentence spills past the segment's end: a time that is real but not this topic's
    segment = Segment("vid", 10.0, 19.5, sentences)
    real, invented, outside = (KeyPoint("Real.", 15.25), KeyPoint("Invented.", 16.0),
                               KeyPoint("Next topic.", 20.0))
    topic = Topic(segment, "T", "Lead.", (Section("Kept", (real, invented)),
                                          Section("Gone", (outside,))), writer="x")
    reporter = RecordingReporter()
    grounded = ground(topic, reporter)
    assert grounded.sections == (Section("Kept", (real,)),)
    assert (grounded.title, grounded.lead, grounded.writer) == ("T", "Lead.", "x")
    assert len(reporter.warnings) == 2 and all("vid:" in w for w in reporter.warnings)
