"""Files under the project: atomic writes, safe paths, transcript I/O, content hashes.

Everything that writes goes through `atomic_write_*`, so an interrupted run never leaves
a half-written file, and through `safe_join`, so no path is built outside its root.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from notegraph.errors import InputError, ParseError
from notegraph.models import Transcript
from notegraph.slugs import check_video_id


def safe_join(root: Path, *parts: str) -> Path:
    """`root/parts...`, refusing anything that would land outside `root`."""
    root = root.resolve()
    candidate = root.joinpath(*parts).resolve()
    if candidate != root and root not in candidate.parents:
        raise InputError(f"refusing to write outside {root}: {'/'.join(parts)!r}")
    return candidate


def join_checked(root: Path, rel: str) -> Path:
    """`root/rel` for a `/`-separated relative path made of plain names only.

    Each part is checked as text (no `..`, `.`, empty part, backslash or NUL), so `rel`
    cannot climb out of `root` — cheap enough for every page of a site, where
    `safe_join` resolves each path on disk. `root` itself is taken as given.
    """
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        raise InputError(f"refusing to write outside {root}: {rel!r}")
    return root.joinpath(*parts)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to a temp file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); written files are ordinary ones, readable
        # by a web server serving site/ (the umask still applies to new directories).
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Atomic UTF-8 text write (see `atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_text_if_changed(path: Path, text: str) -> bool:
    """Write `text` atomically unless `path` already holds exactly it; True when written.

    Unchanged outputs keep their mtime, so rebuilds, rsync and editors see no change.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:  # absent (or unreadable: writing it is what reports the problem)
        pass
    atomic_write_bytes(path, data)
    return True


def atomic_write_json(path: Path, data: Any) -> None:
    """Atomic, deterministic (sorted keys are not used: order is part of the contract) JSON."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def content_hash(*parts: str | bytes) -> str:
    """A short, stable hash of the given parts (used as cache keys and fingerprints)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()[:16]


def walk_files(root: Path, suffix: str = "") -> list[tuple[str, tuple[int, int]]]:
    """(root-relative `/` path, (size, mtime_ns)) of every file under `root`, sorted.

    The one stat walk of a build (notes, transcripts, templates, assets): hidden files and
    folders and `__pycache__` are skipped; `suffix` keeps only names ending with it (any
    case). A missing `root` has no files.
    """
    out: list[tuple[str, tuple[int, int]]] = []
    if not root.is_dir():
        return out
    suffix = suffix.lower()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d != "__pycache__")
        for name in filenames:
            if name.startswith(".") or not name.lower().endswith(suffix):
                continue
            full = os.path.join(dirpath, name)
            st = os.stat(full)
            out.append((os.path.relpath(full, root).replace(os.sep, "/"),
                        (st.st_size, st.st_mtime_ns)))
    out.sort()
    return out


def transcript_path(transcripts_dir: Path, video_id: str) -> Path:
    """Where the normalized transcript of `video_id` lives."""
    check_video_id(video_id)
    return safe_join(transcripts_dir, f"{video_id}.json")


def save_transcript(transcripts_dir: Path, transcript: Transcript) -> Path:
    """Write `transcript` atomically; returns its path."""
    path = transcript_path(transcripts_dir, transcript.video_id)
    atomic_write_json(path, transcript.to_dict())
    return path


def load_transcript(path: Path) -> Transcript:
    """Read one normalized transcript; a broken file is a ParseError naming it."""
    try:
        return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError) as exc:
        raise ParseError(
            f"{path}: not a valid notegraph transcript ({exc}); re-import it with --force"
        ) from exc


def list_transcripts(transcripts_dir: Path) -> list[Path]:
    """Stored transcript files, sorted by name."""
    if not transcripts_dir.is_dir():
        return []
    return sorted(p for p in transcripts_dir.glob("*.json") if not p.name.startswith("."))
