"""One writer at a time per project: `build`, `notes`, `import` and `add` hold a lock.

Two runs writing the same `content/` and `site/` at once trip over each other's temp
folders (Pagefind's `bundle`, half-renamed pages). A run that finds the lock taken
says so in one line and waits for the other to finish; after `timeout` seconds it gives
up with a `LockError`. The lock is `fcntl.flock` on `<cache>/lock`: the kernel drops it
when its holder exits, even on SIGKILL, so a crashed run never leaves a stale lock. The
holder deletes the file when it is done (a run leaves no file it did not mean to
write); a waiter that then holds the lock of a deleted file opens the new one.

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
    fd = _lock(path, reporter, timeout)
    try:
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
    finally:
        if fd is not None:
            # delete while still holding it; closing drops the flock
            Path(path).unlink(missing_ok=True)
            os.close(fd)


def _lock(path: Path, reporter: Reporter, timeout: float) -> int | None:
    """An open descriptor of `path`, flocked; None when it cannot be made (see `_open`)."""
    deadline = time.monotonic() + timeout
    while True:
        fd = _open(path)
        if fd is None:
            return None
        try:
            _acquire(fd, path, reporter, max(0.0, deadline - time.monotonic()))
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # its holder deleted it while we waited: lock the new one
        reporter = SilentReporter()  # said once
    # who holds it, for the message of the next run that has to wait
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


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
                                    "this project's lock; try again when it has "
                                    "finished") from None


def _holder(fd: int) -> str:
    """` (pid N)` when the lock file names its holder."""
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
