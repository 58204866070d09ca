"""The one versioned cache file: read back only what this version of the code wrote.

Every cache of a run (a transcript's topics, parsed notes, video infos, graph layouts,
related lists, page hashes, the site manifest) is a file holding a version stamp and a
payload. Reading gives `None` when the file is absent, corrupt or stamped with another
version: a cache never breaks a run, at worst it costs the time to recompute. Writing is
atomic (`notegraph.store`), so an interrupted run leaves the old file or the new one.

Three encodings, one contract: JSON (small, human-readable caches), pickle (Python
objects read back by the same code only) and NumPy `.npz` (large arrays).
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from notegraph import store


def read_json(path: Path | None, version: str) -> dict[str, Any] | None:
    """The JSON object in `path` (without its stamp) if `version` wrote it, else None."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    data.pop("version")
    return data


def write_json(path: Path, version: str, data: Mapping[str, Any], *,
               indent: int | None = None) -> None:
    """Write `data` stamped with `version` (compact unless `indent` is given)."""
    separators = None if indent is not None else (",", ":")
    store.atomic_write_text(path, json.dumps({"version": version, **data}, ensure_ascii=False,
                                             indent=indent, separators=separators) + "\n")


def read_pickle(path: Path | None, version: str) -> Any | None:
    """The object pickled in `path` if `version` wrote it, else None."""
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            stamp, data = pickle.load(fh)
    except Exception:  # absent, corrupt or from an incompatible version of a class
        return None
    return data if stamp == version else None


def write_pickle(path: Path, version: str, data: Any) -> None:
    """Pickle `data` stamped with `version`."""
    store.atomic_write_bytes(path, pickle.dumps((version, data),
                                                protocol=pickle.HIGHEST_PROTOCOL))


def read_arrays(path: Path | None, version: str) -> dict[str, np.ndarray] | None:
    """The arrays of the `.npz` file `path` (without its stamp) if `version` wrote it."""
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None
    stamp = arrays.pop("version", None)
    return arrays if stamp is not None and str(stamp) == version else None


def write_arrays(path: Path, version: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Write arrays as one `.npz` file stamped with `version`."""
    buf = io.BytesIO()
    np.savez(buf, version=np.array(version), **arrays)
    store.atomic_write_bytes(path, buf.getvalue())


class DictPickle:
    """A big dict pickled as a base file plus a small file of what changed since.

    The vault's parse cache holds every note (85 MB at 10,000 notes): rewriting it to
    record one added note cost ~0.5 s of a 10 s build. Changes go to a second file
    (`<name>.changes`, stamped with the base file's size and mtime, so it never applies
    to another base) until they are more than `max_changes` entries; then the base is
    rewritten whole and the changes file removed.
    """

    def __init__(self, path: Path, version: str, max_changes: int = 256) -> None:
        self.path = path
        self.changes_path = path.with_name(path.name + ".changes")
        self.version = version
        self.max_changes = max_changes
        self._base: dict[Any, Any] = {}

    def read(self) -> dict[Any, Any]:
        """The dict last written (empty when absent, corrupt or of another version)."""
        base = read_pickle(self.path, self.version)
        self._base = base if isinstance(base, dict) else {}
        data = dict(self._base)
        changes = read_pickle(self.changes_path, self._changes_version()) if self._base else None
        if isinstance(changes, dict):
            for key, value in changes.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
        return data

    def write(self, data: Mapping[Any, Any]) -> None:
        """Record `data` (call `read` first): as changes to the base while they are few.

        Values must not be None (None marks a removed key)."""
        base = self._base
        changes: dict[Any, Any] = {k: v for k, v in data.items() if base.get(k) != v}
        changes.update((k, None) for k in base if k not in data)
        if base and len(changes) <= self.max_changes:
            write_pickle(self.changes_path, self._changes_version(), changes)
            return
        self.changes_path.unlink(missing_ok=True)  # first: it must never meet a new base
        write_pickle(self.path, self.version, dict(data))
        self._base = dict(data)

    def _changes_version(self) -> str:
        try:
            st = self.path.stat()
        except OSError:
            return ""
        return f"{self.version}\0{st.st_size}\0{st.st_mtime_ns}"
