"""`python tests/ray_fetch_probe.py ADDRESS`: `fetch_many` on the Ray cluster at ADDRESS
with a stand-in for YouTube (it sleeps like a network and notes when it started), printing
{"starts": [...], "ids": [...], "asked": [...], ...} as JSON. Used by test_executor_ray.py:
`responses` cannot answer requests made in Ray's worker processes."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # stay on 127.0.0.1

import cloudpickle

from notegraph.config import ExecutorConfig
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


def main() -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import it
    t0 = time.time()
    got = dict(fetch_many(ExecutorConfig("ray", sys.argv[1]), IDS, ["en"], SilentReporter(),
                          fetch=fake_fetch, interval=INTERVAL))
    print(json.dumps({"ids": sorted(got), "asked": IDS, "elapsed": time.time() - t0,
                      "starts": sorted(float(t.title) for t in got.values()),
                      "interval": INTERVAL, "delay": DELAY}))


if __name__ == "__main__":
    main()
