"""Shared pytest fixtures and options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite golden files from the current output instead of comparing.")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files (a deliberate flag)."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip when this checkout has no shared/ beside it."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"real transcripts not available: {data} is absent")
    return data


@pytest.fixture
def shared_file(shared_data: Path) -> Callable[..., Path]:
    """`shared_file("formats", name)`: that file under ../shared/data, or skip when absent.

    One place for the "real file or a clean skip" rule instead of a copy in every test.
    """
    def find(*parts: str) -> Path:
        path = shared_data.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"{path} is absent")
        return path
    return find
