"""Files under the project: atomic writes, safe paths, transcript I/O, content hashes.

Everything that writes goes through `atomic_write_*`, so an interrupted run never leaves
a half-written file, and through `safe_join`, so no path is built outside its root.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
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
    # the name is cut: `.<name>.<random>.tmp` must stay within the 255-byte limit
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); written files are ordinary ones, readable
        # by a web server serving site/ (the umask still applies to new directories).
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            _write(fh, data, path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write(fh: Any, data: bytes, path: Path) -> None:
    """`fh.write(data)`; an error (a full disk) names `path`, which a write's does not."""
    try:
        fh.write(data)
        fh.flush()
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def atomic_write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temp files beside their targets first, and
    only when every one is written are they renamed into place.

    A failure while writing (full disk, a name the file system refuses, read-only
    folder) removes the temp files and re-raises: no target was touched. The renames
    that follow are within one folder each and do not fail on a sound file system.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            # a name the file system refuses would fail only at the rename: refuse it now
            if len(os.fsencode(path.name)) > os.pathconf(path.parent, "PC_NAME_MAX"):
                raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), str(path))
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp",
                                       dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o644)
                _write(fh, data, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for n, (tmp, path) in enumerate(staged):
        try:
            os.replace(tmp, path)
        except BaseException:
            for rest, _ in staged[n:]:
                Path(rest).unlink(missing_ok=True)
            raise


def write_unpublished_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` in place, without a temp file.

    Only for a folder nobody reads until it is complete, such as a staging folder that
    is renamed into place whole: an interrupted write leaves a partial file there, never
    in a published one. Saves `atomic_write_bytes`' temp file, `fchmod` and rename, which
    are most of the cost of writing 10,000 small pages.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:  # an ordinary file: mode 0666 less the umask
        _write(fh, data, path)


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


def walk_files(root: Path, suffix: str = "", project: Path | None = None,
               skipped: list[Path] | None = None) -> list[tuple[str, tuple[int, int]]]:
    """(root-relative `/` path, (size, mtime_ns)) of every file under `root`, sorted.

    The one stat walk of a build (notes, transcripts, templates, assets): hidden files and
    folders and `__pycache__` are skipped; `suffix` keeps only names ending with it (any
    case). A missing `root` has no files. Symlinks follow `project_files`' policy.
    """
    out: list[tuple[str, tuple[int, int]]] = []
    for path in project_files(root, suffix, root=project, skipped=skipped):
        try:
            st = path.stat()
        except OSError:  # vanished since the scan
            continue
        out.append((os.path.relpath(path, root).replace(os.sep, "/"),
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


def list_transcripts(transcripts_dir: Path, root: Path | None = None,
                     skipped: list[Path] | None = None) -> list[Path]:
    """Stored transcript files, sorted by name (symlinks as in `project_files`)."""
    return project_files(transcripts_dir, ".json", root=root, recursive=False,
                         skipped=skipped)


def project_files(top: Path, suffix: str = "", *, root: Path | None = None,
                  recursive: bool = True, skipped: list[Path] | None = None) -> list[Path]:
    """Files under `top` whose name ends in `suffix` (any case), sorted; hidden names
    (`.x`) and `__pycache__` are skipped.

    The symlink policy of every scan of the project: a symlink (to a file or a folder)
    is followed when it points inside `top` or inside the project `root`; one that
    leaves them is not read, and is added to `skipped` for the caller to report, so
    nothing from outside the project (`/etc/passwd`) is ever published. A folder is
    read once, so a link back up the tree cannot loop.
    """
    if not top.is_dir():
        return []
    allowed = [Path(os.path.realpath(top))]
    if root is not None:
        allowed.append(Path(os.path.realpath(root)))
    files: list[Path] = []
    seen: set[str] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:  # unreadable folder: nothing to read there
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                wanted = not is_dir and entry.name.lower().endswith(suffix.lower())
                if not (is_dir and recursive) and not wanted:
                    continue
                if entry.is_symlink() and not _inside(path, allowed):
                    if skipped is not None:
                        skipped.append(path)
                    continue
            except OSError:
                continue
            if is_dir:
                stack.append(path)
            elif entry.is_file():
                files.append(path)
    return sorted(files)


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    """True when `path`, all symlinks resolved, is one of `roots` or under one."""
    real = Path(os.path.realpath(path))
    return any(real == r or r in real.parents for r in roots)


def outside_link_message(path: Path) -> str:
    """The one wording of a skipped symlink, for every scan that reports one."""
    return (f"a symlink to {os.path.realpath(path)}, outside the project; skipped "
            "(notegraph reads no file from outside the project)")
