"""Shared pytest fixtures and options."""

from __future__ import annotations

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
