"""Shared pytest fixtures and options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")


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


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads),
    one per test session; skips when it is not installed (`make browser`)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--headless", "--no-sandbox", "--disable-gpu",
                                           "--disable-background-networking"])
        try:
            yield browser
        finally:
            browser.close()
