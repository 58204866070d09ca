"""Run a job over chunks of items in forked worker processes, results in order.

The page loop of a big site (plan a note page, render its local graph and template,
write the file) is pure per note and CPU-bound, so on a machine with several cores it
runs in worker processes. They are forked, not spawned: a worker needs the resolved
vault, the graph and the compiled templates, and a forked child inherits them
copy-on-write (the build has `gc.freeze()`d them, so the collector does not dirty those
pages), where a spawned one would rebuild or unpickle them all. Only chunks of item ids
go to the workers; their small results come back in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The job of the current `map_chunks` call, inherited by the forked workers (a closure
# over the build's state cannot be pickled, and need not be: the child has it already).
_JOB: Callable[[Sequence[Any]], Any] | None = None


def default_jobs() -> int:
    """How many worker processes to use by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` cut into consecutive pieces of at most `size`."""
    return [items[i:i + size] for i in range(0, len(items), max(1, size))]


@contextmanager
def map_chunks(job: Callable[[Sequence[T]], R], items: Sequence[T], jobs: int,
               chunk_size: int = 200) -> Iterator[Iterator[R]]:
    """`job(chunk)` for consecutive chunks of `items`, in order, over `jobs` processes.

    A context manager giving the iterator of results: the workers are forked on entry,
    before the caller starts anything else (a progress bar's thread must not be running
    when a process forks), and stopped on exit. Runs in this process when one job is
    asked for, when there is only one chunk, or where the platform cannot fork. An
    exception raised by a job is raised to the caller (it must be picklable, as
    `NotegraphError`s are).
    """
    global _JOB
    chunks = chunked(items, chunk_size)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(chunks) < 2 or not can_fork:
        yield (job(chunk) for chunk in chunks)
        return
    if _JOB is not None:
        raise RuntimeError("map_chunks is not re-entrant")
    _JOB = job
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            yield pool.imap(_run_job, chunks)
    finally:
        _JOB = None


def _run_job(chunk: Sequence[Any]) -> Any:
    assert _JOB is not None, "a worker runs only inside map_chunks"
    return _JOB(chunk)
