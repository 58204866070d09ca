"""Executors of the notes run: settings, and a vault that does not depend on the order
in which an executor finishes its episodes (issue 15). The real Ray cluster is in
test_executor_ray.py."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from notes_helpers import HashEmbedder

from notegraph import store
from notegraph.cli import with_executor
from notegraph.config import Config, ExecutorConfig, load_config
from notegraph.errors import ConfigError
from notegraph.executors import (
    Episode,
    Outcome,
    RecordingReporter,
    get_executor,
    process_episode,
    replay,
)
from notegraph.executors.local import LocalExecutor
from notegraph.models import Transcript
from notegraph.notes.generate import generate_notes
from notegraph.report import Reporter

FIXTURE = Path(__file__).parent / "fixtures" / "notes_talk.json"
IDS = ("talk-a", "talk-b", "talk-c")


def _project(root: Path) -> Config:
    config = load_config(root)
    base = Transcript.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    for n, vid in enumerate(IDS):
        store.save_transcript(config.transcripts_path,
                              replace(base, video_id=vid, title=f"{base.title} part {n}"))
    return config


def _vault(config: Config) -> dict[str, bytes]:
    return {str(p.relative_to(config.notes_path)): p.read_bytes()
            for p in sorted(config.notes_path.rglob("*.md"))}


class ReversedExecutor(LocalExecutor):
    """The local executor, finishing its episodes in the opposite order (as a cluster may)."""

    arrived: ClassVar[list[str]] = []

    def map_episodes(self, config: Config, episodes: Sequence[Episode],
                     vault_people: Sequence[str], reporter: Reporter) -> Iterator[Outcome]:
        for outcome in reversed(list(super().map_episodes(config, episodes, vault_people,
                                                          reporter))):
            self.arrived.append(outcome.video_id)
            yield outcome


def test_vault_does_not_depend_on_the_order_outcomes_arrive(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    local = _project(tmp_path / "local")
    first = generate_notes(local, embedder=HashEmbedder())
    assert first.processed == IDS

    shuffled = _project(tmp_path / "shuffled")
    monkeypatch.setattr("notegraph.notes.generate.get_executor",
                        lambda settings, embedder=None: ReversedExecutor(embedder))
    second = generate_notes(shuffled, embedder=HashEmbedder())
    assert ReversedExecutor.arrived == list(reversed(IDS))
    assert second.processed == IDS  # in the todo order, not the arrival order
    assert _vault(shuffled) == _vault(local) != {}


def test_a_broken_transcript_fails_alone(tmp_path: Path) -> None:
    config = _project(tmp_path)
    store.transcript_path(config.transcripts_path, "talk-b").write_text("{not json",
                                                                        encoding="utf-8")
    result = generate_notes(config, embedder=HashEmbedder())
    assert result.processed == ("talk-a", "talk-c")
    assert [vid for vid, _ in result.failed] == ["talk-b"]
    assert "talk-b.json" in result.failed[0][1]


def test_shipped_bytes_are_parsed_on_the_worker(tmp_path: Path) -> None:
    config = _project(tmp_path)
    path = store.transcript_path(config.transcripts_path, "talk-a")
    episode = Episode("talk-a", tmp_path / "elsewhere" / "talk-a.json")  # not on this node
    from notegraph.writers import get_writer

    reporter = RecordingReporter()
    ok = process_episode(episode, get_writer("extractive", config, reporter), HashEmbedder(),
                         (), reporter, data=path.read_bytes())
    assert ok.video is not None and ok.video.video_id == "talk-a" and ok.error == ""
    bad = process_episode(episode, get_writer("extractive", config, reporter), HashEmbedder(),
                          (), reporter, data=b"\xff not a transcript")
    assert bad.video is None and "talk-a.json: not a valid notegraph transcript" in bad.error


def test_worker_messages_are_replayed_at_their_level() -> None:
    worker = RecordingReporter()
    worker.warn("dropped a key point")
    worker.info("3 topics")
    said: list[tuple[str, str]] = []

    class Driver(Reporter):
        def warn(self, message: str) -> None:
            said.append(("warn", message))

        def info(self, message: str) -> None:
            said.append(("info", message))

    replay(worker.drain(), Driver())
    assert said == [("warn", "dropped a key point"), ("info", "3 topics")]
    assert worker.drain() == []


def test_executor_table_in_notegraph_toml(tmp_path: Path) -> None:
    assert load_config(tmp_path).executor == ExecutorConfig("local", "", 0)
    (tmp_path / "notegraph.toml").write_text(
        '[executor]\nkind = "ray"\naddress = "ray://head:10001"\nworkers = 8\n',
        encoding="utf-8")
    assert load_config(tmp_path).executor == ExecutorConfig("ray", "ray://head:10001", 8)
    for bad, said in (('kind = "spark"', "executor.kind"), ("workers = -1", "executor.workers"),
                      ("address = 5", "executor.address"), ("adress = 'auto'", "executor.adress")):
        (tmp_path / "notegraph.toml").write_text(f"[executor]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=said):
            load_config(tmp_path)


def test_executor_never_changes_the_config_repr(tmp_path: Path) -> None:
    # build caches are keyed by repr(config): where notes are computed is not part of it
    config = load_config(tmp_path)
    assert repr(config) == repr(replace(config, executor=ExecutorConfig("ray", "auto", 4)))


def test_command_line_flags_override_the_table(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert with_executor(config, None, None, None) is config
    assert with_executor(config, None, "127.0.0.1:6379", None).executor == \
        ExecutorConfig("ray", "127.0.0.1:6379", 0)  # an address means the ray executor
    assert with_executor(config, "ray", None, 2).executor == ExecutorConfig("ray", "", 2)
    assert isinstance(get_executor(ExecutorConfig()), LocalExecutor)
