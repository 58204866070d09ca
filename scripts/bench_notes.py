"""Benchmark the notes pipeline: transcript-hours processed per wall-hour.

Imports the real episodes of ../shared/data/chaptered/ (or the transcript files given)
into a temporary project, runs `generate_notes` once with an empty cache (cold: every
sentence embedded) and reports:

- transcript-hours per wall-hour (target ≥ 500 on 2 cores),
- the share of the time spent in the embedding model,
- the time of a second, incremental run (nothing changed: nothing re-processed).

Usage: python scripts/bench_notes.py [FILE ...] [--hide-chapters] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notegraph import api, store  # noqa: E402
from notegraph.config import load_config  # noqa: E402
from notegraph.notes.generate import generate_notes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--hide-chapters", action="store_true",
                        help="drop creator chapters so the segmenter embeds the whole talk")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "data" / "chaptered").glob("*.json"))
    if not files:
        print("no transcripts: pass files or provide ../shared/data/chaptered/", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="notegraph-bench-") as tmp:
        config = load_config(Path(tmp))
        api.import_files(config, files)
        if args.hide_chapters:
            for path in store.list_transcripts(config.transcripts_path):
                t = store.load_transcript(path)
                store.save_transcript(config.transcripts_path, replace(t, chapters=()))
        from notegraph.embed.embedder import load_embedder

        t0 = time.perf_counter()
        embedder = load_embedder(config)
        embedder.embed(["warm-up: load the model"])
        load_s = time.perf_counter() - t0
        prof = cProfile.Profile() if args.profile else None
        if prof:
            prof.enable()
        cold = generate_notes(config, embedder=embedder)
        if prof:
            prof.disable()
        warm_t0 = time.perf_counter()
        warm = generate_notes(config)
        warm_s = time.perf_counter() - warm_t0

    hours = cold.transcript_seconds / 3600
    rate = hours / (cold.total_seconds / 3600)
    print(f"transcripts:              {len(cold.processed)} ({hours:.2f} h of talk)")
    print(f"cores:                    {os.cpu_count()}")
    print(f"model load (not counted): {load_s:.1f} s")
    print(f"cold run:                 {cold.total_seconds:.1f} s wall")
    print(f"  in the model:           {cold.model_seconds:.1f} s "
          f"({100 * cold.model_seconds / cold.total_seconds:.0f} %)")
    print(f"  texts embedded:         {getattr(embedder, 'model_calls', '?')}")
    print(f"  transcript-hours/hour:  {rate:.0f}  (target ≥ 500)")
    print(f"incremental re-run:       {warm_s:.1f} s, {len(warm.processed)} re-processed")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
