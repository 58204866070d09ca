"""The default executor: every episode in this process, one after the other."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from notegraph.config import Config
from notegraph.executors.base import Episode, Outcome, process_episode
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
        from notegraph.topics.cache import writer_name
        from notegraph.writers import get_writer

        writer = get_writer(writer_name(config), config, reporter)
        if self.embedder is None:
            from notegraph.embed.embedder import load_embedder

            self.embedder = load_embedder(config)
        for episode in episodes:
            yield process_episode(episode, writer, self.embedder, vault_people, reporter)

    def close(self) -> None:
        """Nothing to free: the embedder's model process ends with this process."""
