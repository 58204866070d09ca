"""The notes run: stored transcripts → topics (cached) → the vault's notes.

Per transcript (expensive, incremental): `notegraph.topics.pipeline.process_transcript`,
cached by `notegraph.topics.cache` under a key of the transcript's content, the
settings that shape it and the pipeline's version; an unchanged transcript is not
processed again.

Over the vault (cheap, every run): all cached topics are composed together
(`notegraph.notes.compose`), so concept names, unique slugs, related notes and
person/concept/channel notes stay consistent as videos are added; the files are written
by `notegraph.notes.files`, which never loses a person's edits.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notegraph import cache, store
from notegraph.config import Config
from notegraph.embed.embedder import Embedder
from notegraph.errors import InputError
from notegraph.executors import Episode, get_executor
from notegraph.models import VideoTopics
from notegraph.notes.compose import compose_vault, with_linked_concepts
from notegraph.notes.files import WriteReport, names_in_use, read_note_files, write_notes
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import WIKILINK_RE, link_key, parse_wikilink
from notegraph.topics.cache import (
    load_cached_video,
    save_video,
    transcript_key,
)

# The stamp notes manifests have carried since notes-7: slugs outlive pipeline versions,
# so that regenerated notes keep their file names.
MANIFEST_VERSION = "notes-7"


@dataclass(frozen=True)
class NotesResult:
    """What `generate_notes` did."""

    processed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    written: tuple[Path, ...] = ()
    kept_edited: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    model_seconds: float = 0.0
    total_seconds: float = 0.0
    transcript_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Processed:
    """What processing the new and changed transcripts gave."""

    videos: dict[str, VideoTopics]
    failed: tuple[tuple[str, str], ...] = ()
    model_seconds: float = 0.0


def generate_notes(config: Config, video_ids: Sequence[str] | None = None, force: bool = False,
                   reporter: Reporter | None = None, embedder: Any = None) -> NotesResult:
    """(Re)generate the notes of stored transcripts (default: every new or changed one).

    `force` re-processes the named (or all) transcripts and overwrites hand-edited
    generated notes after saving a `.bak`. `embedder` defaults to the configured one
    (loaded only if some transcript needs processing).
    """
    reporter = reporter or SilentReporter()
    t0 = time.perf_counter()
    skipped: list[Path] = []
    paths = {p.stem: p for p in store.list_transcripts(config.transcripts_path, config.root,
                                                       skipped)}
    for path in skipped:
        reporter.warn(f"{path}: {store.outside_link_message(path)}")
    targets = list(dict.fromkeys(video_ids)) if video_ids else sorted(paths)
    for vid in targets:
        if vid not in paths:
            raise InputError(f"no stored transcript {vid!r} in {config.transcripts_path}; "
                             "add or import it first (`notegraph add` / `notegraph import`)")
    cached, unchanged, todo = _plan(config, paths, set(targets), force)
    done = _process(config, paths, todo, cached, reporter, embedder)
    report = _write_vault(config, {**cached, **done.videos}, set(paths), force, reporter)
    return NotesResult(
        processed=tuple(done.videos), unchanged=tuple(unchanged), failed=done.failed,
        written=tuple(report.written), kept_edited=tuple(report.kept_edited),
        removed=tuple(report.removed), model_seconds=done.model_seconds,
        total_seconds=time.perf_counter() - t0,
        transcript_seconds=sum(v.duration for v in done.videos.values()))


def _plan(config: Config, paths: dict[str, Path], targets: set[str], force: bool
          ) -> tuple[dict[str, VideoTopics], list[str], list[tuple[str, str]]]:
    """(cached topics to keep, unchanged targets, (video, key) to process)."""
    cached: dict[str, VideoTopics] = {}
    unchanged: list[str] = []
    todo: list[tuple[str, str]] = []
    for vid, path in sorted(paths.items()):
        hit = load_cached_video(config, vid)
        key = transcript_key(config, path) if vid in targets else ""
        if hit and (vid not in targets or (hit[0] == key and not force)):
            cached[vid] = hit[1]
            if vid in targets:
                unchanged.append(vid)
        elif vid in targets:
            todo.append((vid, key))
    return cached, unchanged, todo


def _process(config: Config, paths: dict[str, Path], todo: list[tuple[str, str]],
             cached: dict[str, VideoTopics], reporter: Reporter,
             embedder: Embedder | None) -> _Processed:
    """Topics of each transcript in `todo` on the configured executor (`[executor]`), each
    cached as soon as it arrives; `videos` keeps the order of `todo` whatever order the
    executor finished them in, so the vault does not depend on the executor."""
    if not todo:
        return _Processed({})
    keys = dict(todo)
    vault_people = sorted({p for v in cached.values() for t in v.topics for p in t.people})
    executor = get_executor(config.executor, embedder)
    arrived: dict[str, VideoTopics] = {}
    errors: dict[str, str] = {}
    seconds = 0.0
    try:
        outcomes = executor.map_episodes(config, [Episode(vid, paths[vid]) for vid, _ in todo],
                                         vault_people, reporter)
        for outcome in reporter.progress(outcomes, "Writing notes", total=len(todo)):
            vid, video = outcome.video_id, outcome.video
            seconds += outcome.model_seconds
            if video is None:
                errors[vid] = outcome.error
                reporter.error(outcome.error)
                continue
            save_video(config, keys[vid], video)
            arrived[vid] = video
            n = len(video.topics)
            reporter.info(f"{vid}: {n} topic{'' if n == 1 else 's'}")
    finally:
        executor.close()
    return _Processed({vid: arrived[vid] for vid, _ in todo if vid in arrived},
                      tuple((vid, errors[vid]) for vid, _ in todo if vid in errors), seconds)


def _manifest_path(config: Config) -> Path:
    return config.cache_path / "notes" / "manifest.json"


def deleted_notes(config: Config, link_targets: Iterable[str]) -> list[str]:
    """The link targets (of dangling links) that name a note the last notes run wrote:
    generated notes deleted since, which `notegraph notes` would write again."""
    manifest = cache.read_json(_manifest_path(config), MANIFEST_VERSION) or {}
    slugs = manifest.get("slugs")
    generated = {link_key(str(s)) for s in slugs.values()} if isinstance(slugs, dict) else set()
    return sorted({t for t in link_targets if link_key(t) in generated})


def _write_vault(config: Config, videos: dict[str, VideoTopics], stored: set[str],
                 force: bool, reporter: Reporter) -> WriteReport:
    """Compose every generated note from `videos` and write them into the vault."""
    manifest = cache.read_json(_manifest_path(config), MANIFEST_VERSION) or {}
    previous_slugs = manifest.get("slugs") if isinstance(manifest.get("slugs"), dict) else {}
    files = read_note_files(config.notes_path, config.root)
    existing = names_in_use(files.values(), previous_slugs or {})
    # concepts a person linked in a hand-written note become concepts where the talk
    # says them (the vault's own notes are known evidence, like its people)
    linked = [parse_wikilink(m.group(2)).target for f in files.values() if not f.generated
              for m in WIKILINK_RE.finditer(f.body)]
    notes = compose_vault(with_linked_concepts(list(videos.values()), linked), existing)
    # Stale generated notes go only when we know the whole vault: notes of a video
    # without cached topics (e.g. its processing failed) are left as they are.
    complete = stored <= set(videos)
    removable = {
        p for p, f in files.items()
        if f.generated and (complete or (f.meta or {}).get("videoId") in videos
                            or ((f.meta or {}).get("videoId") not in stored
                            and (f.meta or {}).get("type") in ("topic", "video")))
    }
    report = write_notes(config.notes_path, notes, files, force=force, removable=removable,
                         reporter=reporter)
    cache.write_json(_manifest_path(config), MANIFEST_VERSION,
                     {"slugs": {n.key: n.slug for n in notes}},
                     indent=1)
    reporter.info(f"notes: {len(report.written)} written, {len(report.unchanged)} unchanged, "
                  f"{len(report.kept_edited)} kept (edited by hand), {len(report.removed)} removed")
    return report
