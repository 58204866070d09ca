"""How long work talks to the user: messages and progress bars on stderr.

The library never prints; it calls a `Reporter`. The CLI passes one that honours
`--quiet`/`--verbose`; library users get a silent one by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(escape(description), total=total)
            for item in items:
                yield item
                bar.advance(task)


class SilentReporter(Reporter):
    """The default for library calls: errors only."""

    def __init__(self) -> None:
        super().__init__(level=QUIET)
