"""One writer at a time per project: `build`, `notes`, `import` and `add` hold a lock.

Two runs writing the same `content/` and `site/` at once trip over each other's temp
folders (Pagefind's `bundle`, half-renamed pages). A run that finds the lock taken
says so in one line and waits for the other to finish; after `timeout` seconds it gives
up with a `LockError`. The lock is `fcntl.flock` on `<cache>/lock`: the kernel drops it
when its holder exits, even on SIGKILL, so a crashed run never leaves a stale lock.

Re-entrant within a process (`build` writes missing notes under the same lock).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from notegraph.errors import LockError
from notegraph.report import Reporter, SilentReporter

LOCK_NAME = "lock"
DEFAULT_TIMEOUT = 3600.0
_POLL_SECONDS = 0.2

_held: dict[str, int] = {}  # lock path → depth, for re-entry from the same process
_guard = threading.Lock()


@contextmanager
def project_lock(cache_dir: Path, reporter: Reporter | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the project's write lock (`<cache_dir>/lock`) for the `with` block."""
    reporter = reporter or SilentReporter()
    path = cache_dir / LOCK_NAME
    key = str(path.absolute())
    with _guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    fd = _open(path)
    try:
        if fd is not None:
            _acquire(fd, path, reporter, timeout)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
    finally:
        if fd is not None:
            os.close(fd)  # closing drops the flock


def _open(path: Path) -> int | None:
    """The lock file's descriptor; None where it cannot be made (a read-only project:
    nothing can be written there anyway, and the write says so by name)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None


def _acquire(fd: int, path: Path, reporter: Reporter, timeout: float) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        reporter.warn(f"another notegraph run{_holder(fd)} is writing this project; "
                      "waiting for it to finish")
        deadline = time.monotonic() + timeout
        while True:
            time.sleep(_POLL_SECONDS)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockError(f"{path}: another notegraph run{_holder(fd)} still holds "
                                    f"this project's lock after {timeout:g} s; try again "
                                    "when it has finished") from None
    # who holds it, for the message of the next run that has to wait
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)


def _holder(fd: int) -> str:
    """` (pid N)` when the lock file names its holder."""
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
