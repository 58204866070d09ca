"""Wikilink resolution: which note does `[[target]]` written in note X point at?

Like Obsidian, a target matches a note's file stem, its title or one of its `aliases`,
case-, `_`/space- and accent-insensitively (`slugs.link_key`). A target may also be a
path inside the vault (`folder/note`). When several notes match, the choice is
predictable: stem beats title beats alias; then a note in the linking note's own folder;
then the shortest path; then alphabetical order of the path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from notegraph.slugs import LinkKey, link_key

# Vaults repeat the same targets thousands of times: normalize each distinct one once.
cached_link_key = functools.lru_cache(maxsize=1 << 17)(link_key)

# Match tiers, best first: a stem (or vault path) beats a title, a title beats an alias.
STEM, TITLE, ALIAS = 0, 1, 2


@dataclass(frozen=True)
class LinkableNote:
    """A note a wikilink may point at, as the index knows it: id (vault path), folder and
    names. (Not `site.render.LinkTarget`, which is where a rendered link goes.)"""

    note_id: str
    folder: str
    stem: str
    title: str
    aliases: tuple[str, ...] = ()


class LinkIndex:
    """Resolves link targets to note ids; build once per vault, then query (O(1) each)."""

    def __init__(self, notes: Iterable[LinkableNote]) -> None:
        # key → [(tier, depth, len, id, folder)], sorted so that the best match is first.
        candidates: dict[LinkKey, list[tuple[int, int, int, str, str]]] = {}
        for t in notes:
            depth = t.note_id.count("/")
            names = [(STEM, t.stem), (STEM, t.note_id), (TITLE, t.title)]
            names += [(ALIAS, a) for a in t.aliases]
            seen: set[LinkKey] = set()
            for tier, name in names:
                key = cached_link_key(name)
                if not key or key in seen:
                    continue
                seen.add(key)
                candidates.setdefault(key, []).append(
                    (tier, depth, len(t.note_id), t.note_id, t.folder))
        self._candidates = {k: sorted(v) for k, v in candidates.items()}
        self._cache: dict[tuple[str, LinkKey], str | None] = {}

    def resolve(self, target: str, from_folder: str = "") -> str | None:
        """The id of the note `target` names, seen from a note in `from_folder`; None if none."""
        key = cached_link_key(target)
        cache_key = (from_folder, key)
        if cache_key in self._cache:
            return self._cache[cache_key]
        found = self._pick(self._candidates.get(key, ()), from_folder)
        self._cache[cache_key] = found
        return found

    @staticmethod
    def _pick(cands: Iterable[tuple[int, int, int, str, str]], from_folder: str) -> str | None:
        best: tuple[int, int, int, int, str] | None = None
        for tier, depth, length, note_id, folder in cands:
            rank = (tier, 0 if folder == from_folder else 1, depth, length, note_id)
            if best is None or rank < best:
                best = rank
        return best[4] if best else None
