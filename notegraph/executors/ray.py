"""The Ray executor: each episode's topics computed by a pool of Ray actors.

Each actor (`EpisodeWorker`, one CPU) makes its writer and embedder once and keeps them,
so the embedding model is loaded once per worker, not once per episode. The driver
ships each transcript's bytes (a node need not see the project's files), keeps two
episodes queued per actor, and yields outcomes as they finish.

Failures: an actor whose process dies is restarted by Ray and its task retried
(`max_restarts`, `max_task_retries`); an episode that still fails is reported as failed
like any other, and the vault is written by the driver only after every episode is done.
The embedding cache is shared by the workers of one node (the project's cache folder when
the node sees it): its files are content-addressed and written atomically, so concurrent
writers cannot corrupt it (see `EmbeddingCache`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from notegraph.config import Config, ExecutorConfig
from notegraph.errors import ConfigError, NotegraphError
from notegraph.executors.base import Episode, Outcome, RecordingReporter, process_episode, replay
from notegraph.report import Reporter

# Episodes queued per actor: one running and one waiting, so no actor idles between two.
IN_FLIGHT = 2
# A task whose worker process died is run again this many times (then the episode fails).
TASK_RETRIES = 3
# Seconds to wait for the workers to start (a busy cluster may have no free CPU).
START_TIMEOUT = 600


class ExecutorError(NotegraphError):
    """The Ray cluster cannot be reached or cannot run notegraph."""


def import_ray() -> Any:
    """The `ray` module, or a ConfigError saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("the ray executor needs Ray: pip install 'notegraph[ray]'") from exc
    return ray


def connect(settings: ExecutorConfig) -> bool:
    """Join the cluster at `settings.address` (empty: start a local Ray instance).

    True when this call connected (so `close` should disconnect)."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never phone home
    logging.getLogger("ray").setLevel(logging.ERROR)  # Ray's notices are not the user's
    kwargs: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False,
                              "configure_logging": True}
    if settings.address:
        kwargs["address"] = settings.address
        _use_token_if_any()
    else:
        kwargs["include_dashboard"] = False
        if settings.workers:
            kwargs["num_cpus"] = settings.workers
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = settings.address or "a local Ray instance"
        raise ExecutorError(f"cannot connect to Ray at {where} ({str(exc).splitlines()[0]}); "
                            "check [executor] address in notegraph.toml or start the "
                            "cluster (`ray start --head`)") from exc
    return True


def _use_token_if_any() -> None:
    """Send the cluster's token when this machine has one, as `ray start` does: it turns
    token authentication on when it finds a token, but a driver joining it does not."""
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # a Ray without token authentication
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def worker_config(config: Config) -> Config:
    """`config` as a worker uses it: on a node that does not see the project folder, the
    embedding cache lives in the node's temp folder instead."""
    if config.root.is_dir():
        return config
    return replace(config, root=Path(tempfile.gettempdir()) / "notegraph-worker")


class EpisodeWorker:
    """One Ray actor: a writer and an embedder, kept for every episode it is given."""

    def __init__(self, config: Config) -> None:
        from notegraph.embed.embedder import load_embedder
        from notegraph.topics.cache import writer_name
        from notegraph.writers import get_writer

        self.config = worker_config(config)
        self.reporter = RecordingReporter()
        self.writer = get_writer(writer_name(self.config), self.config, self.reporter)
        self.embedder = load_embedder(self.config)
        self.episodes = 0

    def ready(self) -> int:
        """This worker's process id (once its writer and embedder are made)."""
        return os.getpid()

    def process(self, episode: Episode, data: bytes, vault_people: Sequence[str]) -> Outcome:
        """The outcome of one episode, with what the worker said meanwhile."""
        outcome = process_episode(episode, self.writer, self.embedder, vault_people,
                                  self.reporter, data=data)
        outcome.messages = self.reporter.drain()
        self.episodes += 1
        return outcome

    def stats(self) -> dict[str, float]:
        """Peak memory (MB) of this worker and of its model process, and episodes done."""
        return {"pid": os.getpid(), "episodes": self.episodes,
                "peak_mb": _peak_mb(os.getpid()),
                "model_peak_mb": sum(_peak_mb(c) for c in _children(os.getpid()))}


def _peak_mb(pid: int) -> float:
    """VmHWM (peak resident memory) of a process, in MB; 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class RayExecutor:
    """Episodes on a pool of `EpisodeWorker` actors (one per CPU unless `workers` says)."""

    name = "ray"

    def __init__(self, settings: ExecutorConfig) -> None:
        self.settings = settings
        self.actors: list[Any] = []
        self._connected = False

    def start(self, config: Config) -> list[int]:
        """Connect and start the workers (waiting until each has its model ready to load);
        returns their process ids."""
        ray = import_ray()
        self._connected = connect(self.settings) or self._connected
        if not self.actors:
            count = self.settings.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            cls = ray.remote(num_cpus=1, max_restarts=-1,
                             max_task_retries=TASK_RETRIES)(EpisodeWorker)
            self.actors = [cls.remote(config) for _ in range(count)]
        try:
            return ray.get([a.ready.remote() for a in self.actors], timeout=START_TIMEOUT)
        except ray.exceptions.GetTimeoutError as exc:
            raise ExecutorError(f"{len(self.actors)} Ray workers did not start in "
                                f"{START_TIMEOUT} s: the cluster has too few free CPUs; set "
                                "[executor] workers (or --workers) lower") from exc
        except ray.exceptions.RayError as exc:
            raise ExecutorError(f"Ray workers could not start notegraph ({first_line(exc)}); "
                                "install notegraph on every node (see README \"Ray\")") from exc

    def map_episodes(self, config: Config, episodes: Sequence[Episode],
                     vault_people: Sequence[str], reporter: Reporter) -> Iterator[Outcome]:
        """Outcomes in the order they finish anywhere on the cluster."""
        if not episodes:
            return
        ray = import_ray()
        self.start(config)
        people = ray.put(list(vault_people))
        queue = deque(episodes)
        load = {i: 0 for i in range(len(self.actors))}
        pending: dict[Any, tuple[int, Episode]] = {}
        while queue or pending:
            for i in sorted(load, key=load.__getitem__):
                while queue and load[i] < IN_FLIGHT:
                    episode = queue.popleft()
                    ref = self.actors[i].process.remote(episode, episode.path.read_bytes(),
                                                        people)
                    pending[ref] = (i, episode)
                    load[i] += 1
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                i, episode = pending.pop(ref)
                load[i] -= 1
                try:
                    outcome = ray.get(ref)
                except ray.exceptions.RayError as exc:  # retries exhausted: this episode fails
                    outcome = Outcome(episode.video_id,
                                      error=f"{episode.video_id}: the Ray worker failed "
                                            f"({first_line(exc)}); run `notegraph notes` again")
                replay(outcome.messages, reporter)
                yield outcome

    def stats(self) -> list[dict[str, float]]:
        """Each worker's `EpisodeWorker.stats` (for the benchmark)."""
        ray = import_ray()
        return ray.get([a.stats.remote() for a in self.actors])

    def close(self) -> None:
        """Stop the workers; disconnect if this executor connected."""
        ray = import_ray()
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
        if self._connected:
            ray.shutdown()
            self._connected = False


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]
