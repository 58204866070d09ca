"""Fetching many YouTube transcripts in parallel, never faster than a rate limit.

YouTube blocks clients that ask too fast, so however many fetches run at once (threads
here, Ray tasks on a cluster) each video's first request waits for a slot handed out by
one `RateLimiter`: slots are `interval` seconds apart. On Ray the limiter lives in one
actor that every task asks for its slot (it only hands out waiting times: it never
sleeps, so it never becomes the bottleneck).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from notegraph.config import ExecutorConfig
from notegraph.errors import NotegraphError
from notegraph.executors.base import RecordingReporter, replay
from notegraph.models import Transcript
from notegraph.report import Reporter

# Seconds between two videos' first requests, across all fetchers (~3 requests per video).
FETCH_INTERVAL = 1.0
# Videos fetched at once in this process (most of a fetch is waiting for YouTube).
FETCH_THREADS = 4

# (video_id, languages, reporter) -> transcript; raises NotegraphError
Fetch = Callable[[str, Sequence[str], Reporter], Transcript]


class RateLimiter:
    """Hands out start times at least `interval` apart (thread-safe)."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def reserve_at(self) -> float:
        """The start time (on `clock`) of the next free slot; the slot is taken."""
        with self._lock:
            start = max(self.clock(), self._next)
            self._next = start + self.interval
            return start

    def reserve(self) -> float:
        """Seconds to wait before starting (0 when a slot is free now); the slot is taken."""
        return max(0.0, self.reserve_at() - self.clock())

    def wait(self) -> None:
        """Sleep until this caller's slot."""
        time.sleep(self.reserve())


def youtube_fetch() -> Fetch:
    """The real fetch: one HTTP session per thread (requests' sessions are not shared)."""
    from notegraph.sources import youtube

    local = threading.local()

    def fetch(video_id: str, languages: Sequence[str], reporter: Reporter) -> Transcript:
        if not hasattr(local, "session"):
            local.session = youtube.new_session()
        return youtube.fetch_transcript(video_id, list(languages), session=local.session,
                                        reporter=reporter)

    return fetch


def _one(fetch: Fetch, limiter_wait: Callable[[], None], video_id: str,
         languages: Sequence[str]) -> tuple[str, Transcript | str, list[tuple[str, str]]]:
    """(video_id, transcript or error message, messages) of one rate-limited fetch."""
    reporter = RecordingReporter()
    limiter_wait()
    try:
        return video_id, fetch(video_id, languages, reporter), reporter.drain()
    except NotegraphError as exc:
        return video_id, str(exc), reporter.drain()


def fetch_many(settings: ExecutorConfig, video_ids: Sequence[str], languages: Sequence[str],
               reporter: Reporter, *, fetch: Fetch | None = None,
               interval: float | None = None) -> Iterator[tuple[str, Transcript | str]]:
    """(video_id, transcript or one-line error) for each video, as they arrive.

    `fetch` defaults to YouTube; `interval` to FETCH_INTERVAL."""
    interval = FETCH_INTERVAL if interval is None else interval
    if settings.kind == "ray":
        yield from _fetch_on_ray(settings, video_ids, languages, reporter, fetch, interval)
        return
    fetch = fetch or youtube_fetch()
    limiter = RateLimiter(interval)
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        pending: set[Future[Any]] = {pool.submit(_one, fetch, limiter.wait, vid, languages)
                                     for vid in video_ids}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                vid, outcome, messages = future.result()
                replay(messages, reporter)
                yield vid, outcome


class _LimiterActor:
    """A `RateLimiter` as a Ray actor: one for all the fetch tasks of a run. It hands out
    wall-clock start times, not delays, so the time a reply takes to reach a task does
    not shorten the spacing (nodes' clocks agree to milliseconds under NTP)."""

    def __init__(self, interval: float) -> None:
        self.limiter = RateLimiter(interval, clock=time.time)

    def reserve_at(self) -> float:
        return self.limiter.reserve_at()


def _fetch_on_ray(settings: ExecutorConfig, video_ids: Sequence[str],
                  languages: Sequence[str], reporter: Reporter, fetch: Fetch | None,
                  interval: float) -> Iterator[tuple[str, Transcript | str]]:
    from notegraph.executors.ray import connect, first_line, import_ray

    ray = import_ray()
    connected = connect(settings)
    try:
        limiter = ray.remote(num_cpus=0)(_LimiterActor).remote(interval)

        def task(vid: str) -> tuple[str, Transcript | str, list[tuple[str, str]]]:
            def limiter_wait() -> None:
                start = ray.get(limiter.reserve_at.remote())
                time.sleep(max(0.0, start - time.time()))

            return _one(fetch or youtube_fetch(), limiter_wait, vid, languages)

        # fetching is waiting on the network: half a CPU each, twice as many as cores
        remote = ray.remote(num_cpus=0.5, max_retries=2)(task)
        pending = {remote.remote(vid): vid for vid in video_ids}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                vid = pending.pop(ref)
                try:
                    _, outcome, messages = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    outcome = f"{vid}: the Ray task failed ({first_line(exc)}); add it again"
                    messages = []
                replay(messages, reporter)
                yield vid, outcome
    finally:
        if connected:
            ray.shutdown()
