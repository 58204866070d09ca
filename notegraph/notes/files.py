"""Writing generated notes without ever losing a person's work.

- Frontmatter a person adds to a generated note (tags, aliases, any key we do not
  write) is carried over when the note is regenerated.
- A hand-written note (no `generator: notegraph` in its frontmatter) is never touched.
- A generated note whose body no longer matches its `fingerprint` was edited by hand:
  it is kept and reported; with `force` it is first copied to `<name>.md.bak`, then
  overwritten.
- A generated note that is no longer generated (e.g. a topic that moved) is removed only
  when unedited.
- Every write is atomic (`store.atomic_write_text`): an interrupted run leaves each file
  either old or new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notegraph import store
from notegraph.errors import NoteError
from notegraph.notes.compose import FOLDERS, GENERATOR, GeneratedNote, body_fingerprint
from notegraph.notes.names import NamesInUse
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import link_key, slugify
from notegraph.vault.frontmatter import split_frontmatter


@dataclass(frozen=True)
class NoteFile:
    """One `.md` file already in the notes folder."""

    path: Path
    meta: dict[str, Any]  # {} without (valid) frontmatter
    body: str

    @property
    def generated(self) -> bool:
        return self.meta.get("generator") == GENERATOR

    @property
    def edited(self) -> bool:
        """True when a generated note's body differs from what was generated."""
        # `body_fingerprint` ignores the blank line between frontmatter and body
        return self.generated and body_fingerprint(self.body) != str(
            self.meta.get("fingerprint"))


def read_note_files(notes_dir: Path, root: Path | None = None) -> dict[Path, NoteFile]:
    """Every markdown file under `notes_dir` as frontmatter and body (unreadable files,
    and symlinks leaving the project `root`, are skipped: `store.project_files`): what
    writing must not lose. The site reads the vault as `Vault`s (`notegraph.vault.read`),
    with links resolved."""
    files: dict[Path, NoteFile] = {}
    for path in store.project_files(notes_dir, ".md", root=root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        meta, body = split_frontmatter(text)  # the vault's rule: CRLF, `...`, a BOM
        files[path.resolve()] = NoteFile(path.resolve(), meta, body)
    return files


def names_in_use(files: Iterable[NoteFile], slugs: dict[str, str]) -> NamesInUse:
    """What generation must respect: hand-written slugs and names, concept names."""
    taken: set[str] = set()
    claimed: set[str] = set()
    concept_names: list[str] = []
    for f in files:
        meta = f.meta or {}
        if f.generated:
            if meta.get("type") == "concept" and isinstance(meta.get("title"), str):
                concept_names.append(meta["title"])
            continue
        taken.add(slugify(f.path.stem))
        claimed.add(link_key(f.path.stem))
        if isinstance(meta.get("title"), str):
            claimed.add(link_key(meta["title"]))
        aliases = meta.get("aliases")
        for alias in aliases if isinstance(aliases, list) else [aliases] if aliases else []:
            claimed.add(link_key(str(alias)))
    return NamesInUse(taken=frozenset(taken), claimed=frozenset(claimed),
                         concept_names=tuple(sorted(concept_names)), slugs=dict(slugs))


@dataclass
class WriteReport:
    """What `write_notes` did, by path."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    backed_up: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def _free_backup(path: Path) -> Path:
    """`name.md.bak`, or `name.md.bak2`, `.bak3`… — never over an earlier backup."""
    backup, n = path.with_name(path.name + ".bak"), 2
    while backup.exists():
        backup, n = path.with_name(f"{path.name}.bak{n}"), n + 1
    return backup


def write_notes(notes_dir: Path, notes: Sequence[GeneratedNote], files: dict[Path, NoteFile],
                *, force: bool = False, removable: set[Path] | None = None,
                reporter: Reporter | None = None) -> WriteReport:
    """Write `notes` under `notes_dir`, keeping hand edits; remove stale generated notes.

    `files` is the notes folder (`read_note_files`). `removable`: stale generated notes that
    may be deleted (default: every generated note not in `notes`).
    """
    reporter = reporter or SilentReporter()
    report = WriteReport()
    wanted: set[Path] = set()
    # Everything is decided first and written in one go (`store.atomic_write_all`): a
    # note that cannot be written leaves the whole vault as it was, never half-written.
    writes: list[tuple[Path, bytes]] = []
    for note in notes:
        path = store.safe_join(notes_dir, FOLDERS[note.kind], f"{note.slug}.md")
        wanted.add(path)
        current = files.get(path)
        # what a person added to the frontmatter (tags, aliases) survives regeneration
        data = note.text(current.meta if current is not None and current.generated
                         else None).encode("utf-8")
        if current is None:
            if path.exists():  # appeared since the scan: treat as someone else's
                reporter.warn(f"{path}: exists and was not generated by notegraph; left alone")
                continue
            writes.append((path, data))
            report.written.append(path)
            continue
        if not current.generated:
            reporter.warn(f"{path}: a hand-written note; left alone")
            continue
        if current.edited:
            if not force:
                reporter.warn(f"{path}: edited by hand since it was generated; kept it "
                              "(run `notegraph notes --force` to regenerate it; a .bak is kept)")
                report.kept_edited.append(path)
                continue
            backup = _free_backup(path)
            writes.append((backup, path.read_bytes()))
            report.backed_up.append(backup)
            reporter.info(f"{path}: edited by hand; saved it as {backup.name} and regenerated it")
        if _holds(path, data):
            report.unchanged.append(path)  # unchanged notes keep their mtime
        else:
            writes.append((path, data))
            report.written.append(path)
    try:
        store.atomic_write_all(writes)
    except OSError as exc:
        raise NoteError(f"{exc.filename or notes_dir}: cannot write notes "
                        f"({exc.strerror or exc}); no note was changed") from exc
    for path, current in files.items():
        if path in wanted or not current.generated:
            continue
        if removable is not None and path not in removable:
            continue
        if current.edited:
            reporter.warn(f"{path}: no longer generated but edited by hand; kept it")
            report.kept_edited.append(path)
            continue
        path.unlink(missing_ok=True)
        report.removed.append(path)
    return report


def _holds(path: Path, data: bytes) -> bool:
    """True when `path` already holds exactly `data`."""
    try:
        return path.read_bytes() == data
    except OSError:  # absent or unreadable: writing it is what reports the problem
        return False
