"""`notegraph add` of many videos: parallel fetches, never faster than the rate limit.

The local path runs against YouTube's recorded answers (`responses`, as in
test_youtube.py); a wrapper around the real fetch adds a network-like delay and notes
when each fetch starts and how many run at once. The Ray path is in
test_executor_ray.py (`responses` cannot reach into other processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import responses
from test_youtube import SURFACE, YouTube

from notegraph import api
from notegraph.config import load_config
from notegraph.executors import fetch as fetch_module
from notegraph.executors.fetch import RateLimiter
from notegraph.sources import youtube

IDS = [SURFACE, "dQw4w9WgXcQ", "-wtIMTCHWuI", "_8O4bBhM4wc"]


def test_rate_limiter_spaces_slots_and_frees_them_as_time_passes() -> None:
    now = [100.0]
    limiter = RateLimiter(2.0, clock=lambda: now[0])
    assert [limiter.reserve() for _ in range(3)] == [0.0, 2.0, 4.0]
    now[0] += 10.0  # all three slots are past
    assert limiter.reserve() == 0.0
    now[0] += 0.5
    assert limiter.reserve() == 1.5


@pytest.fixture
def yt() -> Iterator[YouTube]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield YouTube(rsps)


class Probe:
    """The real fetch, slowed like a network and watched: start times, most at once."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.starts: list[float] = []
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.real = youtube.fetch_transcript

    def __call__(self, video_id: str, languages: Sequence[str], **kwargs: Any) -> Any:
        with self.lock:
            self.starts.append(time.monotonic())
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay)
            return self.real(video_id, languages, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


def test_add_fetches_in_parallel_within_the_rate_limit(tmp_path: Path, yt: YouTube,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for vid in IDS:
        yt.video(vid)
    probe = Probe(delay=0.6)
    monkeypatch.setattr(youtube, "fetch_transcript", probe)
    monkeypatch.setattr(fetch_module, "FETCH_INTERVAL", 0.15)
    config = load_config(tmp_path)
    t0 = time.monotonic()
    results = api.add(config, [*IDS, IDS[0]])  # the repeat costs no request
    elapsed = time.monotonic() - t0
    assert [r.status for r in results] == ["written"] * len(IDS) + ["unchanged"]
    assert [r.video_id for r in results[:len(IDS)]] == IDS  # in the order asked
    assert sorted(p.stem for p in config.transcripts_path.glob("*.json")) == sorted(IDS)
    gaps = [b - a for a, b in pairwise(sorted(probe.starts))]
    assert len(probe.starts) == len(IDS) and min(gaps) >= 0.15 - 0.01  # the rate limit
    assert probe.most >= 2  # fetches overlapped
    assert elapsed < len(IDS) * probe.delay  # faster than one after the other


def test_one_failing_video_does_not_stop_the_others(tmp_path: Path, yt: YouTube,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    yt.video(IDS[0])  # the others have no recorded answer: their fetch fails
    monkeypatch.setattr(fetch_module, "FETCH_INTERVAL", 0.0)
    results = api.add(load_config(tmp_path), IDS[:3])
    assert [r.status for r in results] == ["written", "failed", "failed"]
    assert all(IDS[i] in results[i].message for i in (1, 2))
