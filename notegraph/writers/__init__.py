"""Writers turn a `Segment` into a readable `Topic` (title, lead, sections, key points).

A writer is anything with `name` and `write_topic(segment, context) -> Topic`; one that
also has `write_topics(segments, context) -> list[Topic]` gets a whole video at once
(the LLM writer uses it to run requests concurrently). Writers are looked up by name in a
small registry of factories — `(config, reporter) -> Writer`, or no arguments for a
writer that needs no settings; the built-in extractive
writer registers itself here the same way a plugin (e.g. `writers/llm.py`) does.

Every `KeyPoint.start` a writer returns must be the start of a sentence of the segment:
the pipeline checks it and refuses a topic that invents a time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from notegraph.config import Config
from notegraph.errors import ConfigError
from notegraph.models import Segment, Sentence, Topic
from notegraph.report import Reporter, SilentReporter
from notegraph.topics.concepts import PhraseCounts

DEFAULT_WRITER = "extractive"


@dataclass(frozen=True)
class WriterContext:
    """What a writer may know beyond the segment itself.

    - `vectors(sentences)`: L2-normalised embeddings of those sentences (cached);
    - `people`: names known for this video (metadata, speaker labels, the text);
    - `speakers`: who talks in this video (guest/host from metadata, speaker labels);
    - `vault_people`: names known from other videos (matched by full name only);
    - `segment_phrases`: phrase counts of every segment of the video, so a keyphrase
      that all segments share can be told from one that marks this segment.
    """

    video_id: str
    title: str
    channel: str
    vectors: Callable[[Sequence[Sentence]], np.ndarray]
    people: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    vault_people: tuple[str, ...] = ()
    is_generated: bool = False
    segment_phrases: tuple[PhraseCounts, ...] = field(default=(), compare=False)


class Writer(Protocol):
    """Turns one segment into a topic. Must not invent sentences or times."""

    name: str

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        """Title, lead, 1–4 sections of grounded key points, concepts and people."""
        ...


# (config, reporter) -> Writer, or () -> Writer
WriterFactory = Callable[..., Writer]
_REGISTRY: dict[str, WriterFactory] = {}


def register_writer(name: str, factory: WriterFactory) -> None:
    """Make a writer available under `name` (a later registration replaces it)."""
    _REGISTRY[name] = factory


def available_writers() -> list[str]:
    """Names of the registered writers."""
    _register_builtins()
    return sorted(_REGISTRY)


def get_writer(name: str = DEFAULT_WRITER, config: Config | None = None,
               reporter: Reporter | None = None) -> Writer:
    """A writer by name, made for `config`; an unknown name is a ConfigError listing the
    known ones."""
    _register_builtins()
    try:
        factory = _REGISTRY[name or DEFAULT_WRITER]
    except KeyError:
        raise ConfigError(
            f"unknown note writer {name!r}; available: {', '.join(available_writers())}"
        ) from None
    args = (config or Config(), reporter or SilentReporter())
    try:
        inspect.signature(factory).bind(*args)
    except TypeError:  # a factory that takes no settings
        return factory()
    except ValueError:  # no signature to inspect (some builtins): assume the full one
        pass
    return factory(*args)


def _register_builtins() -> None:
    if DEFAULT_WRITER not in _REGISTRY:
        from notegraph.writers.extractive import ExtractiveWriter

        register_writer(DEFAULT_WRITER, ExtractiveWriter)
    if "llm" not in _REGISTRY:
        # llm.py ships with the package and registers itself on import; an ImportError
        # there is a real fault to show, not an "unknown note writer 'llm'".
        from notegraph.writers import llm  # noqa: F401
