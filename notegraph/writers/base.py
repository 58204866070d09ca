"""What a writer is: the `Writer` protocol and the `WriterContext` it is given.

A writer turns one `Segment` into a readable `Topic` (title, lead, sections of key
points, concepts, people). `write_topics` gets a whole video at once (the LLM writer
runs its requests concurrently); `BaseWriter` gives a one-topic writer that for free.

Every `KeyPoint.start` a writer returns must be the start of a sentence of the segment:
the pipeline checks it and drops a point that invents a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from notegraph.embed.embedder import Embedder
from notegraph.models import Segment, Sentence, Topic
from notegraph.topics.concepts import PhraseCounts


@dataclass(frozen=True)
class WriterContext:
    """What a writer may know beyond the segment itself.

    - `embedder`: L2-normalised embeddings of texts (cached); `vectors(sentences)`
      gives those of sentences;
    - `people`: names known for this video (metadata, speaker labels, the text);
    - `speakers`: who talks in this video (guest/host from metadata, speaker labels);
    - `vault_people`: names known from other videos (matched by full name only);
    - `segment_phrases`: phrase counts of every segment of the video, so a keyphrase
      that all segments share can be told from one that marks this segment;
    - `windows`: the segmenter's window vectors by lower-cased text, so the direction of
      a whole segment costs no model call (`centre`).
    """

    video_id: str
    title: str
    channel: str
    embedder: Embedder
    people: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    vault_people: tuple[str, ...] = ()
    is_generated: bool = False
    segment_phrases: tuple[PhraseCounts, ...] = field(default=(), compare=False)
    windows: Mapping[str, np.ndarray] = field(default_factory=dict, compare=False)

    def vectors(self, sentences: Sequence[Sentence]) -> np.ndarray:
        """The embeddings of `sentences`, one row each."""
        if not sentences:
            return np.zeros((0, 0), dtype=np.float32)
        return self.embedder.embed([s.text for s in sentences])

    def centre(self, sentences: Sequence[Sentence]) -> np.ndarray | None:
        """The unit mean of the segmenter's windows inside `sentences`, if any."""
        inside = windows_inside(" ".join(s.text for s in sentences), self.windows)
        if not inside:
            return None
        mean = np.mean(inside, axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else None


def windows_inside(text: str, windows: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """The vectors of the windows (keyed by lower-cased text) whose text lies in `text`.

    Case-blind: the notes' display casing may differ from the segmenter's text.
    """
    lowered = text.lower()
    return [v for k, v in windows.items() if k and k in lowered]


@runtime_checkable
class Writer(Protocol):
    """Turns segments into topics. Must not invent sentences or times."""

    name: str

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        """Title, lead, 1–4 sections of grounded key points, concepts and people."""
        ...

    def write_topics(self, segments: Sequence[Segment], context: WriterContext
                     ) -> list[Topic]:
        """The topics of one video's segments, in order."""
        ...


class BaseWriter:
    """A writer that writes one topic at a time: subclass it and define `write_topic`."""

    name = "base"

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        raise NotImplementedError

    def write_topics(self, segments: Sequence[Segment], context: WriterContext
                     ) -> list[Topic]:
        """`write_topic` for each segment, in order."""
        return [self.write_topic(seg, context) for seg in segments]
