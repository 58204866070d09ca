"""A Reporter that keeps its warnings, so tests can assert what a user was told."""

from __future__ import annotations

from notegraph.report import Reporter


class RecordingReporter(Reporter):
    """Keeps warnings (in order) in `warnings` instead of printing them."""

    def __init__(self) -> None:
        super().__init__(level=0)
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class InfoReporter(RecordingReporter):
    """Keeps the info lines too, in `infos`."""

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[str] = []

    def info(self, message: str) -> None:
        self.infos.append(message)
