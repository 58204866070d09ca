"""Same input → byte-identical site: cold vs warm build, and two independent roots."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from notegraph import api
from notegraph.config import load_config
from notegraph.site.plugins import default_extensions, search

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "site_project"

# Hand-written, hard-wrapped, with links, a timestamp-free body and a date.
WRAPPED_NOTE = """---
title: Wrapped thoughts
date: 2024-03-02
tags: [reading]
---
Machines that listen closely can learn a kind of
[[Empathy]] that reads the body as an interface,
as [[the_body_as_interface|the talk]] argued. A second sentence
mentions [[Ada Lovelace]] and a [[Missing Note]].
"""


def _project(root: Path) -> Path:
    shutil.copytree(FIXTURE, root)
    (root / "content/notes/journal/wrapped.md").write_text(WRAPPED_NOTE, encoding="utf-8")
    return root


def _build(root: Path) -> None:
    # the real extensions: graph (with embeddings), feeds and Pagefind search
    api.build(load_config(root, {}), extensions=default_extensions())


def _site_bytes(root: Path) -> dict[str, bytes]:
    """Every file under site/ except Pagefind's index (see README: its filter order varies)."""
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(site).parts[0] != "pagefind"}


def test_cold_warm_and_second_root_builds_are_byte_identical(tmp_path: Path,
                                                            monkeypatch) -> None:
    runs: list[Path] = []
    real_run = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind",
                        lambda src, *a, **k: (runs.append(src), real_run(src, *a, **k))[1])
    a = _project(tmp_path / "first")
    b = _project(tmp_path / "second_root_with_a_longer_name")
    _build(a)
    cold = _site_bytes(a)
    assert "index.html" in cold and "journal/wrapped/index.html" in cold

    shutil.rmtree(a / "site")  # warm: every cache kept
    _build(a)
    warm = _site_bytes(a)
    assert sorted(warm) == sorted(cold)
    assert [k for k in cold if cold[k] != warm[k]] == []
    # same pages, so the warm build copied the cached Pagefind index instead of indexing
    assert len(runs) == 1  # a small site: one shard
    assert (a / "site/pagefind/shard-0/pagefind-entry.json").is_file()

    _build(b)  # an independent cold build elsewhere
    other = _site_bytes(b)
    assert sorted(other) == sorted(cold)
    assert [k for k in cold if cold[k] != other[k]] == []
    for root in (a, b):  # no absolute path of the project leaks into any output
        needle = str(root).encode()
        assert [p for p in (root / "site").rglob("*")
                if p.is_file() and needle in p.read_bytes()] == []


BUILD_SCRIPT = ("import sys; from pathlib import Path; from notegraph.config import load_config; "
                "from notegraph.site.build import build_site; "
                "build_site(load_config(Path(sys.argv[1]), {}), extensions=[])")


def _build_with(code_root: Path, project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(code_root), "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(project)], env=env, check=True,
                   cwd=code_root)


def test_a_code_change_does_not_reuse_stale_caches(tmp_path: Path) -> None:
    """The parse and render caches are keyed by the code that fills them: after an edit
    to that code (with no version constant bumped) a warm build equals a cold one."""
    code = tmp_path / "code"
    shutil.copytree(REPO / "notegraph", code / "notegraph",
                    ignore=shutil.ignore_patterns("__pycache__"))
    a = _project(tmp_path / "a")
    b = _project(tmp_path / "b")
    _build_with(code, a)  # fills a's caches with the original code
    for rel, old, new in [("vault/text.py", "SUMMARY_CHARS = 300", "SUMMARY_CHARS = 40"),
                          ("site/render.py", '"Link to this section"', '"Permalink"')]:
        path = code / "notegraph" / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    shutil.rmtree(a / "site")
    _build_with(code, a)  # warm, with the edited code
    _build_with(code, b)  # cold, with the edited code
    warm, cold = _site_bytes(a), _site_bytes(b)
    assert b'title="Permalink"' in cold["topics/empathy_in_machines/index.html"]
    assert [k for k in cold if cold[k] != warm.get(k)] == []
