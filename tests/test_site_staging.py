"""A site built from nothing is built beside `site/` and renamed into place whole
(`notegraph.site.staging`): no reader sees half of it, a failed build leaves none of it,
and it is byte for byte the site an in-place build writes."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from notegraph.config import load_config
from notegraph.site.build import build_site
from notegraph.site.emit import EmitContext
from notegraph.site.pages import Page

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"


class Probe:
    """An emitter that records what the build's folders hold while it runs."""

    name = "probe"
    phase = "files"

    def __init__(self, root: Path, fail: bool = False) -> None:
        self.root = root
        self.fail = fail
        self.seen: dict[str, Any] = {}

    def prepare(self, vault: Any, index: Any, config: Any) -> None:
        """Nothing to prepare."""

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """Nothing added to note pages."""
        return {}

    def page_key(self, note_id: str) -> str:
        """Nothing of a note page comes from here."""
        return ""

    def pages(self) -> Iterable[Page]:
        """No pages of its own."""
        return []

    def emit(self, ctx: EmitContext) -> list[str]:
        """Record where the build writes; fail when asked to."""
        self.seen = {"site_dir": ctx.site_dir, "site_exists": (self.root / "site").exists(),
                     "index_there": (ctx.site_dir / "index.html").is_file()}
        if self.fail:
            raise RuntimeError("probe failed")
        return []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def files(site: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(site).as_posix(): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if ".staging-" in p.name)


@pytest.fixture
def umask_022() -> Iterable[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_site_built_from_nothing_appears_whole_and_equals_one_built_in_place(
        project: Path, tmp_path: Path, umask_022: None) -> None:
    probe = Probe(project)
    result = build_site(load_config(project), extensions=[probe])
    # while the build ran, pages went to a folder beside site/, and site/ did not exist
    assert probe.seen["site_exists"] is False and probe.seen["index_there"] is True
    assert probe.seen["site_dir"].parent == project and probe.seen["site_dir"] != project / "site"
    assert result.site_dir == project / "site" and leftovers(project) == []
    staged = files(project / "site")
    # the same project built into an existing (empty) site/: pages replaced in place
    other = tmp_path / "other"
    shutil.copytree(FIXTURE, other)
    (other / "site").mkdir()
    in_place = Probe(other)
    build_site(load_config(other), extensions=[in_place])
    assert in_place.seen["site_dir"] == other / "site"
    assert files(other / "site") == staged  # same bytes, same permissions (0644)
    assert staged["index.html"][1] == 0o644


def test_a_failed_build_from_nothing_leaves_no_site_and_no_staging_folder(
        project: Path) -> None:
    with pytest.raises(RuntimeError, match="probe failed"):
        build_site(load_config(project), extensions=[Probe(project, fail=True)])
    assert not (project / "site").exists()
    assert leftovers(project) == []
    # and the next build is a whole one
    result = build_site(load_config(project), extensions=[])
    assert (project / "site/index.html").is_file() and result.pages > 0


def test_a_killed_builds_staging_folder_is_removed_by_the_next_build(project: Path) -> None:
    killed = project / ".site.staging-99999999"
    (killed / "topics").mkdir(parents=True)
    (killed / "topics/half.html").write_text("<p>half", encoding="utf-8")
    build_site(load_config(project), extensions=[])
    assert leftovers(project) == []
    assert not (project / "site/topics/half.html").exists()


def test_a_failed_build_over_an_existing_site_leaves_its_pages(project: Path) -> None:
    build_site(load_config(project), extensions=[])
    before = files(project / "site")
    (project / "content/notes/journal/new_thought.md").write_text(
        "---\ntitle: New thought\n---\nMore.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="probe failed"):
        build_site(load_config(project), extensions=[Probe(project, fail=True)])
    after = files(project / "site")
    assert leftovers(project) == []
    # pages were replaced one by one, each whole: every old page is there, complete or
    # replaced by its new version
    assert set(before) <= set(after)
    assert all(after[rel][0].startswith(b"<!") for rel in after if rel.endswith(".html"))
