"""What every executor shares: the unit of work, its outcome, and the one function that
turns an episode into topics (`process_episode`), wherever it runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.report import QUIET, Reporter

if TYPE_CHECKING:
    from notegraph.models import VideoTopics


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


def process_episode(episode: Episode, writer: Any, embedder: Any,
                    vault_people: Sequence[str], reporter: Reporter,
                    data: bytes | None = None) -> Outcome:
    """Topics of one episode (`process_transcript`); a NotegraphError becomes the
    outcome's error. `data`: the transcript file's bytes, shipped to a worker that may
    not see `episode.path` (then only named in messages)."""
    import json

    from notegraph import store
    from notegraph.errors import ParseError
    from notegraph.models import Transcript
    from notegraph.topics.pipeline import RunEmbedder, process_transcript

    run = RunEmbedder(embedder)
    try:
        if data is None:
            transcript = store.load_transcript(episode.path)
        else:
            try:
                transcript = Transcript.from_dict(json.loads(data.decode("utf-8")))
            except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise ParseError(f"{episode.path}: not a valid notegraph transcript ({exc}); "
                                 "re-import it with --force") from exc
        video = process_transcript(transcript, writer, run, vault_people, reporter)
    except NotegraphError as exc:
        return Outcome(episode.video_id, error=str(exc), model_seconds=run.seconds)
    return Outcome(episode.video_id, video=video, model_seconds=run.seconds)
