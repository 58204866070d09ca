"""The folder Pagefind reads one search shard from: a symlink per page, kept between builds.

Pagefind indexes a folder, and a shard is a subset of `site/`, so each shard gets a
folder of its own (a "farm") holding a link per page, which Pagefind follows. Farms stay
in the build cache: adding a page to a shard adds one link, where making the folder
afresh for each run (a folder and a hard link per page, removed afterwards) cost ~0.6 s
of the 1,250-page shard an added note re-indexes at 10,000 notes. Every link points
through `<farms>/site`, itself a link to the site being indexed, so when that folder
moves (a staging folder renamed into place, `notegraph.site.staging`) only `site` is
pointed anew.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from notegraph import store

SITE_LINK = "site"


def farm_name(shard: int, count: int) -> str:
    """The farm of shard `shard` of `count` (membership depends on both)."""
    return f"shard-{shard}-of-{count}"


def prepare_farm(farms: Path, name: str, site_dir: Path, rels: Sequence[str]) -> Path:
    """The farm `name` under `farms`, holding a link to each of `rels` (site-relative
    page paths) in `site_dir` and nothing else."""
    _point(farms / SITE_LINK, site_dir.resolve())
    farm = farms / name
    have = set(_links(farm))
    want = set(rels)
    for rel in sorted(have - want):
        path = farm.joinpath(*rel.split("/"))
        path.unlink()
        _prune_empty(path.parent, farm)
    for rel in sorted(want - have):
        link = store.join_checked(farm, rel)  # page paths are slugs: checked as text
        link.parent.mkdir(parents=True, exist_ok=True)
        # from farm/name/a/b/index.html up to farm/, then through the `site` link
        os.symlink("../" * (rel.count("/") + 1) + f"{SITE_LINK}/{rel}", link)
    return farm


def drop_farms(farms: Path, keep: Iterable[str]) -> None:
    """Remove the farms not named in `keep` (shards of an older shard count)."""
    if not farms.is_dir():
        return
    keep = {*keep, SITE_LINK}
    for entry in sorted(farms.iterdir()):
        if entry.name not in keep:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _links(farm: Path) -> list[str]:
    """Site-relative paths of the links in `farm`."""
    out = []
    for dirpath, _, filenames in os.walk(farm):
        rel_dir = os.path.relpath(dirpath, farm).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        out.extend(prefix + name for name in filenames)
    return out


def _point(link: Path, target: Path) -> None:
    """Make `link` a symlink to `target` (replaced atomically when it points elsewhere)."""
    try:
        if os.readlink(link) == str(target):
            return
    except OSError:  # absent, or not a link
        pass
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name(f".{link.name}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp, link)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
