"""The vault: every `.md` under `content/notes/`, parsed once into typed `Note`s.

Generated and hand-written notes are read the same way. A note whose frontmatter is
broken still loads (its problem is recorded in `Vault.problems`, reported by
`notegraph check`); nothing in a foreign vault makes loading fail.

`load_vault` also resolves every wikilink (see `notegraph.vault.links`), collects backlinks
with the sentence around each link, and gives every note a URL path made only of slugs,
unique across the vault, so no page can be written outside `site/`.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from notegraph import store
from notegraph.code_digest import code_digest
from notegraph.slugs import WIKILINK_RE, parse_timestamp, parse_wikilink, slugify, unique_slug
from notegraph.vault.links import LinkableNote, LinkIndex

try:  # libyaml is ~10x faster; fall back to the pure-Python loader when it is absent.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

# Top-level URL names the site itself uses; a note or folder slug never takes them.
RESERVED_URLS = frozenset({"assets", "graph", "search", "tags", "all", "previews", "404",
                           "index", "feed", "sitemap", "pagefind"})
# Bump when the parsed shape changes, so an old parse cache is ignored.
PARSER_VERSION = "4"

TIMESTAMP_RE = re.compile(
    r"<a\s+class=\"yt-timestamp\"\s+data-t=\"([^\"<>]*)\"\s*>\s*\[[^\]<>]*\]\s*</a>")
_OPENER_RE = re.compile(r"---[ \t]*(?:\n|\Z)")
_FRONTMATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?",
                             re.DOTALL | re.MULTILINE)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9<])")
_TAG_RE = re.compile(r"<[^>]{0,300}>")
_MD_NOISE_RE = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # links and images: their text
_SPACED_TIMESTAMP_RE = re.compile(r"[ \t]*" + TIMESTAMP_RE.pattern)
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]\s]+\]")
_MARK_RE = re.compile(r"==|~~")  # highlight and strikethrough
# Emphasis marks at word edges only: `snake_case` names keep their underscores.
_EMPHASIS_RE = re.compile(r"(?<![\w*_`])[*_`]{1,3}(?=\S)|(?<=\S)[*_`]{1,3}(?![\w*_`])")
_CALLOUT_MARK_RE = re.compile(r"\[!\w+\][+-]?")
# Obsidian inline tags: `#tag`, `#nested/tag`, `#multi-word_tag`; not `#123` (a number),
# not a URL fragment (`page#x`, `/#x`, `"#x"`), an entity (`&#39;`), `[[#heading]]`, `](#x)`.
INLINE_TAG_RE = re.compile(r"(?<![\w&#/\[(\]`\"'=])#((?:\d*[^\W\d][\w/-]*))")
_HEADING_LINE_RE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$).*$", re.M)
CONTEXT_CHARS = 280
SUMMARY_CHARS = 300


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
        return tuple(n for n in map(_link_name, _str_list(self.frontmatter.get(key))) if n)

    def name(self, key: str) -> str | None:
        """The note name a single-valued frontmatter key holds (`channel`), brackets of a
        `[[wikilink]]` removed like `names`; None when absent or not a scalar."""
        value = self.frontmatter.get(key)
        if value is None or isinstance(value, (list, tuple, dict, bool)):
            return None
        return _link_name(str(value)) or None


@dataclass(frozen=True)
class Backlink:
    """A link from `source` (note id) to some note, with the sentence around it."""

    source: str
    context: str
    label: str


@dataclass(frozen=True)
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


def load_vault(notes_dir: Path, cache_dir: Path | None = None) -> Vault:
    """Parse every `.md` under `notes_dir` and resolve its links.

    With `cache_dir`, parsed notes are kept in a cache keyed by path, size and mtime, so
    an unchanged vault is not parsed again. A missing `notes_dir` is an empty vault.
    """
    notes_dir = Path(notes_dir)
    files = list_markdown(notes_dir)
    cache_file = cache_dir / "vault-parse.pickle" if cache_dir else None
    cached = _read_cache(cache_file)
    fresh: dict[str, tuple[tuple[int, int], Note]] = {}
    notes: list[Note] = []
    for rel, stat_key in files:
        hit = cached.get(rel)
        if hit is not None and hit[0] == stat_key:
            note = hit[1]
        else:
            note = parse_note(rel, (notes_dir / rel).read_bytes())
        fresh[rel] = (stat_key, note)
        notes.append(note)
    if cache_file is not None and fresh != cached:
        _write_cache(cache_file, fresh)
    return build_vault(notes_dir, notes)


def build_vault(root: Path, notes: Iterable[Note]) -> Vault:
    """Resolve links between already-parsed notes (pure; `load_vault` does the I/O)."""
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
    problems = tuple((n.id, p) for n in by_id.values() for p in n.problems)
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
        timestamps=tuple(timestamps), aliases=_str_list(frontmatter.get("aliases")),
        tags=_merge_tags([t.lstrip("#") for t in _str_list(frontmatter.get("tags"))
                          if t.lstrip("#")], inline_tags(body)),
        problems=tuple(problems), digest=store.content_hash(data),
        summary=_summary(body, SUMMARY_CHARS))


def inline_tags(body: str) -> list[str]:
    """Obsidian `#tags` written in a note body, in order (not in code, headings or URLs)."""
    if "#" not in body:
        return []
    # not in code, headings or HTML tags (`<a href="#fn:1">`)
    skip = _code_ranges(body) + [(m.start(), m.end()) for m in _HEADING_LINE_RE.finditer(body)]
    if "<" in body:
        skip += [(m.start(), m.end()) for m in _TAG_RE.finditer(body)]
    out = []
    for m in INLINE_TAG_RE.finditer(body):
        if skip and any(a <= m.start() < b for a, b in skip):
            continue
        tag = m.group(1).rstrip("/-")
        if tag:
            out.append(tag)
    return out


def _merge_tags(*groups: list[str]) -> tuple[str, ...]:
    """Tags in order of first appearance, without repeats (case-insensitive)."""
    seen: set[str] = set()
    out = []
    for tag in (t for g in groups for t in g):
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return tuple(out)


def split_frontmatter(text: str, problems: list[str] | None = None
                      ) -> tuple[dict[str, Any], str]:
    """(frontmatter, body) of a note's text: the one frontmatter rule of notegraph.

    Frontmatter opens with `---` on the first line and closes with `---` or `...` on a
    line of its own (the file may end right there). A BOM and CRLF line endings (an
    editor on Windows) are accepted; the body comes back with LF endings, the blank
    line after the closing `---` included. Without frontmatter it is `{}` and the body is
    the whole text; when the block is unclosed, not YAML or not a mapping it is also `{}`
    and what is wrong is appended to `problems`.
    """
    problems = [] if problems is None else problems
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not _OPENER_RE.match(text):  # `----` or `--- text` is a rule or text, as in Obsidian
        return {}, text
    m = _FRONTMATTER_RE.match(text)
    if not m:
        problems.append("frontmatter starts with '---' but is never closed; shown as text")
        return {}, text
    body = text[m.end():]
    try:
        data = yaml.load(m.group(1), Loader=_YamlLoader) if m.group(1).strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problems.append(f"frontmatter is not valid YAML{where}; it was ignored")
        return {}, body
    if not isinstance(data, dict):
        problems.append("frontmatter is not a mapping of keys to values; it was ignored")
        return {}, body
    return {str(k): v for k, v in data.items()}, body


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*,\s*", value) if v]
    if not isinstance(value, (list, tuple)):
        value = [value]
    # unquoted `people: [[Maya Okafor]]` is YAML for a list in a list: read it as meant
    value = [x for v in value for x in (v if isinstance(v, (list, tuple)) else [v])]
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def _link_name(name: str) -> str:
    """`[[Maya Okafor]]`, `[[maya_okafor|Maya]]` → the link's target; other names as is."""
    m = WIKILINK_RE.fullmatch(name.strip())
    return parse_wikilink(m.group(2)).target if m else name.strip()


def _links(body: str) -> list[Link]:
    """Every wikilink in `body` (outside code), with its sentence as plain text."""
    out = []
    code_spans = _code_ranges(body)
    for m in WIKILINK_RE.finditer(body):
        if code_spans and any(a <= m.start() < b for a, b in code_spans):
            continue
        wl = parse_wikilink(m.group(2))
        out.append(Link(wl.target, wl.heading, wl.label, bool(m.group(1)),
                        _context(body, m.start(), m.end())))
    return out


_CODE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`", re.DOTALL | re.MULTILINE)


def _code_ranges(body: str) -> list[tuple[int, int]]:
    if "`" not in body and "~~~" not in body:
        return []
    return [(m.start(), m.end()) for m in _CODE_RE.finditer(body)]


def _context(body: str, start: int, end: int) -> str:
    """The sentence of `body` around [start, end), as plain text of bounded length.

    Hard-wrapped markdown puts one sentence on several lines, so the sentence is looked
    for in the link's whole paragraph (or list item), not just its line.
    """
    para_start, para_end = _paragraph_bounds(body, start, end)
    # Line breaks and their quote markers become spaces of the same length, so the
    # link's offsets still hold and a sentence can run across lines.
    para = _LINE_JOIN_RE.sub(lambda m: " " * len(m.group(0)), body[para_start:para_end])
    s, e = start - para_start, end - para_start
    sent_start, sent_end = 0, len(para)
    for m in _SENTENCE_SPLIT_RE.finditer(para):
        if m.end() <= s:
            sent_start = m.end()
        elif m.start() >= e:
            sent_end = m.start()
            break
    return _plain_context(para[sent_start:sent_end])


# A line that is a block of its own (heading, fence, table row, rule, callout title):
# a paragraph never runs across it.
_OWN_BLOCK_RE = re.compile(r"^\s*(?:#{1,6}(?:\s|$)|```|~~~|\||(?:[-*_]\s*){3,}$|>\s*\[!)")
# A line that starts a new block (a list item): a paragraph may start there, not cross it.
_ITEM_START_RE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s")
_LINE_JOIN_RE = re.compile(r"\n[ \t]*(?:>[ \t]?)*")


def _paragraph_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the paragraph (or list item) of `body` that holds [start, end)."""
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end < 0 else line_end
    line = body[line_start:line_end]
    if _OWN_BLOCK_RE.match(line):
        return line_start, line_end
    first = line_start
    if not _ITEM_START_RE.match(line):
        while first > 0:
            prev_start = body.rfind("\n", 0, first - 1) + 1
            prev = body[prev_start:first - 1]
            if not prev.strip() or _OWN_BLOCK_RE.match(prev):
                break
            first = prev_start
            if _ITEM_START_RE.match(prev):
                break
    last = line_end
    while last < len(body):
        next_end = body.find("\n", last + 1)
        next_end = len(body) if next_end < 0 else next_end
        nxt = body[last + 1:next_end]
        if not nxt.strip() or _OWN_BLOCK_RE.match(nxt) or _ITEM_START_RE.match(nxt):
            break
        last = next_end
    return first, last


@functools.lru_cache(maxsize=4096)
def _plain_context(sentence: str) -> str:
    # Several links often share a sentence: clean it once.
    return plain_text(sentence, CONTEXT_CHARS)


def plain_text(markdown_text: str, limit: int = 0) -> str:
    """Markdown → readable plain text: wikilinks become their labels, tags and marks go."""
    # Each substitution only runs when its trigger is present: this is called per link.
    text = markdown_text
    if "[[" in text:
        text = WIKILINK_RE.sub(lambda m: parse_wikilink(m.group(2)).text, text)
    if "<" in text:
        # a timestamp's "[00:12:34]" means nothing away from its player
        text = _TAG_RE.sub("", _SPACED_TIMESTAMP_RE.sub("", text))
    text = _MD_NOISE_RE.sub("", text)
    if "](" in text:
        text = _MD_LINK_RE.sub(r"\1", text)
    if "[^" in text:
        text = _FOOTNOTE_REF_RE.sub("", text)
    if "==" in text or "~~" in text:
        text = _MARK_RE.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS_RE.sub("", text)
    if "[!" in text:
        text = _CALLOUT_MARK_RE.sub("", text)
    text = " ".join(text.split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def summary(note: Note, limit: int = SUMMARY_CHARS) -> str:
    """The first paragraph of prose of `note` as plain text, at most `limit` characters.

    `note.summary` holds it at the default length, computed once when the note is parsed.
    """
    return note.summary if limit == SUMMARY_CHARS else _summary(note.body, limit)


def _summary(body: str, limit: int) -> str:
    """The first paragraph of prose of a note body as plain text (for previews and lists)."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if not stripped or stripped.startswith(("#", ">", "|", "```", "~~~", "- [[", "From:")):
            continue
        text = plain_text(stripped, limit)
        if len(text) > 30:
            return text
    return ""


def _dedupe_backlinks(items: list[Backlink]) -> list[Backlink]:
    seen: set[tuple[str, str]] = set()
    out = []
    for b in sorted(items, key=lambda b: b.source):
        if (b.source, b.context) not in seen:
            seen.add((b.source, b.context))
            out.append(b)
    return out


def list_markdown(notes_dir: Path) -> list[tuple[str, tuple[int, int]]]:
    """(vault-relative path, (size, mtime_ns)) of every `.md`, hidden folders skipped."""
    out = []
    if not notes_dir.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(notes_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.lower().endswith(".md") and not name.startswith("."):
                full = os.path.join(dirpath, name)
                st = os.stat(full)
                rel = os.path.relpath(full, notes_dir).replace(os.sep, "/")
                out.append((rel, (st.st_size, st.st_mtime_ns)))
    out.sort()
    return out


def _read_cache(path: Path | None) -> dict[str, tuple[tuple[int, int], Note]]:
    """The parse cache, or {} when absent, stale or corrupt (a cache never breaks a build)."""
    if path is None or not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            version, data = pickle.load(fh)
        return data if version == _parser_version() else {}
    except Exception:  # corrupt or from an incompatible version: start again
        return {}


def _parser_version() -> str:
    """What the parse cache is valid for: the version and the parsing code itself."""
    return PARSER_VERSION + "-" + code_digest("notegraph.vault.read", "notegraph.vault.links",
                                              "notegraph.slugs")


def _write_cache(path: Path, data: dict[str, tuple[tuple[int, int], Note]]) -> None:
    store.atomic_write_bytes(path, pickle.dumps((_parser_version(), data),
                                                protocol=pickle.HIGHEST_PROTOCOL))
