"""Forked worker processes for the page loop: results in order, errors surface."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from notegraph.errors import SiteError
from notegraph.site.workers import chunked, map_chunks


def _square_with_pid(chunk: Sequence[int]) -> tuple[list[int], int]:
    return [x * x for x in chunk], os.getpid()


def test_chunks_run_in_worker_processes_and_come_back_in_order() -> None:
    with map_chunks(_square_with_pid, list(range(23)), jobs=2, chunk_size=5) as results:
        out = list(results)
    assert [x for squares, _ in out for x in squares] == [x * x for x in range(23)]
    assert all(pid != os.getpid() for _, pid in out)


def test_one_job_or_one_chunk_runs_in_this_process() -> None:
    for jobs, size in ((1, 5), (2, 100)):
        with map_chunks(_square_with_pid, list(range(23)), jobs=jobs,
                        chunk_size=size) as results:
            out = list(results)
        assert {pid for _, pid in out} == {os.getpid()}


def test_state_of_the_caller_is_visible_to_workers() -> None:
    table = {i: chr(97 + i) for i in range(10)}  # a closure: never pickled, inherited

    def job(chunk: Sequence[int]) -> str:
        return "".join(table[i] for i in chunk)

    with map_chunks(job, list(range(10)), jobs=2, chunk_size=3) as results:
        assert "".join(results) == "abcdefghij"


def test_an_error_in_a_worker_is_raised_in_the_caller() -> None:
    def job(chunk: Sequence[int]) -> int:
        if 7 in chunk:
            raise SiteError("template note.html failed on page 7")
        return len(chunk)

    with pytest.raises(SiteError, match="page 7"), \
            map_chunks(job, list(range(10)), jobs=2, chunk_size=2) as results:
        list(results)


def test_workers_are_forked_on_entry_before_any_result_is_read() -> None:
    """So a progress bar's thread, started after entering, is never forked."""
    import multiprocessing

    with map_chunks(_square_with_pid, list(range(10)), jobs=2, chunk_size=5) as results:
        assert len(multiprocessing.active_children()) == 2
        pids = {pid for _, pid in results}
    assert os.getpid() not in pids


def test_chunked_covers_every_item_once() -> None:
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunked([], 3) == []
