"""Which note pages need planning at all: a cheap key of everything a note page shows.

Planning a note page (its backlinks, related notes, local graph, then `repr` and a
hash of it all) is most of an incremental build: at 10,000 notes it cost ~7 s of CPU
to find the ~20 pages that adding one note changes. A page's *key* is a hash of the
inputs its `Page` is made from, computed without making the page:

- the notes the page reads (`page_reads`): the note itself, its resolved links and
  frontmatter names (and the links of the notes it embeds), its backlinks' sources and
  the notes naming it in their frontmatter,
  its channel, the notes of its video and of its channel, and the video notes of its
  backlinks (person and concept pages group by them); each read note counts by its
  file's digest, its URL and its video's transcript metadata;
- what each plug-in adds (`SitePlugin.page_key`, optional; a plug-in without it makes
  every page be planned, as before).

When a page's key is the one recorded at the last build, its output is still there
and the manifest still has the digest recorded with that key, the build records the
old digest and neither plans nor renders the page. The key only decides whether to
plan: a planned page is written only when its digest changed, as always, so a key
that changes more often than needed costs time, never correctness.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.site.pages import SiteIndex

KEYS_FILE = "page-keys.json"  # in the build cache: output → [key, digest, body key]


def note_states(idx: SiteIndex) -> dict[str, str]:
    """Per note, what other pages may show of it: its file's digest, its URL and the
    metadata of its video (a transcript's chapters and media)."""
    vault = idx.vault
    states = {}
    for note_id, note in vault.notes.items():
        vid = note.video_id
        info = idx.videos.get(vid) if vid else None
        states[note_id] = (f"{note_id}\0{note.digest}\0{vault.urls[note_id]}\0"
                           f"{vid or ''}\0{store.content_hash(repr(info)) if info else ''}")
    return states


def page_reads(idx: SiteIndex, note_id: str) -> set[str]:
    """The notes whose state the page of `note_id` is made from (`pages.note_page`)."""
    vault = idx.vault
    note = vault.notes[note_id]
    reads = {note_id}
    for link, target in zip(note.links, vault.resolved.get(note_id, ()), strict=False):
        if target:
            reads.add(target)
            if link.embed:  # an embedded body shows its own links' titles and URLs
                reads.update(t for t in vault.resolved.get(target, ()) if t)
    for name in (*note.names("people"), *note.names("concepts")):
        found = vault.resolve(name, note_id)
        if found:
            reads.add(found)
    channel = idx.channel_of.get(note_id)
    if channel:
        reads.add(channel)
    sources = [b.source for b in vault.backlinks.get(note_id, ())]
    for source in (*sources, *idx.named_by.get(note_id, ())):
        reads.add(source)
        source_video = idx.video_note_of.get(vault.notes[source].video_id or "")
        if source_video is not None:
            reads.add(source_video.id)
    vid = note.video_id
    if vid:
        reads.update(t.id for t in idx.topics_of_video.get(vid, ()))
        video = idx.video_note_of.get(vid)
        if video is not None:
            reads.add(video.id)
    reads.update(v.id for v in idx.videos_of_channel.get(note_id, ()))
    return reads


def page_keys(idx: SiteIndex, plugins: Sequence[Any], salt: str) -> dict[str, str] | None:
    """Every note page's key (see the module doc), or None when a plug-in cannot key
    what it adds to pages."""
    plugin_keys = []
    for plugin in plugins:
        keyer = getattr(plugin, "page_key", None)
        if keyer is None:
            return None
        plugin_keys.append(keyer)
    states = note_states(idx)
    keys = {}
    for note_id in idx.vault.notes:
        parts = [states[r] for r in sorted(page_reads(idx, note_id))]
        parts.extend(keyer(note_id) for keyer in plugin_keys)
        keys[note_id] = store.content_hash(salt, *parts)
    return keys


def keys_version(base_digest: str, config: Any, plugins: Iterable[Any]) -> str:
    """What recorded keys are valid for: the code, the page's shared inputs (templates,
    navigation, site title), the configuration and the plug-ins."""
    return store.content_hash(code_digest(), base_digest, repr(config),
                              ",".join(p.name for p in plugins))


def read_keys(path: Path, version: str) -> dict[str, list[str]]:
    """Output → [key, digest, body render key] of the last build's note pages (empty
    when stale)."""
    data = cache.read_json(path, version) or {}
    pages = data.get("pages")
    return pages if isinstance(pages, dict) else {}


def unchanged_pages(urls: Mapping[str, str], keys: Mapping[str, str],
                    old_keys: Mapping[str, list[str]], old_outputs: Mapping[str, str],
                    site_dir: Path) -> dict[str, tuple[str, str, str]]:
    """Note → (output, digest, body render key) of each page that need not be planned:
    same key as at the last build, same digest in the manifest, output still there."""
    kept = {}
    for note_id, key in keys.items():
        output = urls[note_id] + "index.html"
        old = old_keys.get(output)
        if (isinstance(old, list) and len(old) == 3 and old[0] == key
                and old_outputs.get(output) == old[1] and (site_dir / output).is_file()):
            kept[note_id] = (output, old[1], old[2])
    return kept


def restorable_pages(urls: Mapping[str, str], keys: Mapping[str, str],
                     old_keys: Mapping[str, list[str]], old_outputs: Mapping[str, str],
                     ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Note → (page key, digest) of each of `ids` whose page has the key and digest of
    the last build but is missing from `site/` (deleted): its HTML, when the render
    cache kept it, is written back as it is."""
    out = {}
    for note_id in ids:
        output = urls[note_id] + "index.html"
        old = old_keys.get(output)
        if (isinstance(old, list) and len(old) == 3 and old[0] == keys[note_id]
                and old_outputs.get(output) == old[1]):
            out[note_id] = (old[0], old[1])
    return out


def write_keys(path: Path, version: str, pages: Mapping[str, list[str]]) -> None:
    """Record output → [key, digest, body render key] of this build's note pages."""
    cache.write_json(path, version, {"pages": dict(sorted(pages.items()))})
