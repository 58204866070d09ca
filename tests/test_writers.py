"""The writer registry and the extractive writer: grounded, ordered, non-redundant."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from notes_helpers import HashEmbedder

from notegraph import store
from notegraph.config import load_config
from notegraph.errors import ConfigError
from notegraph.models import Segment, Sentence, Transcript
from notegraph.notes.generate import generate_notes
from notegraph.writers import available_writers, get_writer, register_writer
from notegraph.writers.base import BaseWriter, WriterContext
from notegraph.writers.extractive import (
    ExtractiveWriter,
    _with_continuation,
    clean_point_text,
    mmr,
    pagerank,
    split_in_time,
    title_from_phrases,
)

TOPIC_A = [
    "Dark matter is the invisible mass that holds galaxies together in the universe.",
    "Astronomers measured the rotation curves of galaxies and found the stars too fast.",
    "Dark matter explains why the outer stars of galaxies move so fast in their orbits.",
    "The Bullet Cluster shows dark matter separated from the hot gas after a collision.",
    "Gravitational lensing maps the mass of the Bullet Cluster and its dark matter.",
    "Um yeah.",
]
TOPIC_B = [
    "Sleep is when the brain clears waste and stores the memories of the day.",
    "Caffeine blocks the sleep pressure that adenosine builds up during the day.",
    "A regular bedtime keeps the body clock steady and makes sleep deeper.",
    "Morning light sets the body clock and evening darkness lets melatonin rise for sleep.",
    "Coffee after lunch still blocks sleep pressure at midnight for most people.",
    "Okay.",
]


def _segment(texts: list[str], start: float = 0.0, step: float = 20.0,
             title: str | None = None) -> Segment:
    sentences = tuple(Sentence(start + i * step, start + i * step + step - 1, t,
                               "Ben Ortiz" if i % 2 else None) for i, t in enumerate(texts))
    return Segment("vid", start, start + step * len(texts), sentences, title)


def _context(segments: list[Segment]) -> WriterContext:
    from notegraph.topics.concepts import PhraseCounts

    embedder = HashEmbedder()
    return WriterContext(
        video_id="vid", title="A talk", channel="Show",
        embedder=embedder,
        people=("Ben Ortiz",), speakers=("Ben Ortiz",),
        segment_phrases=tuple(PhraseCounts.of(s.text for s in seg.sentences)
                              for seg in segments))


def test_registry_gives_the_extractive_writer_by_default() -> None:
    assert get_writer().name == "extractive"
    assert "extractive" in available_writers()


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers registered by a test stay in that test."""
    import notegraph.writers

    monkeypatch.setattr(notegraph.writers, "_REGISTRY", {})


def test_registry_rejects_unknown_names_and_accepts_plugins() -> None:
    with pytest.raises(ConfigError, match=r"unknown note writer 'nope'; available: .*llm"):
        get_writer("nope")

    class Fake(BaseWriter):
        name = "fake"

    register_writer("fake", Fake)
    assert get_writer("fake").name == "fake"
    assert "fake" in available_writers()


def test_a_writer_without_the_protocol_is_refused() -> None:
    class Half:  # no write_topics: the pipeline could not call it
        name = "half"

        def write_topic(self, segment, context):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    register_writer("half", Half)
    with pytest.raises(ConfigError, match="does not implement the writer protocol"):
        get_writer("half")


PLUGIN = """
from notegraph.writers.base import BaseWriter
from notegraph.writers.extractive import ExtractiveWriter
import dataclasses


class LoudWriter(BaseWriter):
    name = "loud"

    def write_topic(self, segment, context):
        topic = ExtractiveWriter().write_topic(segment, context)
        return dataclasses.replace(topic, title="LOUD " + topic.title, writer="loud")
"""


def test_an_installed_plugin_writer_is_found_by_its_entry_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A third-party package declaring a `notegraph.writers` entry point is a valid
    `writer = "..."` value and writes the notes (a real distribution on sys.path)."""
    site = tmp_path / "site-packages"
    (site / "loud_writer").mkdir(parents=True)
    (site / "loud_writer" / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    dist = site / "loud_writer-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: loud-writer\n"
                                   "Version: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[notegraph.writers]\nloud = loud_writer:LoudWriter\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    assert "loud" in available_writers()

    project = tmp_path / "project"
    project.mkdir()
    (project / "notegraph.toml").write_text('writer = "loud"\n', encoding="utf-8")
    config = load_config(project)
    cues = [{"start": 20.0 * i, "end": 20.0 * i + 19, "text": text, "speaker": None}
            for i, text in enumerate(TOPIC_A + TOPIC_B)]
    store.save_transcript(config.transcripts_path, Transcript.from_dict({
        "video_id": "loud-talk", "title": "A talk", "channel": "Show", "language": "en",
        "source": "file:text", "is_generated": False, "duration": 240.0, "chapters": [],
        "cues": cues}))
    result = generate_notes(config, embedder=HashEmbedder())
    assert result.ok and result.processed == ("loud-talk",)
    titles = [p.read_text(encoding="utf-8") for p in (config.notes_path / "topics").glob("*.md")]
    assert titles and all("\ntitle: LOUD " in t for t in titles)


def test_key_points_are_sentences_of_the_segment_in_time_order() -> None:
    seg = _segment(TOPIC_A + TOPIC_B, step=30.0)
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    by_start = {s.start: s for s in seg.sentences}
    points = [p for sec in topic.sections for p in sec.points]
    assert points, "the writer chose no key point"
    for p in points:
        assert p.start in by_start  # a true time: the start of a real sentence
        assert clean_point_text(by_start[p.start].text) == p.text
        assert p.speaker == by_start[p.start].speaker
    assert [p.start for p in points] == sorted(p.start for p in points)
    assert len({p.text for p in points}) == len(points)
    assert "Um yeah." not in {p.text for p in points}
    assert 2 <= len(topic.sections) <= 4


def test_topic_title_is_the_chapter_title_when_there_is_one() -> None:
    seg = _segment(TOPIC_A, title="Dark matter and the Bullet Cluster")
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    assert topic.title == "Dark matter and the Bullet Cluster"


def test_topic_title_from_keyphrases_reads_like_a_title() -> None:
    a, b = _segment(TOPIC_A), _segment(TOPIC_B, start=200.0)
    topic = ExtractiveWriter().write_topic(a, _context([a, b]))
    assert topic.title[0].isupper()
    assert "dark matter" in topic.title.lower() or "bullet cluster" in topic.title.lower()
    assert "dark matter" in [c.lower() for c in topic.concepts]
    assert topic.people == ("Ben Ortiz",)


def test_empty_segment_gives_an_empty_topic() -> None:
    seg = Segment("vid", 10.0, 20.0, ())
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    assert topic.sections == () and topic.title == "From 00:00:10"


@pytest.mark.parametrize(("raw", "clean"), [
    ("so um the point is this", "The point is this."),
    ("and yeah, dark matter is real!", "Dark matter is real!"),
    ("ok.", "Ok."),
])
def test_clean_point_text_only_tidies(raw: str, clean: str) -> None:
    assert clean_point_text(raw.replace(" um", "")) == clean


def test_clean_point_text_never_cuts_and_drops_fillers_only() -> None:
    long = " ".join(["word"] * 80)
    assert clean_point_text(long) == "Word " + " ".join(["word"] * 79) + "."
    assert clean_point_text("so I I think, you know, it it's the um dark matter") == \
        "I think it's the dark matter."


def test_pagerank_favours_the_central_sentence() -> None:
    v = np.array([[1, 0, 0], [0.9, 0.1, 0], [0.95, 0.05, 0], [0, 0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    rank = pagerank(v)
    assert rank.argmax() in (0, 2) and rank[3] < rank[0]
    assert abs(rank.sum() - 1.0) < 1e-5


def test_split_in_time_cuts_at_the_change_of_subject() -> None:
    v = np.array([[1, 0]] * 6 + [[0, 1]] * 6, dtype=np.float32)
    assert split_in_time(v, 2) == [range(0, 6), range(6, 12)]


def test_mmr_avoids_near_duplicates() -> None:
    v = np.array([[1, 0], [1, 0], [0.6, 0.8]], dtype=np.float32)
    picked = mmr([0, 1, 2], np.array([1.0, 0.99, 0.7]), v, 2)
    assert picked == [0, 2]


@pytest.mark.parametrize(("phrases", "title"), [
    (["dark matter", "Bullet Cluster"], "Dark matter and Bullet Cluster"),
    (["matter", "interact"], "Matter"),
    (["quantum field theory", "renormalization group flow"], "Quantum field theory"),
    (["scary imposing music", "Albert"], "Scary imposing music"),
    (["open source", "Tesla"], "Open source and Tesla"),
    ([], ""),
])
def test_title_from_phrases(phrases: list[str], title: str) -> None:
    assert title_from_phrases(phrases) == title


def test_a_sentence_cut_mid_thought_continues_with_the_same_speakers_next_words() -> None:
    ss = [Sentence(0, 3, "Then ordinary matter comes along with it and there's", "A"),
          Sentence(3.2, 6, "More of it in the halo.", "A"),
          Sentence(6.1, 8, "I agree with that.", "B"),
          Sentence(8.1, 9, "So we think that", "B"),
          Sentence(9.2, 10, "I know Google does.", "B")]
    assert _with_continuation(ss, 0) == \
        "Then ordinary matter comes along with it and there's more of it in the halo."
    assert _with_continuation(ss, 1) == "More of it in the halo."  # complete: unchanged
    assert _with_continuation(ss, 3) == "So we think that I know Google does."


def test_a_sentence_cut_inside_a_quote_or_before_what_was_said_continues() -> None:
    # creator captions of Lex Fridman #419: the sentence ends inside the board's words,
    # and "kept thinking" before what the team thought
    said = 'Then two of the board members called and said, "Hey, we destabilize.'
    ss = [Sentence(0, 3, said, "A"),
          Sentence(3.1, 6, 'We want to explore a path back."', "A"),
          Sentence(7, 9, "Not just me, the whole team here kept thinking.", "B"),
          Sentence(9.1, 12, "We could go to Microsoft and start over.", "B")]
    assert _with_continuation(ss, 0).endswith('we destabilize. We want to explore a path back."')
    assert _with_continuation(ss, 2) == \
        "Not just me, the whole team here kept thinking we could go to Microsoft and start over."
    assert _with_continuation(ss, 3) == ss[3].text
    from notegraph.writers.points import ends_open
    assert ends_open("I think it applies to nuclear weapons but it also.")
    assert ends_open("It worked for a while and then because it.")  # "it" as a subject
    assert not ends_open("They were afraid of it.")  # "it" as an object ends a sentence
    assert not ends_open("And we did it.")


def test_drawn_out_sentences_rank_low() -> None:
    from notegraph.writers.extractive import sentence_quality

    words = "this fight does not quite a love I thought you were afraid of"
    spoken = Sentence(0.0, 5.0, words)
    sung = Sentence(0.0, 37.0, words)
    assert sentence_quality(sung) < sentence_quality(spoken) / 2


def test_headings_are_distinct_phrases_never_single_words_or_times() -> None:
    seg = _segment(TOPIC_A + TOPIC_B, step=30.0, title="Dark matter")
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    headings = [s.heading for s in topic.sections]
    assert headings
    for h in headings:
        assert not h.startswith("From ") and ":" not in h
        assert len(h.split()) >= 2 or h == "Key points", h
        assert h.lower() != topic.title.lower()
    assert len({h.lower() for h in headings}) == len(headings)


def test_unidentified_speakers_are_never_named() -> None:
    sentences = tuple(Sentence(i * 20.0, i * 20.0 + 19, t, "unidentified (turn 3)")
                      for i, t in enumerate(TOPIC_A))
    seg = Segment("vid", 0.0, 200.0, sentences)
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    points = [p for sec in topic.sections for p in sec.points]
    assert points and all(p.speaker is None for p in points)
    assert "unidentified" not in topic.lead


def test_the_lead_is_central_sentences_of_the_topic_with_their_times() -> None:
    seg = _segment(TOPIC_A + TOPIC_A[:3], step=5.0)
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    assert topic.lead == ""  # no template: the lead is said sentences
    assert 2 <= len(topic.lead_points) <= 4
    starts = {s.start: s.text for s in seg.sentences}
    for p in topic.lead_points:
        assert p.start in starts and p.text.rstrip(".") in starts[p.start] + "."
    assert [p.start for p in topic.lead_points] == sorted(p.start for p in topic.lead_points)
    points = {p.start for s in topic.sections for p in s.points}
    assert not points & {p.start for p in topic.lead_points}  # said once per note


def test_auto_caption_topics_whose_cuts_are_all_doubtful_still_get_a_lead() -> None:
    from dataclasses import replace

    from notegraph.writers.extractive import LEAD_QUALITY, sentence_quality

    plain = _segment([t.lower().rstrip(".") for t in TOPIC_A + TOPIC_A[:3]], step=5.0)
    # the break model unsure of every cut (log-odds -0.5): no sentence reaches the first floor
    seg = replace(plain, sentences=tuple(replace(s, boundary=-0.5) for s in plain.sentences))
    assert max(sentence_quality(s) for s in seg.sentences) < LEAD_QUALITY[0]
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    assert 2 <= len(topic.lead_points) <= 4
    starts = {s.start for s in seg.sentences}
    assert all(p.start in starts for p in topic.lead_points)


def test_a_sentence_that_starts_mid_clause_is_no_key_point() -> None:
    from notegraph.writers.extractive import sentence_quality

    def q(text: str) -> float:
        return sentence_quality(Sentence(0.0, 5.0, text, None))

    # what the point would show after its leading filler counts: "About the proposed…"
    assert q("Now about the proposed judicial reform that gives power to the government") < 0.5
    assert q("For the experimental consequences or the observational consequences to test") < 0.5
    assert q("For example the Bullet Cluster shows the dark matter apart from the gas") >= 0.5
    assert q("The proposed judicial reform gives power to the government over the court") == 1.0


def test_a_caption_sentence_that_continues_the_previous_one_is_no_key_point() -> None:
    """Real cuts from auto-caption episodes (../shared/data/chaptered/)."""
    from notegraph.writers.extractive import starts_mid_phrase

    def cut(prev: str, text: str, same: bool = True) -> bool:
        return starts_mid_phrase(Sentence(0.0, 5.0, prev, "Ann"),
                                 Sentence(5.0, 9.0, text, "Ann" if same else "Bob"))

    assert cut("the idea that elected officials should choose",
               "Supreme Court judges is the end of democracy")
    assert cut("I had something to do with that I introduced dozens",
               "And dozens of free market reforms that made Israel move")
    assert cut("you said something that Anthony", "Jackson told you as encouragement")
    assert cut("if I wasn't constantly standing on the edge of the",
               "Cliff like wild why are you", same=False)
    assert cut("we have", "A fair amount of experience with how to handle death")
    # a new sentence, a new turn, or a punctuated end: not a cut
    assert not cut("so the towel ends up folded", "The robot gets a reward for it")
    assert not cut("you want things to mean multiple things so",
                   "There's one line I read somewhere", same=False)
    assert not cut("That's what we now call the ELIZA effect.", "And today's chatbots are far")
    assert not cut("and ended up talking about bodies", "And then we stayed with bodies")
    assert not starts_mid_phrase(None, Sentence(0.0, 5.0, "Of course it works", "Ann"))


def test_key_points_skip_sentences_that_start_mid_phrase() -> None:
    # the most central sentence, but it starts where the one before broke off "of the"
    texts = [*TOPIC_A[:3], "What the astronomers saw was the work of the",
             "Dark matter in galaxies and the Bullet Cluster explains the fast stars and the "
             "rotation curves of galaxies", *TOPIC_A[3:]]
    seg = Segment("vid", 0.0, 40.0, tuple(
        Sentence(i * 5.0, i * 5.0 + 4.5, t, "Ben Ortiz") for i, t in enumerate(texts)))
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    points = [p for s in topic.sections for p in s.points]
    assert points and all(p.start != 20.0 for p in points)


def test_a_topic_of_sponsor_reads_still_has_one_grounded_time() -> None:
    texts = ["This is the Ada Park podcast, to support it please check out our sponsors.",
             "This episode is brought to you by a mattress company, use the promo code.",
             "Go to the link in the description and subscribe to the channel."]
    seg = _segment(texts, step=5.0)
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    points = [p for s in topic.sections for p in s.points]
    assert points == []  # a sponsor read is never a key point
    assert [p.start for p in topic.lead_points] == [0.0]
    # with one sentence that is no read, that one is the time shown
    said = [*texts[:2], "Today we talk about black holes and how they evaporate.", texts[2]]
    seg = _segment(said, step=5.0)
    topic = ExtractiveWriter().write_topic(seg, _context([seg]))
    assert [p.start for p in topic.lead_points] == [10.0] or \
        [p.start for s in topic.sections for p in s.points] == [10.0]


def test_a_sentence_that_lost_its_subject_is_no_key_point() -> None:
    from notegraph.writers.extractive import sentence_quality

    def q(text: str) -> float:
        return sentence_quality(Sentence(0.0, 5.0, text, None))

    # the caption cut "Nostalgia" off "…removes time": a fragment
    assert q("Removes time because time is not useful for the compression of memories") < 0.5
    assert q("Memory removes time because time is not useful for the compression") == 1.0
    assert q("Turns out the brain keeps the order of events but drops their length") >= 0.5


def test_a_misheard_one_off_word_keeps_its_sentence_out_of_the_key_points() -> None:
    from notegraph.writers.points import misheard_words

    said = ["There's this beauti dynamics of networks that come together in the brain.",
            "Neuropixels record hundreds of neurons, and neuropixels changed the field.",
            "Nobody had seen the Blankin Institute data before."]
    # said once and unknown to English; a rare term said twice and a name stay
    assert misheard_words(said) == {"beauti"}
    from notegraph.writers.extractive import rank_sentences

    texts = [*TOPIC_B[:3],
             "Melatonin has beauti dynamics when the evening light falls on the body clock.",
             *TOPIC_B[3:]]
    candidates = rank_sentences(_segment(texts).sentences).cand
    assert 3 not in candidates and {0, 1, 2, 4, 5} <= set(candidates)


def test_the_segment_centre_is_the_mean_of_the_windows_inside_it() -> None:
    seg = _segment(["Sleep pressure builds all day.", "Adenosine is the reason."])
    a, b, c = np.eye(3, dtype=np.float32)
    context = _context([seg])
    context = replace(context, windows={
        "sleep pressure builds all day. adenosine": a, "is the reason.": b, "elsewhere": c})
    centre = context.centre(seg.sentences)
    assert centre is not None
    assert np.allclose(centre, (a + b) / np.linalg.norm(a + b))
    assert _context([seg]).centre(seg.sentences) is None  # no windows: the caller falls back


def test_the_title_is_what_the_topic_says_most_when_meanings_tie() -> None:
    from notegraph.writers.naming import title_options, topic_phrases

    texts = ["Ukraine wants weapons and Ukraine wants time.",
             "The Soviet Union fell long ago, and Ukraine became a state.",
             "Ukraine holds the line while Ukraine waits for help."]
    seg = _segment(texts)
    phrases = topic_phrases(list(seg.sentences), _context([seg]))
    found = ["Soviet Union", "Ukraine"]
    said = [1, 5]
    assert title_options(seg, found, np.array([0.50, 0.48]), said, phrases)[0] == "Ukraine"
    options = title_options(seg, found, np.array([0.90, 0.40]), said, phrases)
    assert options == ["Soviet Union", "Ukraine"]  # the runner-up is kept, as said


def test_a_proper_name_wins_over_a_common_noun_close_in_meaning() -> None:
    from notegraph.writers.naming import title_options, topic_phrases

    seg = _segment(["Optimus is a robot.", "The robot Optimus walks.", "Optimus lifts."])
    phrases = topic_phrases(list(seg.sentences), _context([seg]))
    found = ["robot", "Optimus"]
    # a common noun a little closer in meaning loses to the name of what is discussed
    assert title_options(seg, found, np.array([0.50, 0.40]), [2, 2], phrases)[0] == "Optimus"
    # ... but not one far closer
    assert title_options(seg, found, np.array([0.70, 0.40]), [2, 2], phrases)[0] == "Robot"


def test_a_second_topic_on_one_subject_says_what_it_adds() -> None:
    from notegraph.models import Topic
    from notegraph.topics.pipeline import distinct_title

    def topic(title: str, *options: str) -> Topic:
        return Topic(segment=_segment(["x"]), title=title, lead="", sections=(),
                     title_options=options)

    used: dict[str, int] = {}
    assert distinct_title(topic("Israel", "Gaza"), used) == "Israel"
    assert distinct_title(topic("Israel", "Gaza", "peace talks"), used) == "Israel and Gaza"
    # an option already a title of the video is passed over
    assert distinct_title(topic("Gaza"), used) == "Gaza (part 2)"
    assert distinct_title(topic("Israel", "Gaza", "peace talks"), used) == \
        "Israel and peace talks"
    # no option left: numbered, as an LLM-written or chaptered topic is
    assert distinct_title(topic("Israel", "Gaza"), used) == "Israel (part 4)"


def test_an_interviewers_question_after_a_lead_in_is_a_question() -> None:
    from notegraph.writers.points import is_question

    assert is_question("Let's start with a more practical one what are your thoughts about "
                       "brain computer interfaces")
    assert is_question("So in your view do you think the war ends this year")
    assert is_question("When you look out at the future of Earth do you worry about future "
                       "extinction events")
    assert not is_question("If you do you know that it works")
    assert not is_question("Brain computer interfaces will first help people who are paralysed")
    # unpunctuated: a negative question, and a request for an answer
    assert is_question("Isn't it easier now in the digital world to explore costumes")
    assert is_question("Maybe you can tell me about the region of Donbas")
    assert not is_question("With this app you can talk to anyone")
    assert not is_question("Don't do that ever again")
    assert is_question("Then okay so what can you do with photorealistic avatars")
    assert is_question("Let me just ask you about nuclear safety because it matters")
    assert is_question("Do a lot of the entrepreneurs overvalue business")
    assert is_question("How much of that part of human history turned on one person")
    assert is_question("I wonder if you can comment on your process of learning")
    assert not is_question("Then we went home and slept")
    assert not is_question("People do a lot of things")
    # an interviewer steering the talk: asks, or only says where it goes next
    assert is_question("Let me ask since you helped set up phone calls with Putin")
    assert is_question("Let's continue on a theme of fun exchanges on the internet")
    assert is_question("Let's go back let's look at the big picture")
    assert not is_question("Let's say the object is a golf ball")


def test_he_or_she_before_any_name_was_named_before() -> None:
    from notegraph.writers.points import speaks_of_someone_unnamed as unnamed

    assert unnamed("I said he's a populist who seems to hate the establishment")
    assert unnamed("His team prepares attacks against the other side")
    assert not unnamed("I think Elon is a friend and he is a beautiful human being")
    assert not unnamed("The market found a better way of getting rid of outsiders")


def test_a_stance_does_not_hide_a_reference_back() -> None:
    from notegraph.writers.points import refers_back

    assert refers_back("I think that's the kind of friendship you should have")
    assert refers_back("I guess they never wrote back to us after that")
    assert not refers_back("I think the market will recover by the spring")


def test_a_sentence_whose_continuation_is_a_sponsor_read_is_no_key_point() -> None:
    from notegraph.writers.extractive import rank_sentences

    # the caption break fell inside the read: "This is the… podcast" | "to support it…"
    texts = ["This is Al Lex Freedman podcast",
             "to support it please check out our sponsors in the description.",
             *TOPIC_A[:5]]
    seg = Segment("vid", 0.0, 100.0, tuple(Sentence(i * 2.0, i * 2.0 + 1.5, t, "Lex")
                                          for i, t in enumerate(texts)), None)
    assert 0 not in rank_sentences(seg.sentences).cand


def test_a_sentence_whose_cut_the_break_model_doubts_ranks_lower() -> None:
    from notegraph.writers.extractive import sentence_quality

    text = "The board wanted a path back and we talked about it all weekend long"
    from notegraph.writers.points import POOL_SHIFT

    def q(boundary: float | None, shift: float | None = None) -> float:
        s = Sentence(0.0, 5.0, text, None, boundary=boundary)
        return sentence_quality(s) if shift is None else sentence_quality(s, shift)

    assert q(-3.0, POOL_SHIFT) < 0.5 <= q(10.0, POOL_SHIFT)  # a doubted one: no candidate
    # among candidates, ranking weighs the doubt more than the candidates' floor does
    assert q(-1.5) / q(1.0) < q(-1.5, POOL_SHIFT) / q(1.0, POOL_SHIFT) < 1.0
    assert q(None) == pytest.approx(q(10.0), rel=1e-3)  # punctuated: no doubt
