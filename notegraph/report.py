"""How long work talks to the user: messages and progress bars on stderr.

The library never prints; it calls a `Reporter`. The CLI passes one that honours
`--quiet`/`--verbose`; library users get a silent one by default.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")

QUIET, NORMAL, VERBOSE = 0, 1, 2


class Reporter:
    """Messages and progress at a verbosity level (QUIET, NORMAL or VERBOSE)."""

    def __init__(self, level: int = NORMAL, console: Console | None = None) -> None:
        self.level = level
        self.console = console or Console(stderr=True, highlight=False)
        # the live bar of `progress`, if one runs: a stage shows as a line under it
        # (rich allows one live display at a time)
        self._bar: Progress | None = None

    def info(self, message: str) -> None:
        """A line the user wants to see in a normal run."""
        if self.level >= NORMAL:
            self.console.print(escape(message), soft_wrap=True)

    def debug(self, message: str) -> None:
        """Detail shown only with --verbose."""
        if self.level >= VERBOSE:
            self.console.print(f"[dim]{escape(message)}[/dim]", soft_wrap=True)

    def warn(self, message: str) -> None:
        """A problem that did not stop the run; shown unless --quiet."""
        if self.level >= NORMAL:
            # soft_wrap: never break a message into several lines (logs, grep); the
            # terminal still wraps it visually.
            self.console.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)

    def error(self, message: str) -> None:
        """A failure; always shown."""
        self.console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)

    def progress(self, items: Iterable[T], description: str, total: int | None = None
                 ) -> Iterator[T]:
        """Iterate `items` with a progress bar (none when quiet or not a terminal)."""
        if self.level < NORMAL or not self.console.is_terminal:
            yield from items
            return
        with self._live() as bar:
            task = bar.add_task(escape(description), total=total)
            for item in items:
                yield item
                bar.advance(task)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Step]:
        """A stage of long work: shown live (its name and N/M as it advances) under the
        running bar in a normal terminal run, one line with its count and time at
        --verbose, nothing when quiet."""
        step = Step(name, total)
        live = self.level >= NORMAL and self.console.is_terminal
        t0 = time.perf_counter()
        with self._live() if live else _nothing() as bar:
            if bar is not None:
                task = bar.add_task(escape(name), total=total)
                # refresh now: a stage's counts change a few times a second at most,
                # and a stage shorter than the bar's refresh period is still seen
                step.show = lambda: bar.update(task, description=escape(step.name),
                                               total=step.total, completed=step.done,
                                               refresh=True)
                step.show()
            try:
                yield step
            finally:
                if bar is not None:
                    bar.remove_task(task)
        count = f"{step.done}/{step.total}, " if step.total else ""
        summary = f": {step.summary}" if step.summary else ""
        self.debug(f"{step.name}{summary} ({count}{time.perf_counter() - t0:.2f} s)")

    @contextmanager
    def _live(self) -> Iterator[Progress]:
        """The running bar, or a new one for the time of the block."""
        if self._bar is not None:
            yield self._bar
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as bar:
            self._bar = bar
            try:
                yield bar
            finally:
                self._bar = None


class Step:
    """The state of one `Reporter.stage`: its name and N of M, shown as they change."""

    def __init__(self, name: str, total: int | None = None) -> None:
        self.name, self.total, self.done = name, total, 0
        self.summary = ""  # what the stage made, said at --verbose
        self.show = lambda: None

    def rename(self, name: str) -> None:
        """Say what the stage is doing now (e.g. "embedding" → "segmenting")."""
        self.name = name
        self.show()

    def add(self, total: int) -> None:
        """More work became known."""
        self.total = (self.total or 0) + total
        self.show()

    def advance(self, n: int = 1) -> None:
        """`n` more items done."""
        self.done += n
        self.show()


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


class SilentReporter(Reporter):
    """The default for library calls: errors only."""

    def __init__(self) -> None:
        super().__init__(level=QUIET)
