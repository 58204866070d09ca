"""Where the per-transcript work of a notes run happens: this process, or a Ray cluster.

`generate_notes` hands an executor the transcripts to process and consumes one `Outcome`
per transcript, in whatever order they finish (the progress bar counts them); it keeps
the cross-video pass (concept and person merging, related notes, writing the vault) to
itself, in a fixed order, so the vault does not depend on the executor.

Executors: `local` (default, `notegraph.executors.local`) and `ray` (`notegraph[ray]`,
`notegraph.executors.ray`). Both run `process_episode` (`notegraph.executors.base`) on
each transcript, so they write the same notes.
"""

from __future__ import annotations

from typing import Any

from notegraph.config import EXECUTORS, ExecutorConfig
from notegraph.errors import ConfigError
from notegraph.executors.base import (
    Episode,
    Executor,
    Outcome,
    RecordingReporter,
    process_episode,
    replay,
)

__all__ = ["Episode", "Executor", "Outcome", "RecordingReporter", "get_executor",
           "process_episode", "replay"]


def get_executor(settings: ExecutorConfig, embedder: Any = None) -> Executor:
    """The executor `settings` name. `embedder` (tests, benchmarks) serves the local one;
    Ray workers always load the configured model themselves."""
    if settings.kind == "local":
        from notegraph.executors.local import LocalExecutor

        return LocalExecutor(embedder)
    if settings.kind == "ray":
        from notegraph.executors.ray import RayExecutor

        return RayExecutor(settings)
    raise ConfigError(f"unknown executor {settings.kind!r}; available: {', '.join(EXECUTORS)}")
