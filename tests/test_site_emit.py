"""Site plug-ins are emitters: what they write is in the build's manifest, so a stale
output is removed and a missing one is noticed (issue 9's bug: `graph.json`,
`feed.xml`, `sitemap.xml` never entered the manifest)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notegraph.config import load_config
from notegraph.site.build import build_site
from notegraph.site.plugins.feeds import FeedsExtension
from notegraph.site.plugins.graph import GraphExtension

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"
NOTE = "journal/my_reading_notes"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def _build(root: Path, plugins: list | None = None):
    plugins = [GraphExtension(embed=False), FeedsExtension()] if plugins is None else plugins
    return build_site(load_config(root), extensions=plugins)


def _manifest(root: Path) -> dict:
    path = root / ".cache" / "notegraph" / "site-manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_plugin_outputs_are_in_the_manifest(project: Path) -> None:
    _build(project)
    outputs = _manifest(project)["outputs"]
    assert {"graph.json", "feed.xml", "sitemap.xml"} <= set(outputs)


def test_a_deleted_note_leaves_graph_json_and_the_feed(project: Path) -> None:
    _build(project)
    site = project / "site"
    assert NOTE in (site / "graph.json").read_text(encoding="utf-8")
    assert "my_reading_notes" in (site / "feed.xml").read_text(encoding="utf-8")
    (project / "content" / "notes" / f"{NOTE}.md").unlink()
    _build(project)
    assert NOTE not in (site / "graph.json").read_text(encoding="utf-8")
    assert "my_reading_notes" not in (site / "feed.xml").read_text(encoding="utf-8")
    assert "my_reading_notes" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert not (site / NOTE).exists()


def test_a_deleted_plugin_output_is_restored_by_a_no_change_build(project: Path) -> None:
    _build(project)
    feed = project / "site" / "feed.xml"
    before = feed.read_bytes()
    feed.unlink()
    again = _build(project)
    assert not again.up_to_date  # the up-to-date check saw the missing file
    assert feed.read_bytes() == before
    assert _build(project).up_to_date  # and the next build has nothing to do


def test_an_output_no_plugin_produces_any_more_is_removed(project: Path) -> None:
    _build(project)
    assert (project / "site" / "feed.xml").exists()
    _build(project, [GraphExtension(embed=False)])  # the feeds plug-in is gone
    assert not (project / "site" / "feed.xml").exists()
    assert not (project / "site" / "sitemap.xml").exists()
    assert (project / "site" / "graph.json").exists()
    assert "feed.xml" not in _manifest(project)["outputs"]
