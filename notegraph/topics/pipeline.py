"""One transcript → its topics: sentences → segments → a writer's topics, grounded, plus
one unit vector per topic (for related notes).

Pure but for the embedder (which caches on disk): the notes run (`notegraph.notes.run`)
calls `process_transcript` per new or changed transcript, on whichever executor.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import numpy as np

from notegraph.embed.embedder import Embedder
from notegraph.models import Section, Segment, Sentence, Topic, Transcript, VideoTopics
from notegraph.report import Reporter, SilentReporter, Step
from notegraph.slugs import format_timestamp
from notegraph.text.casing import CasingRestorer, recase_segments
from notegraph.text.sentences import is_punctuated, split_sentences
from notegraph.topics.concepts import PhraseCounts
from notegraph.topics.grounding import is_real_start
from notegraph.topics.people import (
    looks_like_name,
    names_in_text,
    people_from_metadata,
    said_as_a_thing,
    said_in_lower_case,
    speaker_name,
    speakers_from_metadata,
)
from notegraph.topics.segment import segment_transcript
from notegraph.writers.base import Writer, WriterContext, windows_inside

# texts per call to the model: small enough that the N/M of a long transcript advances
# every second or so, large enough that the model process still batches well
EMBED_BATCH = 64


class RunEmbedder:
    """The embedder of one transcript's processing: each distinct text embedded once,
    the vectors kept by text (the segmenter's windows are reused as topic vectors) and
    the time spent in the model measured (for the benchmark)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seen: dict[str, np.ndarray] = {}
        self.seconds = 0.0
        # the stage to count embedded texts in (N/M as the batches return), if any
        self.step: Step | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of `texts`; texts seen before in this run cost nothing."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.seen))
        if missing:
            step = self.step
            if step is not None:
                step.add(len(missing))
            for start in range(0, len(missing), EMBED_BATCH):
                batch = missing[start:start + EMBED_BATCH]
                t0 = time.perf_counter()
                try:
                    self.seen.update(zip(batch, self.inner.embed(batch), strict=True))
                finally:
                    self.seconds += time.perf_counter() - t0
                if step is not None:
                    step.advance(len(batch))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.seen[t] for t in texts])


def known_people(transcript: Transcript, sentences: Sequence[Sentence]
                 ) -> tuple[list[str], list[str]]:
    """(speakers, people) of a transcript: who talks, and everyone it names."""
    speakers = speakers_from_metadata(transcript.title, transcript.channel)
    speakers += [name for c in transcript.cues if (name := speaker_name(c.speaker))]
    speakers = list(dict.fromkeys(speakers))
    # a title listing "Jeff Beck" or a chapter called "Ilya Sutskever" is about that
    # person; "Abraham Accords" is not, which the text tells ("the Abraham Accords")
    texts = [s.text for s in sentences]
    source = [" ".join(c.text for c in transcript.cues)]
    named = [*people_from_metadata(transcript.title, transcript.channel),
             *(c.title.strip() for c in transcript.chapters if looks_like_name(c.title.strip()))]
    # nor is a chapter "Jiu Jitsu" or "Deja Vu": the captions also write it in lower case,
    # as they wrote none of the 80 people the 23 chaptered episodes' titles and chapters name
    known = [*speakers, *(n for n in named if n in speakers or not (
        said_as_a_thing(n, texts) or said_in_lower_case(n, source)))]
    # captions made by speech recognition misspell names: ask for more evidence there
    min_count = 3 if transcript.is_generated else 2
    people = list(dict.fromkeys(
        [*known, *names_in_text(texts, known, min_count,
                                surname_counts=not transcript.is_generated,
                                source=source)]))
    return speakers, people


def distinct_title(topic: Topic, used: dict[str, int]) -> str:
    """The topic's title, told apart from the video's earlier ones (`used`: lower-cased
    titles and how often each was wanted, updated): two topics of one video never share
    a title. A repeated subject is joined with the topic's best unused runner-up ("Israel
    and peace talks"), which says what the second part adds; "(part N)" is the last resort.
    """
    key = topic.title.lower()
    used[key] = n = used.get(key, 0) + 1
    if n == 1:
        return topic.title
    for option in topic.title_options:
        joined = f"{topic.title} and {option}"
        if option.lower() not in used and joined.lower() not in used:
            used[option.lower()] = used[joined.lower()] = 1
            return joined
    return f"{topic.title} (part {n})"


def process_transcript(transcript: Transcript, writer: Writer, embedder: RunEmbedder,
                       vault_people: Sequence[str] = (),
                       reporter: Reporter | None = None) -> VideoTopics:
    """Sentences → segments → grounded topics and their vectors, for one transcript.

    `embedder` is this transcript's own `RunEmbedder`: what the segmenter embedded (its
    windows) is reused for the topic vectors, so no text is embedded twice.
    """
    reporter = reporter or SilentReporter()
    # one line counts the texts embedded over the whole transcript (the segmenter's
    # windows, then the writer's sentences), under the line of the stage running now
    with reporter.stage(f"{transcript.video_id}: embedding") as embedding:
        embedder.step = embedding
        try:
            video = _stages(transcript, writer, embedder, vault_people, reporter)
        finally:
            embedder.step = None
        embedding.summary = (f"{embedding.done} texts, {embedder.seconds:.2f} s in the "
                             "model")
    return video


def _stages(transcript: Transcript, writer: Writer, embedder: RunEmbedder,
            vault_people: Sequence[str], reporter: Reporter) -> VideoTopics:
    """`process_transcript`'s stages, each shown as it runs."""
    vid = transcript.video_id
    with reporter.stage(f"{vid}: sentences") as step:
        # the casing of the source is learnt once; people found later only add names
        casing = CasingRestorer.for_transcript(transcript,
                                               source_cased=is_punctuated(transcript))
        sentences = split_sentences(transcript, casing)
        step.summary = f"{len(sentences)} sentences"
    with reporter.stage(f"{vid}: segmenting") as step:
        segments = segment_transcript(transcript, sentences, embedder)
        windows = dict(embedder.seen)
        step.summary = f"{len(segments)} segments from {len(windows)} windows"
    speakers, people = known_people(transcript, sentences)
    # the sentences were cased knowing only the video's speakers; the people found in
    # the text and across the vault are known only now: the same casing, more names
    segments = recase_segments(segments, casing.with_names([*people, *vault_people]))
    with reporter.stage(f"{vid}: writing", total=len(segments)) as step:
        video = write_topics(transcript, segments, writer, embedder, speakers, people,
                             vault_people, reporter, windows, step)
        step.summary = f"{len(video.topics)} topics written"
    return video


def write_topics(transcript: Transcript, segments: Sequence[Segment], writer: Writer,
                 embedder: Embedder, speakers: Sequence[str], people: Sequence[str],
                 vault_people: Sequence[str] = (), reporter: Reporter | None = None,
                 windows: dict[str, np.ndarray] | None = None,
                 step: Step | None = None) -> VideoTopics:
    """Topics (and their vectors) of one segmented transcript, with grounding checks.

    `windows`: texts the segmenter embedded, by text (reused as topic vectors);
    `step`: the stage to count written topics in.
    """
    reporter = reporter or SilentReporter()
    context = WriterContext(
        video_id=transcript.video_id, title=transcript.title, channel=transcript.channel,
        embedder=embedder, people=tuple(people), speakers=tuple(speakers),
        vault_people=tuple(p for p in vault_people if p not in people),
        is_generated=transcript.is_generated,
        segment_phrases=tuple(PhraseCounts.of(s.text for s in seg.sentences)
                              for seg in segments),
        windows={k.lower(): v for k, v in (windows or {}).items()})
    topics: list[Topic] = []
    titles: dict[str, int] = {}
    for raw in writer.write_topics(segments, context):
        topic = ground(raw, reporter)
        title = distinct_title(topic, titles)
        if title != topic.title:
            topic = dataclasses.replace(topic, title=title)
        topics.append(topic)
        if step is not None:
            step.advance()
    vectors = topic_vectors(topics, embedder, context.windows)
    return VideoTopics(video_id=transcript.video_id, title=transcript.title,
                       channel=transcript.channel, duration=transcript.duration,
                       source=transcript.source, topics=tuple(topics), vectors=tuple(vectors),
                       speakers=tuple(speakers),
                       audio_url=transcript.media.url if transcript.media is not None else "")


def topic_vectors(topics: Sequence[Topic], embedder: Embedder,
                  windows: dict[str, np.ndarray]) -> list[tuple[float, ...]]:
    """One unit vector per topic: the mean of the segmenter's windows inside it when
    there are some (free), else of its key points (one model call for the video)."""
    vectors: list[np.ndarray | None] = []
    for t in topics:
        inside = windows_inside(" ".join(s.text for s in t.segment.sentences), windows)
        vectors.append(np.mean(inside, axis=0) if inside else None)
    need = [i for i, v in enumerate(vectors) if v is None]
    texts = [[p.text for sec in topics[i].sections for p in sec.points]
             or [s.text for s in topics[i].segment.sentences[:5]] or [topics[i].title]
             for i in need]
    flat = [x for group in texts for x in group]
    if flat:
        matrix, row = embedder.embed(flat), 0
        for i, group in zip(need, texts, strict=True):
            vectors[i] = matrix[row:row + len(group)].mean(axis=0)
            row += len(group)
    out = []
    for v in vectors:
        assert v is not None
        norm = float(np.linalg.norm(v)) or 1.0
        out.append(tuple(float(x) for x in v / norm))
    return out


def ground(topic: Topic, reporter: Reporter) -> Topic:
    """Drop key points whose time is not the start of a sentence of the topic's segment."""
    seg = topic.segment
    sections = []
    for section in topic.sections:
        points = tuple(p for p in section.points
                       if is_real_start(p.start, seg.sentences, seg.start, seg.end))
        if len(points) < len(section.points):
            reporter.warn(f"{seg.video_id}: dropped {len(section.points) - len(points)} key "
                          f"point(s) at {format_timestamp(seg.start)} with a time the "
                          "transcript does not have")
        if points:
            sections.append(Section(section.heading, points))
    lead = tuple(p for p in topic.lead_points
                 if is_real_start(p.start, seg.sentences, seg.start, seg.end))
    return dataclasses.replace(topic, sections=tuple(sections), lead_points=lead)
