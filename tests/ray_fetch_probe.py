"""`python tests/ray_fetch_probe.py ADDRESS`: `fetch_many` on the Ray cluster at ADDRESS
with a stand-in for YouTube (it sleeps like a network and notes when it started), printing
{"starts": [...], "slots": [...], "ids": [...], "asked": [...], ...} as JSON. Used by
test_executor_ray.py: `responses` cannot answer requests made in Ray's worker processes.

"slots" are the start times the run's one limiter actor handed out (it appends each to a
file: the actor lives in another process). A test asserts on them rather than on the
starts alone: a task that wakes late under load shortens the gap after it even when the
limiter is right, and the starts then show only that no task began before its slot."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # stay on 127.0.0.1

import cloudpickle

from notegraph.config import ExecutorConfig
from notegraph.executors import fetch as fetch_module
from notegraph.executors.fetch import fetch_many
from notegraph.models import Transcript
from notegraph.report import SilentReporter

IDS = ["aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc", "ddddddddddd", "eeeeeeeeeee"]
DELAY = 1.0
INTERVAL = 0.3


def fake_fetch(video_id: str, languages: Sequence[str], reporter: object) -> Transcript:
    started = time.time()
    time.sleep(DELAY)
    return Transcript(video_id=video_id, title=repr(started), channel="probe", language="en",
                      source="probe", is_generated=False, duration=1.0)


class RecordingLimiter(fetch_module._LimiterActor):
    """The real limiter actor, also appending each slot it hands out to `log`."""

    log = ""  # set before the actor is made; pickled with the class

    def reserve_at(self) -> float:
        slot = super().reserve_at()
        with open(self.log, "a") as out:
            out.write(f"{slot!r}\n")
        return slot


def main() -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import it
    log = Path(tempfile.mkdtemp()) / "slots"
    RecordingLimiter.log = str(log)
    fetch_module._LimiterActor = RecordingLimiter  # type: ignore[misc]
    t0 = time.time()
    got = dict(fetch_many(ExecutorConfig("ray", sys.argv[1]), IDS, ["en"], SilentReporter(),
                          fetch=fake_fetch, interval=INTERVAL))
    print(json.dumps({"ids": sorted(got), "asked": IDS, "elapsed": time.time() - t0,
                      "starts": sorted(float(t.title) for t in got.values()),
                      "slots": sorted(float(x) for x in log.read_text().split()),
                      "interval": INTERVAL, "delay": DELAY}))
    shutil.rmtree(log.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
