"""The embedder: normalisation, the content-hash disk cache, lazy imports, the real model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from notegraph.config import Config
from notegraph.embed.embedder import CachedEmbedder, Embedder, load_embedder

REPO = Path(__file__).resolve().parents[1]


class CountingEncoder:
    """Vectors from character counts; remembers what it was asked to encode."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a") + 1, 1.0] for t in texts], dtype=np.float64)


def test_vectors_are_unit_float32_and_duplicates_encoded_once(tmp_path: Path):
    enc = CountingEncoder()
    emb = CachedEmbedder("fake", enc, tmp_path)
    out = emb.embed(["banana", "kiwi", "banana"])
    assert out.dtype == np.float32 and out.shape == (3, 3)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert np.array_equal(out[0], out[2])
    assert enc.calls == [["banana", "kiwi"]]
    assert isinstance(emb, Embedder)


def test_cache_is_reused_across_instances_and_keyed_by_model(tmp_path: Path):
    first = CachedEmbedder("fake", CountingEncoder(), tmp_path)
    a = first.embed(["one", "two"])
    enc = CountingEncoder()
    again = CachedEmbedder("fake", enc, tmp_path).embed(["two", "one", "three"])
    assert enc.calls == [["three"]]
    assert np.allclose(again[:2], a[::-1])
    other = CountingEncoder()
    CachedEmbedder("another-model", other, tmp_path).embed(["one"])
    assert other.calls == [["one"]]  # a different model never sees fake's vectors


def test_corrupt_cache_falls_back_to_empty_and_is_rewritten(tmp_path: Path):
    CachedEmbedder("fake", CountingEncoder(), tmp_path).embed(["one", "two", "three"])
    shards = list((tmp_path / "embeddings").rglob("*.npz"))
    assert shards
    for shard in shards:
        shard.write_bytes(b"not a zip file")
    enc = CountingEncoder()
    out = CachedEmbedder("fake", enc, tmp_path).embed(["one", "two", "three"])
    assert sorted(enc.calls[0]) == ["one", "three", "two"]
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    enc2 = CountingEncoder()
    CachedEmbedder("fake", enc2, tmp_path).embed(["one", "two", "three"])
    assert enc2.calls == []


def test_importing_notegraph_does_not_import_torch():
    code = ("import sys, notegraph.embed.embedder, notegraph.topics.segment, "
            "notegraph.topics.evaluate; "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": ""}, check=True)
    assert out.stdout.strip() == "False False"


@pytest.mark.slow
def test_real_model_embeds_meaning_and_caches(tmp_path: Path):
    emb = load_embedder(Config(root=tmp_path))
    assert emb.name == "all-MiniLM-L6-v2"
    texts = ["Dark matter holds galaxies together.",
             "Galaxies are held together by dark matter.",
             "I like to play the bass guitar."]
    v = emb.embed(texts)
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    again = load_embedder(Config(root=tmp_path))
    assert np.allclose(again.embed(texts[::-1]), v[::-1], atol=1e-6)
    assert again.model_calls == 0  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_model_runs_in_a_child_process_that_close_stops(tmp_path: Path):
    """torch's memory lives in the model process; the caller never imports it."""
    code = ("import sys; from pathlib import Path; from notegraph.config import Config; "
            "from notegraph.embed.embedder import load_embedder; "
            f"e = load_embedder(Config(root=Path({str(tmp_path)!r}))); "
            "v = e.embed(['a cat sat on the mat', 'dark matter']); "
            "p = e._encode; alive = p.running; e.close(); "
            "print(v.shape, 'torch' in sys.modules, alive, p.running)")
    # run from a folder holding another "notegraph": the child must not import it
    decoy = tmp_path / "elsewhere"
    (decoy / "notegraph").mkdir(parents=True)
    (decoy / "notegraph" / "__init__.py").write_text("raise ImportError('decoy')\n")
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True,
                         cwd=decoy, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    assert out.stdout.strip() == "(2, 384) False True False"


@pytest.mark.parametrize(("texts", "batch"), [
    (["a short sentence."] * 40, 32),
    (["x" * 500] * 40, 8),  # note openings: attention memory grows with length²
    ([], 32),
])
def test_long_texts_go_through_the_model_in_smaller_batches(texts, batch):
    from notegraph.embed.process import batch_size

    assert batch_size(texts) == batch


@pytest.mark.slow
def test_unloadable_model_is_a_config_error(tmp_path: Path):
    from notegraph.errors import ConfigError

    emb = load_embedder(Config(root=tmp_path, model=str(tmp_path / "no-such-model")))
    with pytest.raises(ConfigError, match="cannot be loaded"):
        emb.embed(["hello"])


def test_cache_writes_only_new_vectors_and_compacts(tmp_path: Path, monkeypatch):
    from notegraph.embed.cache import EmbeddingCache

    monkeypatch.setattr(EmbeddingCache, "MAX_FILES", 3)
    emb = CachedEmbedder("fake", CountingEncoder(), tmp_path)
    for i in range(5):
        emb.embed([f"text {i}"])
    files = list((tmp_path / "embeddings").rglob("*.npz"))
    assert 1 <= len(files) <= 3
    enc = CountingEncoder()
    CachedEmbedder("fake", enc, tmp_path).embed([f"text {i}" for i in range(5)])
    assert enc.calls == []


def test_prefetch_starts_the_model_only_for_texts_not_cached(tmp_path: Path):
    class StartableEncoder(CountingEncoder):
        started = 0

        def start(self) -> None:
            self.started += 1

    enc = StartableEncoder()
    emb = CachedEmbedder("fake", enc, tmp_path)
    assert emb.prefetch(["one", "two"]) is True and enc.started == 1
    emb.embed(["one", "two"])
    assert emb.prefetch(["two", "one"]) is False and enc.started == 1  # all cached
    assert CachedEmbedder("fake", CountingEncoder(), tmp_path).prefetch(["new"]) is False
