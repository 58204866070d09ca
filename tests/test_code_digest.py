"""The digest of notegraph's own source that keys build caches (see notegraph.code_digest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notegraph import code_digest as cd


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `notegraph` package; `__wrapped__` skips the per-process cache."""
    (tmp_path / "site").mkdir()
    (tmp_path / "vault.py").write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "site" / "render.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cd, "PACKAGE_DIR", tmp_path)
    return tmp_path


def test_digest_changes_when_a_named_module_changes(package: Path) -> None:
    digest = cd.code_digest.__wrapped__
    before = digest("notegraph.vault", "notegraph.site.render")
    assert digest("notegraph.vault", "notegraph.site.render") == before
    (package / "site" / "render.py").write_text("A = 2\n", encoding="utf-8")
    assert digest("notegraph.vault", "notegraph.site.render") != before


def test_digest_covers_paths_and_the_whole_package(package: Path) -> None:
    digest = cd.code_digest.__wrapped__
    # same bytes, different module: a different digest (the path is hashed too)
    assert digest("notegraph.vault") != digest("notegraph.site.render")
    whole = digest()
    (package / "site" / "new_module.py").write_text("B = 1\n", encoding="utf-8")
    assert digest() != whole  # no argument: every .py of the package, subpackages too

