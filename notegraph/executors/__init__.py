"""Where the per-transcript work of a notes run happens: this process, or a Ray cluster.

`generate_notes` hands an executor the transcripts to process and consumes one `Outcome`
per transcript, in whatever order they finish (the progress bar counts them); it keeps
the cross-video pass (concept and person merging, related notes, writing the vault) to
itself, in a fixed order, so the vault does not depend on the executor.

Executors: `local` (default, in this process) and `ray` (`notegraph[ray]`, see
`notegraph.executors.ray`). Both run the same function on each transcript,
`process_episode`, so they write the same notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from notegraph.config import EXECUTORS, Config, ExecutorConfig
from notegraph.errors import ConfigError, NotegraphError
from notegraph.report import QUIET, Reporter

if TYPE_CHECKING:
    from notegraph.notes.compose import VideoTopics


@dataclass(frozen=True)
class Episode:
    """One stored transcript to turn into topics."""

    video_id: str
    path: Path


@dataclass
class Outcome:
    """What became of one episode: its topics, or the one-line error that stopped it."""

    video_id: str
    video: VideoTopics | None = None
    error: str = ""
    model_seconds: float = 0.0
    # (level, message) said by a remote worker, for the driver's reporter to repeat
    messages: list[tuple[str, str]] = field(default_factory=list)


class Executor(Protocol):
    """Runs `process_episode` on many episodes; yields an Outcome per episode."""

    name: str

    def map_episodes(self, config: Config, episodes: Sequence[Episode],
                     vault_people: Sequence[str], reporter: Reporter) -> Iterator[Outcome]:
        """Outcomes in the order they finish (every episode exactly once)."""
        ...

    def close(self) -> None:
        """Free what the executor holds (model processes, cluster connection)."""
        ...


class RecordingReporter(Reporter):
    """Keeps a worker's messages so that the driver can print them (workers have no tty)."""

    def __init__(self) -> None:
        super().__init__(level=QUIET)
        self.messages: list[tuple[str, str]] = []

    def info(self, message: str) -> None:
        self.messages.append(("info", message))

    def debug(self, message: str) -> None:
        self.messages.append(("debug", message))

    def warn(self, message: str) -> None:
        self.messages.append(("warn", message))

    def error(self, message: str) -> None:
        self.messages.append(("error", message))

    def drain(self) -> list[tuple[str, str]]:
        """The messages so far (and forget them)."""
        out, self.messages = self.messages, []
        return out


def replay(messages: Sequence[tuple[str, str]], reporter: Reporter) -> None:
    """Say a worker's messages through the driver's reporter, at their own level."""
    for level, message in messages:
        getattr(reporter, level, reporter.info)(message)


def process_episode(config: Config, episode: Episode, writer: Any, embedder: Any,
                    vault_people: Sequence[str], reporter: Reporter,
                    data: bytes | None = None) -> Outcome:
    """Topics of one episode; a NotegraphError becomes the outcome's error.

    `data`: the transcript file's bytes, shipped to a worker that may not see `path`.
    """
    import json

    from notegraph.errors import ParseError
    from notegraph.models import Transcript
    from notegraph.notes.generate import process_transcript

    try:
        transcript = None
        if data is not None:
            try:
                transcript = Transcript.from_dict(json.loads(data.decode("utf-8")))
            except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise ParseError(f"{episode.path}: not a valid notegraph transcript ({exc}); "
                                 "re-import it with --force") from exc
        video = process_transcript(config, episode.path, writer, embedder, vault_people,
                                   reporter, transcript=transcript)
    except NotegraphError as exc:
        return Outcome(episode.video_id, error=str(exc))
    return Outcome(episode.video_id, video=video)


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
