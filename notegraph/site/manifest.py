"""The build manifest: every output of the last build under `site/`, with its digest.

It is how a build is incremental and how `site/` stays clean: an output whose digest is
unchanged is not rewritten, an output of the last build that this one did not produce
is removed, and a build with the same input signature is skipped only while every
output recorded here still exists.

Outputs are site-relative `/` paths: a file (`graph.json`), or a directory ending in `/`
(`pagefind/`) whose files its emitter manages as a whole; a directory's digest is one of
its listing (names and sizes), not of every byte.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from notegraph import cache, store

MANIFEST_VERSION = "2"  # 2: plugin outputs are recorded too, with their owner
MANIFEST_NAME = "site-manifest.json"


@dataclass
class Manifest:
    """What a build wrote: its input signature, outputs → digests, plugin → its outputs."""

    signature: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    owners: dict[str, list[str]] = field(default_factory=dict)

    def owned(self) -> set[str]:
        """Every output some plugin emitted."""
        return {rel for rels in self.owners.values() for rel in rels}


def read_manifest(path: Path) -> Manifest:
    """The manifest in `path`; an empty one when absent, corrupt or from another version."""
    data = cache.read_json(path, MANIFEST_VERSION)
    if data is None:
        return Manifest()
    outputs, owners = data.get("outputs"), data.get("owners")
    if not isinstance(outputs, dict) or not isinstance(owners, dict):
        return Manifest()
    return Manifest(str(data.get("signature") or ""), outputs, owners)


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Write `manifest` (sorted, so the same build writes the same file)."""
    cache.write_json(path, MANIFEST_VERSION, {
        "signature": manifest.signature,
        "outputs": dict(sorted(manifest.outputs.items())),
        "owners": {name: sorted(rels) for name, rels in sorted(manifest.owners.items())}},
        indent=1)


def output_path(site_dir: Path, rel: str) -> Path:
    """Where the output `rel` lives (checked: it cannot climb out of `site_dir`)."""
    return store.safe_join(site_dir, *rel.rstrip("/").split("/"))


def all_present(site_dir: Path, outputs: Iterable[str]) -> bool:
    """True when every output exists (one `stat` each: directories are not walked)."""
    return all(os.path.exists(os.path.join(site_dir, rel)) for rel in outputs)


def output_digest(site_dir: Path, rel: str) -> str:
    """The digest of an emitted output: its bytes, or a directory's sorted listing."""
    path = output_path(site_dir, rel)
    if rel.endswith("/"):
        listing = [f"{name}:{size}" for name, (size, _) in store.walk_files(path)]
        return store.content_hash("dir", *listing)
    try:
        return store.content_hash(path.read_bytes())
    except OSError:
        return ""  # an emitter claimed it but did not write it: rewritten next time


def remove_outputs(site_dir: Path, rels: Iterable[str]) -> list[str]:
    """Delete these outputs (and the folders they leave empty); returns them, sorted."""
    removed = sorted(rels)
    for rel in removed:
        target = output_path(site_dir, rel)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.is_file():
            target.unlink()
        else:
            continue
        _prune_empty_dirs(target.parent, site_dir)
    return removed


def digests(site_dir: Path, rels: Iterable[str]) -> Mapping[str, str]:
    """`output_digest` of each of `rels`."""
    return {rel: output_digest(site_dir, rel) for rel in rels}


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    folder, stop = folder.resolve(), stop.resolve()
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
