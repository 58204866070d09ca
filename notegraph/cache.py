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
