"""Benchmark the notes run on the local executor vs Ray (1 and 2 workers), and the
driver's cross-video pass as the vault grows.

Imports the chaptered episodes of ../shared/data/chaptered/ (all 23 by default; fewer
with --episodes, cut to their first --minutes) into one temporary project per run, each
with an empty embedding cache, and reports for each executor: wall time, speed-up over
local, overhead per episode over local, each Ray worker's peak memory (the worker and
its model process), and whether the vault is byte-identical to the local one.

Then the cross-video pass (concept/person merging, related notes, writing the vault),
which stays on the driver: measured on synthetic vaults made by copying the run's topics
(new video IDs, jittered vectors) at growing sizes, and extrapolated to 10k and 100k
episodes from the measured growth (a power law fitted to the largest sizes).

Usage: python scripts/bench_ray.py [--episodes N] [--minutes M] [--workers 1 2]
       [--scale 1 2 4 8] [--skip-executors]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notegraph import api, store  # noqa: E402
from notegraph.config import Config, ExecutorConfig, load_config  # noqa: E402
from notegraph.models import VideoTopics  # noqa: E402
from notegraph.notes import generate  # noqa: E402
from notegraph.report import SilentReporter  # noqa: E402
from notegraph.topics.cache import load_cached_video  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "chaptered"


def episodes(target: Path, count: int, minutes: float) -> list[Path]:
    """The first `count` chaptered episodes (shortest first), cut to `minutes` if > 0."""
    files = sorted(DATA.glob("*.json"), key=lambda p: p.stat().st_size)[:count]
    out = []
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if minutes > 0:
            limit = minutes * 60
            for key in ("cues", "chapters", "speaker_turns"):
                data[key] = [x for x in data.get(key) or [] if float(x["start"]) < limit]
            data["duration"] = min(float(data["duration"]), limit)
        (target / path.name).write_text(json.dumps(data), encoding="utf-8")
        out.append(target / path.name)
    return out


def vault(config: Config) -> dict[str, bytes]:
    return {str(p.relative_to(config.notes_path)): p.read_bytes()
            for p in sorted(config.notes_path.rglob("*.md"))}


def run(files: list[Path], settings: ExecutorConfig, tmp: Path) -> dict[str, Any]:
    """One cold notes run on `settings` in a new project: seconds, vault, worker stats."""
    from notegraph.executors.ray import RayExecutor

    config = replace(load_config(tmp / f"{settings.kind}-{settings.workers}"), executor=settings)
    api.import_files(config, files)
    stats: list[dict[str, float]] = []

    class MeasuredRay(RayExecutor):
        def close(self) -> None:
            stats.extend(self.stats())  # before the workers go
            super().close()

    original = generate.get_executor
    if settings.kind == "ray":
        generate.get_executor = lambda s, embedder=None: MeasuredRay(s)  # type: ignore
    try:
        t0 = time.perf_counter()
        result = generate.generate_notes(config, reporter=SilentReporter())
        seconds = time.perf_counter() - t0
    finally:
        generate.get_executor = original
    assert result.ok, result.failed
    return {"seconds": seconds, "vault": vault(config), "stats": stats,
            "talk_h": result.transcript_seconds / 3600, "config": config,
            "model_s": result.model_seconds}


def synthetic(videos: list[VideoTopics], copies: int, rng: random.Random) -> list[VideoTopics]:
    """`copies` × the videos, each copy a new video (ID, title) with jittered vectors."""
    out = []
    for k in range(copies):
        for v in videos:
            vid = f"{v.video_id}-{k}" if k else v.video_id
            topics = tuple(replace(t, segment=replace(t.segment, video_id=vid))
                           for t in v.topics)
            vectors = tuple(_jitter(vec, rng) for vec in v.vectors) if k else v.vectors
            out.append(replace(v, video_id=vid, title=f"{v.title} ({k})" if k else v.title,
                               topics=topics, vectors=vectors))
    return out


def _jitter(vec: tuple[float, ...], rng: random.Random) -> tuple[float, ...]:
    moved = [x + rng.gauss(0, 0.05) for x in vec]
    norm = math.sqrt(sum(x * x for x in moved)) or 1.0
    return tuple(x / norm for x in moved)


def cross_video_pass(config: Config, scales: list[int], tmp: Path
                     ) -> list[tuple[int, float, float]]:
    """(episodes, seconds, driver peak RSS MB) of the driver's pass over synthetic vaults
    of growing size."""
    ids = [p.stem for p in store.list_transcripts(config.transcripts_path)]
    base = [hit[1] for vid in ids if (hit := load_cached_video(config, vid))]
    rng = random.Random(15)
    points = []
    for scale in scales:
        videos = synthetic(base, scale, rng)
        project = replace(config, root=tmp / f"scale-{scale}")
        t0 = time.perf_counter()
        generate._write_vault(project, {v.video_id: v for v in videos},
                              {v.video_id for v in videos}, False, SilentReporter())
        points.append((len(videos), time.perf_counter() - t0, _rss_mb()))
        print(f"  {len(videos):6d} episodes: {points[-1][1]:7.1f} s  "
              f"(driver peak RSS so far {points[-1][2]:.0f} MB)", flush=True)
    return points


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extrapolate(points: list[tuple[int, float, float]], n: int) -> tuple[float, float]:
    """(seconds at n, exponent) from a power law through the two largest sizes."""
    (n1, t1, _), (n2, t2, _) = points[-2], points[-1]
    k = math.log(t2 / t1) / math.log(n2 / n1) if t1 > 0 and t2 > 0 and n2 > n1 else 1.0
    return t2 * (n / n2) ** k, k


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=23)
    parser.add_argument("--minutes", type=float, default=0, help="cut episodes (0 = whole)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 2, 4, 8])
    parser.add_argument("--skip-executors", action="store_true",
                        help="only the cross-video pass (after a local run)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"no episodes: {DATA} is absent", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="notegraph-bench-ray-") as name:
        tmp = Path(name)
        files = episodes(tmp / "episodes", args.episodes, args.minutes)
        local = run(files, ExecutorConfig("local"), tmp)
        n = len(files)
        print(f"episodes: {n} ({local['talk_h']:.1f} h of talk), cold embedding cache per run")
        print(f"{'executor':<16}{'wall s':>9}{'speed-up':>10}{'overhead/ep s':>15}"
              f"{'model s':>9}  identical  worker peak MB (worker + model process)")
        print(f"{'local':<16}{local['seconds']:9.1f}{1.0:10.2f}{0.0:15.2f}"
              f"{local['model_s']:9.1f}  -")
        if not args.skip_executors:
            for workers in args.workers:
                got = run(files, ExecutorConfig("ray", "", workers), tmp)
                same = got["vault"] == local["vault"]
                mem = ", ".join(f"{s['peak_mb']:.0f}+{s['model_peak_mb']:.0f}"
                                for s in got["stats"])
                print(f"{f'ray, {workers} worker(s)':<16}{got['seconds']:9.1f}"
                      f"{local['seconds'] / got['seconds']:10.2f}"
                      f"{(got['seconds'] * workers - local['seconds']) / n:15.2f}"
                      f"{got['model_s']:9.1f}  {'yes' if same else 'NO'}        {mem}",
                      flush=True)
        print("driver's cross-video pass (render + write the whole vault), synthetic copies:")
        points = cross_video_pass(local["config"], args.scale, tmp)
        (n1, _, m1), (n2, _, m2) = points[-2], points[-1]
        per_episode = (m2 - m1) / (n2 - n1)  # the driver holds every episode's topics
        for target in (10_000, 100_000):
            seconds, k = extrapolate(points, target)
            print(f"  {target:6d} episodes: ~{seconds / 60:7.1f} min (extrapolated, growth "
                  f"~n^{k:.2f}), driver memory ~{(m2 + per_episode * (target - n2)) / 1024:.1f}"
                  f" GB ({per_episode:.2f} MB per episode)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
