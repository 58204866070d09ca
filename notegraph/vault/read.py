"""The vault: every `.md` under `content/notes/`, parsed once into typed `Note`s.

Generated and hand-written notes are read the same way. A note whose frontmatter is
broken still loads (its problem is recorded in `Vault.problems`, reported by
`notegraph check`); nothing in a foreign vault makes loading fail.

`load_vault` also resolves every wikilink (see `notegraph.vault.links`), collects backlinks
with the sentence around each link, and gives every note a URL path made only of slugs,
unique across the vault, so no page can be written outside `site/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.slugs import WIKILINK_RE, parse_timestamp, parse_wikilink, slugify, unique_slug
from notegraph.vault.frontmatter import split_frontmatter, str_list
from notegraph.vault.links import LinkableNote, LinkIndex
from notegraph.vault.text import (
    SUMMARY_CHARS,
    TIMESTAMP_RE,
    code_ranges,
    inline_tags,
    link_context,
    merge_tags,
    summary_text,
)

# Top-level URL names the site itself uses; a note or folder slug never takes them.
RESERVED_URLS = frozenset({"assets", "graph", "search", "tags", "all", "previews", "404",
                           "index", "feed", "sitemap", "pagefind"})
# Bump when the parsed shape changes, so an old parse cache is ignored.
PARSER_VERSION = "5"  # 5: links and backlinks without a __dict__ (280k of them at 10k notes)

@dataclass(frozen=True, slots=True)
class Link:
    """One `[[target#heading|label]]` in a note, with the sentence it sits in."""

    target: str
    heading: str | None
    label: str | None
    embed: bool
    context: str  # plain text of the sentence around the link (never HTML)

    @property
    def text(self) -> str:
        """What a reader sees for the link."""
        if self.label:
            return self.label
        base = self.target or ""
        return f"{base} › {self.heading}" if self.heading and base else (self.heading or base)


@dataclass(frozen=True, slots=True)
class Timestamp:
    """One `yt-timestamp` anchor: what the note wrote and its value (None if malformed)."""

    raw: str
    seconds: float | None


@dataclass(frozen=True)
class Note:
    """One markdown file of the vault, parsed (frontmatter hidden from `body`)."""

    id: str  # vault-relative path without `.md`, `/`-separated (unique)
    folder: str  # vault-relative folder, "" at the root
    stem: str
    title: str
    type: str  # topic, video, person, concept, channel, or "note" (hand-written)
    frontmatter: dict[str, Any] = field(compare=False)
    body: str
    links: tuple[Link, ...]
    timestamps: tuple[Timestamp, ...]
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # what is wrong with the file (it still loads)
    digest: str = ""  # content hash of the file's bytes
    summary: str = ""  # first paragraph of prose, plain text (previews, lists)

    @property
    def video_id(self) -> str | None:
        """The YouTube video this note is about, if any."""
        value = self.frontmatter.get("videoId") or self.frontmatter.get("video_id")
        return str(value) if value else None

    def number(self, key: str) -> float | None:
        """A numeric frontmatter value (`start`, `end`, `duration`), None when absent or bad."""
        value = self.frontmatter.get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            t = parse_timestamp(value)
            if t is not None:
                return t
            try:
                return float(value)
            except ValueError:
                return None
        return None

    def names(self, key: str) -> tuple[str, ...]:
        """Note names a frontmatter list holds (`people`, `concepts`): a list, or a
        comma-separated string; `"[[Maya Okafor]]"` (Obsidian's way) is `Maya Okafor`."""
        return tuple(n for n in map(_link_name, str_list(self.frontmatter.get(key))) if n)

    def name(self, key: str) -> str | None:
        """The note name a single-valued frontmatter key holds (`channel`), brackets of a
        `[[wikilink]]` removed like `names`; None when absent or not a scalar."""
        value = self.frontmatter.get(key)
        if value is None or isinstance(value, (list, tuple, dict, bool)):
            return None
        return _link_name(str(value)) or None


@dataclass(frozen=True, slots=True)
class Backlink:
    """A link from `source` (note id) to some note, with the sentence around it."""

    source: str
    context: str
    label: str


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A wikilink that names no note of the vault."""

    source: str
    target: str


@dataclass(frozen=True)
class Vault:
    """All notes of a vault, resolved: the input of graph building and page rendering."""

    root: Path
    notes: dict[str, Note]  # by id, sorted by id
    urls: dict[str, str]  # note id → URL path under the site root, e.g. `topics/foo/`
    resolved: dict[str, tuple[str | None, ...]]  # note id → target id per link (None: missing)
    backlinks: dict[str, tuple[Backlink, ...]]  # note id → links into it, sorted by source
    unresolved: tuple[Unresolved, ...]
    problems: tuple[tuple[str, str], ...]  # (note id, message) for notes that parsed badly
    index: LinkIndex = field(compare=False, repr=False)

    def resolve(self, target: str, from_note: str | None = None) -> str | None:
        """The id of the note a `[[target]]` written in `from_note` points at."""
        folder = self.notes[from_note].folder if from_note in self.notes else ""
        return self.index.resolve(target, folder)

    def by_type(self, kind: str) -> list[Note]:
        """Notes of one type, in id order."""
        return [n for n in self.notes.values() if n.type == kind]


def load_vault(notes_dir: Path, cache_dir: Path | None = None, root: Path | None = None
               ) -> Vault:
    """Parse every `.md` under `notes_dir` and resolve its links.

    With `cache_dir`, parsed notes are kept in a cache keyed by path, size and mtime, so
    an unchanged vault is not parsed again. A missing `notes_dir` is an empty vault.
    A symlink leaving `notes_dir` and the project `root` is not read: it is a problem
    of the vault (see `store.project_files`).
    """
    notes_dir = Path(notes_dir)
    skipped: list[Path] = []
    files = list_markdown(notes_dir, root, skipped)
    parsed = cache.DictPickle(cache_dir / "vault-parse.pickle", _parser_version()
                              ) if cache_dir else None
    cached = parsed.read() if parsed is not None else {}
    # files that are not notes, as (id, problem): skipped symlinks, unreadable files
    outside = [(os.path.relpath(p, notes_dir).replace(os.sep, "/").removesuffix(".md"),
                store.outside_link_message(p)) for p in skipped]
    fresh: dict[str, tuple[tuple[int, int], Note]] = {}
    notes: list[Note] = []
    for rel, stat_key in files:
        hit = cached.get(rel)
        if hit is not None and hit[0] == stat_key:
            note = hit[1]
        else:
            try:
                note = parse_note(rel, (notes_dir / rel).read_bytes())
            except OSError as exc:  # unreadable (permissions) or vanished: a problem
                outside.append((rel.removesuffix(".md"), f"cannot read it ({exc.strerror})"))
                continue
        fresh[rel] = (stat_key, note)
        notes.append(note)
    if parsed is not None and fresh != cached:
        parsed.write(fresh)
    return build_vault(notes_dir, notes, outside)


def build_vault(root: Path, notes: Iterable[Note],
                unread: Iterable[tuple[str, str]] = ()) -> Vault:
    """Resolve links between already-parsed notes (pure; `load_vault` does the I/O).

    `unread`: (id, problem) of files that could not be read as notes, kept as problems.
    """
    by_id = {n.id: n for n in sorted(notes, key=lambda n: n.id)}
    index = LinkIndex(LinkableNote(n.id, n.folder, n.stem, n.title, n.aliases)
                      for n in by_id.values())
    resolved: dict[str, tuple[str | None, ...]] = {}
    back: dict[str, list[Backlink]] = {}
    unresolved: list[Unresolved] = []
    for note in by_id.values():
        targets: list[str | None] = []
        for link in note.links:
            if not link.target:  # `[[#heading]]` points into the note itself
                found: str | None = note.id
            else:
                found = index.resolve(link.target, note.folder)
            targets.append(found)
            if found is None:
                unresolved.append(Unresolved(note.id, link.target))
            elif found != note.id:
                back.setdefault(found, []).append(Backlink(note.id, link.context, link.text))
        resolved[note.id] = tuple(targets)
    backlinks = {k: tuple(_dedupe_backlinks(v)) for k, v in back.items()}
    problems = (*unread, *((n.id, p) for n in by_id.values() for p in n.problems))
    return Vault(root=root, notes=by_id, urls=assign_urls(by_id.values()), resolved=resolved,
                 backlinks=backlinks, unresolved=tuple(unresolved), problems=problems,
                 index=index)


def assign_urls(notes: Iterable[Note]) -> dict[str, str]:
    """Give every note a unique URL path of slugs (`folder_slug/stem_slug/`).

    Slugs are ASCII `[a-z0-9_]` only, so a URL can never contain `..`, a separator or an
    invisible mark; reserved top-level names and clashes get a `_2` suffix.
    """
    urls: dict[str, str] = {}
    taken_top: set[str] = set(RESERVED_URLS)
    folder_slugs: dict[str, str] = {}
    taken_in: dict[str, set[str]] = {}
    ordered = sorted(notes, key=lambda n: (n.id.count("/"), n.id))
    for note in ordered:
        parts = note.folder.split("/") if note.folder else []
        prefix = ""
        for i in range(len(parts)):
            key = "/".join(parts[: i + 1])
            if key not in folder_slugs:
                siblings = taken_top if i == 0 else taken_in.setdefault(prefix, set())
                folder_slugs[key] = unique_slug(slugify(parts[i], max_words=20,
                                                        fallback="folder"), siblings)
            prefix = folder_slugs[key]
        siblings = taken_in.setdefault(prefix, set()) if prefix else taken_top
        stem = unique_slug(slugify(note.stem, max_words=40, fallback="note"), siblings)
        path = "/".join(folder_slugs["/".join(parts[: i + 1])] for i in range(len(parts)))
        urls[note.id] = f"{path}/{stem}/" if path else f"{stem}/"
    return dict(sorted(urls.items()))


def parse_note(rel_path: str, data: bytes) -> Note:
    """Parse one file's bytes (never raises: problems are recorded on the note)."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        problems.append("not valid UTF-8 (bad bytes replaced)")
    frontmatter, body = split_frontmatter(text, problems)
    rel = rel_path.replace(os.sep, "/")
    note_id = rel[:-3] if rel.lower().endswith(".md") else rel
    folder, _, stem = note_id.rpartition("/")
    title = frontmatter.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        title = stem
    kind = frontmatter.get("type")
    kind = kind.strip().lower() if isinstance(kind, str) and kind.strip() else "note"
    timestamps = []
    for m in TIMESTAMP_RE.finditer(body):
        timestamps.append(Timestamp(m.group(1), parse_timestamp(m.group(1))))
    return Note(
        id=note_id, folder=folder, stem=stem, title=str(title).strip(), type=kind,
        frontmatter=frontmatter, body=body, links=tuple(_links(body)),
        timestamps=tuple(timestamps), aliases=str_list(frontmatter.get("aliases")),
        tags=merge_tags([t.lstrip("#") for t in str_list(frontmatter.get("tags"))
                          if t.lstrip("#")], inline_tags(body)),
        problems=tuple(problems), digest=store.content_hash(data),
        summary=summary_text(body, SUMMARY_CHARS))


def _link_name(name: str) -> str:
    """`[[Maya Okafor]]`, `[[maya_okafor|Maya]]` → the link's target; other names as is."""
    m = WIKILINK_RE.fullmatch(name.strip())
    return parse_wikilink(m.group(2)).target if m else name.strip()


def _links(body: str) -> list[Link]:
    """Every wikilink in `body` (outside code), with its sentence as plain text."""
    out = []
    code_spans = code_ranges(body)
    for m in WIKILINK_RE.finditer(body):
        if code_spans and any(a <= m.start() < b for a, b in code_spans):
            continue
        wl = parse_wikilink(m.group(2))
        out.append(Link(wl.target, wl.heading, wl.label, bool(m.group(1)),
                        link_context(body, m.start(), m.end())))
    return out


def summary(note: Note, limit: int = SUMMARY_CHARS) -> str:
    """The first paragraph of prose of `note` as plain text, at most `limit` characters.

    `note.summary` holds it at the default length, computed once when the note is parsed.
    """
    return note.summary if limit == SUMMARY_CHARS else summary_text(note.body, limit)


def _dedupe_backlinks(items: list[Backlink]) -> list[Backlink]:
    seen: set[tuple[str, str]] = set()
    out = []
    for b in sorted(items, key=lambda b: b.source):
        if (b.source, b.context) not in seen:
            seen.add((b.source, b.context))
            out.append(b)
    return out


def list_markdown(notes_dir: Path, root: Path | None = None,
                  skipped: list[Path] | None = None) -> list[tuple[str, tuple[int, int]]]:
    """(vault-relative path, (size, mtime_ns)) of every `.md`, hidden folders skipped.

    Symlinks leaving `notes_dir` and the project `root` are not read
    (`store.project_files`) and are added to `skipped`.
    """
    return store.walk_files(notes_dir, ".md", root, skipped)


def _parser_version() -> str:
    """What the parse cache is valid for: the version and the parsing code itself."""
    return PARSER_VERSION + "-" + code_digest(
        "notegraph.vault.read", "notegraph.vault.frontmatter", "notegraph.vault.text",
        "notegraph.vault.links", "notegraph.slugs")
