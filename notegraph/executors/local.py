"""The default executor: every episode in this process, one after the other."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from notegraph.config import Config
from notegraph.executors import Episode, Outcome, process_episode
from notegraph.report import Reporter


class LocalExecutor:
    """Episodes in order, in this process, with one writer and one embedder for the run."""

    name = "local"

    def __init__(self, embedder: Any = None) -> None:
        # given (tests, benchmarks) or the configured one, loaded on the first episode
        self.embedder = embedder

    def map_episodes(self, config: Config, episodes: Sequence[Episode],
                     vault_people: Sequence[str], reporter: Reporter) -> Iterator[Outcome]:
        """Outcomes in the order of `episodes`."""
        if not episodes:
            return
        from notegraph.notes.generate import writer_name
        from notegraph.writers import get_writer

        writer = get_writer(writer_name(config), config, reporter)
        if self.embedder is None:
            from notegraph.embed.embedder import load_embedder

            self.embedder = load_embedder(config)
        timed = TimedEmbedder(self.embedder)
        for episode in episodes:
            before = timed.seconds
            outcome = process_episode(config, episode, writer, timed, vault_people, reporter)
            outcome.model_seconds = timed.seconds - before
            yield outcome

    def close(self) -> None:
        """Nothing to free: the embedder's model process ends with this process."""


class TimedEmbedder:
    """Wraps an embedder to measure the time spent in it (for the benchmark)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - t0
