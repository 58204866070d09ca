"""A site built from nothing goes to a staging folder, renamed into place whole.

When `site/` does not exist (a first build, or after deleting it) no page of it can be
half-written for a reader to see: the build writes into `.site.staging-<pid>` beside it,
each file in place (`store.write_unpublished_bytes`: no temp file, `fchmod` and rename
per page, half the system calls of writing 10,000 pages), and one rename publishes the
folder when the build has succeeded. A failed build removes the staging folder, and a
build killed outright leaves one that the next build removes. When `site/` exists, pages
are replaced one by one, each atomically, as before.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from notegraph.errors import SiteError

PREFIX = ".{name}.staging-"


def begin(site_dir: Path) -> Path | None:
    """A new, empty staging folder for `site_dir`, or None when `site_dir` exists."""
    if site_dir.exists() or site_dir.is_symlink():
        return None
    parent = site_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    # the project lock is held: any staging folder left here is a killed build's
    for old in parent.glob(PREFIX.format(name=site_dir.name) + "*"):
        discard(old)
    staging = parent / f"{PREFIX.format(name=site_dir.name)}{os.getpid()}"
    staging.mkdir()
    return staging


def publish(staging: Path, site_dir: Path) -> None:
    """Rename the finished `staging` folder to `site_dir`."""
    try:
        os.rename(staging, site_dir)
    except OSError as exc:  # something made a non-empty site/ meanwhile
        raise SiteError(f"cannot move the new site into {site_dir} ({exc.strerror}); "
                        "remove it and build again") from exc


def discard(staging: Path) -> None:
    """Remove a staging folder (nothing when it was published)."""
    shutil.rmtree(staging, ignore_errors=True)
