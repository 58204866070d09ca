"""How a plug-in adds to the site: the `SitePlugin` protocol and its emit phases.

A plug-in (graph, feeds, search) is an emitter in Quartz's sense: it adds template
variables to note pages and whole pages rendered by the build, and its `emit` writes
files of its own and RETURNS the site-relative paths it wrote or owns. The build records
those in its manifest with their digests, removes the ones a later build no longer
returns, and counts them in its up-to-date check; a plug-in never touches the manifest
or the build's result.

Emitters run after every page is written, phase by phase (`PHASES`), in list order
within a phase: a `files` emitter writes files derived from the vault (`graph.json`,
`feed.xml`), an `index` emitter reads the finished site (the search index). So Search
runs after the others because it says so, not because it comes last in a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from notegraph.config import Config
from notegraph.site.pages import Page, SiteIndex
from notegraph.vault.read import Vault

PHASES = ("files", "index")


@dataclass(frozen=True)
class EmitContext:
    """What an emitter sees of the build so far.

    `changed`: outputs written or removed by the build before this phase (pages, data
    files, earlier emitters), so an indexer can skip work when nothing it reads changed.
    """

    site_dir: Path
    changed: frozenset[str]
    force: bool = False


class SitePlugin(Protocol):
    """A part of the site built by another module.

    `prepare` sees the resolved vault first; `note_context` adds template variables to a
    note page (under `extra`, e.g. `related`, `local_graph`); `pages` adds whole pages
    (rendered like the others, templates looked up the same way); `emit` runs in its
    `phase` after all pages are written and returns the outputs it owns (files, or a
    directory as `name/`).

    Optionally, `page_key(note_id) -> str` is a cheap hash of everything `note_context`
    gives that note's page: with it a build plans only the pages whose inputs changed
    (`notegraph.site.page_keys`); without it every page is planned on every build.
    """

    name: str
    phase: str

    def prepare(self, vault: Vault, index: SiteIndex, config: Config) -> None: ...

    def note_context(self, note_id: str) -> Mapping[str, Any]: ...

    def pages(self) -> Iterable[Page]: ...

    def emit(self, ctx: EmitContext) -> list[str]: ...


def in_phase_order(plugins: Sequence[SitePlugin]) -> list[SitePlugin]:
    """`plugins` ordered by phase (stable within one); an unknown phase is an error."""
    for plugin in plugins:
        if plugin.phase not in PHASES:
            raise ValueError(f"site plug-in {plugin.name!r}: unknown phase {plugin.phase!r} "
                             f"(one of {', '.join(PHASES)})")
    return sorted(plugins, key=lambda p: PHASES.index(p.phase))
