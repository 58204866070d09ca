"""Full-text search: the search page and a Pagefind index of the built site.

Pagefind (`pagefind[bin]`, a Rust binary shipped on PyPI) reads the built HTML and
writes `site/pagefind/` (index shards plus its UI). Our templates tell it what to index
(`data-pagefind-body` on note content; titles by `data-pagefind-meta`; channel, people
and concepts as `data-pagefind-filter`s). Indexing reruns only when a page changed or
the index is missing, so a no-change build costs nothing; and the index of a given set
of pages is kept in the build cache, so rebuilding an unchanged site after deleting
`site/` copies the index back instead of running Pagefind again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from notegraph import store
from notegraph.code_digest import code_digest
from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.site.pages import Page, SiteIndex
from notegraph.vault import Vault

INDEX_DIR = "pagefind"


class SearchError(NotegraphError):
    """Pagefind could not index the site."""


class SearchExtension:
    """Adds `search/` and runs Pagefind over `site/` after pages are written."""

    name = "search"

    def __init__(self, timeout: float = 600.0) -> None:
        self.timeout = timeout
        self._cache: Path | None = None

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None:
        """Remember where indexes are cached (the index is built from the written HTML)."""
        self._cache = config.cache_path / "pagefind"

    def note_context(self, note_id: str) -> Mapping[str, Any]:
        """No per-note additions (filters are in the note templates)."""
        return {}

    def pages(self) -> Iterable[Page]:
        """The search page."""
        return [Page("search", "search/", "search/index.html", "search.html", "Search",
                     data={"summary": "Search every note, person and concept."})]

    def finish(self, site_dir: Path, result: Any) -> None:
        """Index `site_dir` with Pagefind when pages changed or there is no index yet."""
        changed = [p for p in [*result.written, *result.removed] if p.endswith(".html")]
        if not changed and (site_dir / INDEX_DIR / "pagefind-entry.json").is_file():
            return
        index_dir = site_dir / INDEX_DIR
        # keyed by the pages and by how Pagefind is run (this module)
        key = store.content_hash(html_digest(site_dir), code_digest("notegraph.site.search"))
        cached = self._cache / key if self._cache else None
        if cached is not None and (cached / "pagefind-entry.json").is_file():
            shutil.rmtree(index_dir, ignore_errors=True)
            shutil.copytree(cached, index_dir)
        else:
            run_pagefind(site_dir, self.timeout)
            if cached is not None:
                # keep only the index of the current pages
                shutil.rmtree(cached.parent, ignore_errors=True)
                tmp = cached.parent / f".{cached.name}.tmp"
                shutil.copytree(index_dir, tmp)
                tmp.rename(cached)
        result.written.append(f"{INDEX_DIR}/")


def html_digest(site_dir: Path) -> str:
    """A hash of every HTML page under `site_dir` (paths and bytes): what Pagefind reads."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = sorted(d for d in dirnames if d != INDEX_DIR)
        for name in sorted(filenames):
            if name.endswith(".html"):
                full = os.path.join(dirpath, name)
                h.update(os.path.relpath(full, site_dir).encode("utf-8") + b"\0")
                with open(full, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()[:20]


def run_pagefind(site_dir: Path, timeout: float = 600.0) -> None:
    """Run the Pagefind binary from the `pagefind` package on `site_dir`.

    Raises `SearchError` naming the problem when it is missing or fails.
    """
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
           "--output-subdir", INDEX_DIR, "--force-language", "en", "--silent",
           # heading permalinks ("#") are not words of the heading
           "--exclude-selectors", "a.anchor"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise SearchError(f"pagefind did not finish indexing {site_dir} within "
                          f"{timeout:.0f} s; try again or report the vault size") from exc
    except OSError as exc:
        raise SearchError(f"cannot run pagefind ({exc}); install it: "
                          "pip install 'pagefind[bin]'") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        hint = detail[-1] if detail else f"exit code {proc.returncode}"
        if "No module named pagefind" in (proc.stderr or ""):
            hint = "the pagefind package is missing: pip install 'pagefind[bin]'"
        raise SearchError(f"pagefind failed to index {site_dir}: {hint}")
