"""Vectors on disk keyed by content hash (see `EmbeddingCache`)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from notegraph import store


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
