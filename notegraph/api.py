"""The library API: what the CLI calls and what users can import.

Each function takes a validated `Config` (see `notegraph.config.load_config`) and a
`Reporter` for progress; it raises `NotegraphError` subclasses for problems a user can fix.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from notegraph import store
from notegraph.config import Config
from notegraph.errors import InputError, NotegraphError
from notegraph.lock import project_lock
from notegraph.models import Transcript
from notegraph.report import Reporter, SilentReporter

if TYPE_CHECKING:
    from notegraph.notes.generate import NotesResult
    from notegraph.site.build import BuildResult
    from notegraph.vault.check import CheckReport
    from notegraph.vault.read import Vault


@dataclass(frozen=True)
class IngestResult:
    """What happened to one input of `add` or `import_files`."""

    input: str
    video_id: str | None
    status: str  # "written", "unchanged" or "failed"
    message: str = ""
    path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _store_transcript(config: Config, transcript: Transcript, input_name: str,
                      force: bool) -> IngestResult:
    path = store.transcript_path(config.transcripts_path, transcript.video_id)
    if path.exists() and not force:
        return IngestResult(input_name, transcript.video_id, "unchanged",
                            f"{transcript.video_id}: already stored (use --force to replace)",
                            path)
    store.save_transcript(config.transcripts_path, transcript)
    return IngestResult(input_name, transcript.video_id, "written",
                        f"{transcript.video_id}: {len(transcript.cues)} cues → {path}", path)


def add(config: Config, inputs: list[str], *, languages: list[str] | None = None,
        force: bool = False, latest: int | None = None, since: date | None = None,
        reporter: Reporter | None = None) -> list[IngestResult]:
    """Fetch YouTube transcripts for video IDs or URLs, or the episodes of podcast feeds.

    A feed URL adds its episodes (the newest `latest`, published on or after `since`):
    each gets its own `IngestResult`. Videos are fetched in parallel, rate-limited, on
    the configured executor. One failing input or episode does not stop the others.
    Re-adding a stored video or episode is a no-op (and costs no request for it) unless
    `force`.
    """
    from notegraph.sources import feeds

    reporter = reporter or SilentReporter()
    seen: set[str] = set()
    results: list[IngestResult] = []
    with project_lock(config.cache_path, reporter):
        for raw in inputs:
            if feeds.is_feed_url(raw):
                results += _add_feed(config, raw, latest=latest, since=since, force=force,
                                     seen=seen, reporter=reporter)
        videos = [raw for raw in inputs if not feeds.is_feed_url(raw)]
        if videos:
            results += _add_videos(config, videos, list(languages or config.languages),
                                   force, seen, reporter)
    return results


def _add_videos(config: Config, inputs: list[str], langs: list[str], force: bool,
                seen: set[str], reporter: Reporter) -> list[IngestResult]:
    """Decide what needs a request (in order), then fetch those in parallel on the
    configured executor; each is stored as it arrives."""
    from notegraph.executors.fetch import fetch_many
    from notegraph.sources import youtube

    planned: list[tuple[str, str, IngestResult | None]] = []
    for raw in inputs:
        try:
            video_id = youtube.parse_video_id(raw)
            path = store.transcript_path(config.transcripts_path, video_id)
        except NotegraphError as exc:
            planned.append((raw, "", IngestResult(raw, None, "failed", str(exc))))
            continue
        if video_id in seen:
            planned.append((raw, video_id, IngestResult(
                raw, video_id, "unchanged", f"{video_id}: listed more than once; fetched once",
                path)))
        elif path.exists() and not force:
            planned.append((raw, video_id, IngestResult(
                raw, video_id, "unchanged",
                f"{video_id}: already stored (use --force to re-fetch)", path)))
        else:
            planned.append((raw, video_id, None))
        seen.add(video_id)
    wanted = {vid: raw for raw, vid, result in planned if result is None}
    arrived: dict[str, IngestResult] = {}
    fetched = fetch_many(config.executor, list(wanted), langs, reporter)
    for vid, outcome in reporter.progress(fetched, "Fetching transcripts", total=len(wanted)):
        try:
            if isinstance(outcome, str):
                raise NotegraphError(outcome)
            arrived[vid] = _store_transcript(config, outcome, wanted[vid], force=True)
        except NotegraphError as exc:
            arrived[vid] = IngestResult(wanted[vid], None, "failed", str(exc))
        _report(reporter, arrived[vid])
    results = []
    for _raw, vid, result in planned:
        if result is None:
            result = arrived[vid]
        else:
            _report(reporter, result)
        results.append(result)
    return results


def _add_feed(config: Config, url: str, *, latest: int | None, since: date | None,
              force: bool, seen: set[str], reporter: Reporter) -> list[IngestResult]:
    """The feed's selected episodes that are not stored yet (see `notegraph.sources.feeds`)."""
    from notegraph.sources import episodes, feeds, http

    session = http.new_session()
    try:
        chosen = feeds.select(feeds.read_feed(session, url).episodes, latest, since)
    except NotegraphError as exc:
        _report(reporter, failed := IngestResult(url, None, "failed", str(exc)))
        return [failed]
    results = []
    for ep in chosen:
        path = store.transcript_path(config.transcripts_path, ep.episode_id)
        if ep.episode_id in seen or (path.exists() and not force):
            results.append(IngestResult(url, ep.episode_id, "unchanged",
                                        f"{ep.episode_id}: already stored", path))
            reporter.debug(f"{ep.episode_id} ({ep.title}): already stored")
            continue
        seen.add(ep.episode_id)
        try:
            transcript = episodes.episode_transcript(session, ep, config.transcribe, reporter)
            result = _store_transcript(config, transcript, url, force=True)
        except NotegraphError as exc:
            result = IngestResult(url, ep.episode_id, "failed",
                                  f"{ep.episode_id} ({ep.title}): {exc}")
        _report(reporter, result)
        results.append(result)
    added = sum(r.status == "written" for r in results)
    reporter.info(f"{url}: {added} new episode(s) of {len(chosen)} selected")
    return results


def import_files(config: Config, paths: list[Path], *, video_id: str | None = None,
                 title: str | None = None, channel: str | None = None,
                 chapters_path: Path | None = None, force: bool = False,
                 reporter: Reporter | None = None) -> list[IngestResult]:
    """Import local transcript files (format detected by content) and store them.

    Audio files (mp3, m4a, wav, ogg…) are transcribed locally (`[transcribe]` config).
    """
    from notegraph.sources import audio, read_chapters_file, read_transcript_file

    reporter = reporter or SilentReporter()
    if video_id and len(paths) > 1:
        raise NotegraphError("--id names one transcript: import one file at a time with it")
    results = []
    started = time.perf_counter()
    with project_lock(config.cache_path, reporter):
        for path in reporter.progress(paths, "Importing transcripts", total=len(paths)):
            try:
                if audio.is_audio_file(path):
                    chapters = read_chapters_file(chapters_path) if chapters_path else ()
                    transcript = audio.read_audio_file(
                        path, config.transcribe, video_id=video_id, title=title, channel=channel,
                        chapters=chapters, reporter=reporter,
                        skip=lambda vid: not force and store.transcript_path(
                            config.transcripts_path, vid).exists())
                    if isinstance(transcript, str):  # stored already: not transcribed again
                        result = IngestResult(str(path), transcript, "unchanged",
                                              f"{transcript}: already stored (use --force to "
                                              "replace)")
                        _report(reporter, result)
                        results.append(result)
                        continue
                else:
                    transcript = read_transcript_file(path, video_id=video_id, title=title,
                                                      channel=channel, chapters_path=chapters_path,
                                                      warn=reporter.warn)
                result = _store_transcript(config, transcript, str(path), force)
            except NotegraphError as exc:
                result = IngestResult(str(path), None, "failed", str(exc))
            _report(reporter, result)
            results.append(result)
        reporter.debug(f"import: {sum(r.ok for r in results)} of {len(results)} files stored "
                       f"({time.perf_counter() - started:.2f} s)")
    return results


def generate_notes(config: Config, video_ids: list[str] | None = None, force: bool = False,
                   reporter: Reporter | None = None) -> NotesResult:
    """Write topic notes (and video/person/concept/channel notes) for stored transcripts.

    Default: every transcript that is new or changed since its notes were generated.
    Hand-edited generated notes are kept unless `force` (which saves a `.bak` first).
    """
    from notegraph.notes.generate import generate_notes as run

    started = time.perf_counter()
    with project_lock(config.cache_path, reporter):
        outcome = run(config, video_ids=video_ids, force=force, reporter=reporter)
    if reporter is not None:
        reporter.debug(f"notes: done ({time.perf_counter() - started:.2f} s)")
    return outcome


def _report(reporter: Reporter, result: IngestResult) -> None:
    if result.status == "failed":
        reporter.error(result.message)
    else:
        reporter.info(result.message)


def evaluate_segments(config: Config, directory: Path, *, methods: list[str] | None = None,
                      speakers: bool = True, reporter: Reporter | None = None) -> list:
    """Score topic segmentation on chaptered episodes in `directory` (chapters hidden).

    Returns `notegraph.topics.evaluate.Score` rows for the segmenter and its baselines; see
    `notegraph.topics.evaluate.format_table` to print them.
    """
    from notegraph.embed.embedder import load_embedder
    from notegraph.topics import evaluate

    embedder = load_embedder(config)
    return evaluate.evaluate_segments(directory, embedder,
                                      methods=methods or list(evaluate.METHODS),
                                      speakers=speakers, reporter=reporter)


def evaluate_notes(config: Config, directories: list[Path], *,
                   reporter: Reporter | None = None, keep: list | None = None) -> list:
    """Write and score the notes of chaptered episodes in `directories` (chapters hidden).

    Returns `notegraph.topics.evaluate_notes.NoteScore` rows, one per episode; see
    `notegraph.topics.evaluate_notes.format_notes_table` to print them with their means. `keep`
    (a list) receives every topic written.
    """
    from notegraph.embed.embedder import load_embedder
    from notegraph.topics.cache import writer_name
    from notegraph.topics.evaluate_notes import evaluate_notes as run
    from notegraph.writers import get_writer

    reporter = reporter or SilentReporter()
    writer = get_writer(writer_name(config), config, reporter)
    return run(directories, load_embedder(config), writer, reporter=reporter, keep=keep)


# --- Site: build, check, serve (branch site) -------------------------------------------


def build(config: Config, reporter: Reporter | None = None, *, force: bool = False,
          extensions: list | None = None) -> BuildResult:
    """Generate notes for transcripts that have none, then render the vault to `site/`.

    A transcript whose note generation fails is reported (by `generate_notes`) and the
    rest of the vault is still rendered. Incremental and deterministic: see
    `notegraph.site.build`. Holds the project's lock (`notegraph.lock`): a second run
    waits for this one.
    """
    reporter = reporter or SilentReporter()
    if not config.content_path.is_dir():
        raise InputError(f"{config.root} has no {config.content_dir}/ folder: run "
                         "`notegraph init` here, or pass --root PROJECT")
    with project_lock(config.cache_path, reporter):
        return _build(config, reporter, force, extensions)


def _build(config: Config, reporter: Reporter, force: bool, extensions: list | None
           ) -> BuildResult:
    from notegraph.site.build import build_site, input_signature, is_up_to_date
    from notegraph.site.videos import load_video_infos
    from notegraph.vault.read import load_vault

    extensions = extensions if extensions is not None else default_extensions()
    started = time.perf_counter()
    # The stat walk of the whole vault, once per build: handed to build_site below.
    signature: str | None = input_signature(config, extensions)
    # Nothing changed since the last build (which wrote any missing notes): skip the
    # vault scan, so a no-change build stays a few thousand `stat` calls.
    current = not force and is_up_to_date(config, extensions, signature)
    videos, _ = ({}, []) if current else load_video_infos(config.transcripts_path,
                                                          config.cache_path, config.root)
    vault = None
    if videos:
        with reporter.stage("reading notes") as step:
            vault = load_vault(config.notes_path, config.cache_path, config.root)
            step.summary = f"{len(vault.notes)} notes, {len(videos)} transcripts"
        have = {n.video_id for n in vault.notes.values() if n.video_id}
        missing = sorted(v for v in videos if v not in have)
        if missing:
            reporter.info(f"writing notes for {len(missing)} transcript(s) without notes")
            t0 = time.perf_counter()
            generate_notes(config, video_ids=missing, reporter=reporter)
            reporter.debug(f"notes: {len(missing)} transcripts ({time.perf_counter() - t0:.2f} s)")
            vault = None  # it lacks the notes just written: let build_site load it afresh
            signature = None  # and the notes folder changed: walk it again
        else:
            _warn_deleted(config, vault, reporter)
    # Hand over what is already loaded: loading the vault is most of a warm build's setup.
    t0 = time.perf_counter()
    result = build_site(config, reporter, extensions=extensions, vault=vault, force=force,
                        signature=signature, videos=None if current else videos)
    reporter.debug(f"site: {result.pages} pages, {len(result.written)} files written "
                   f"({time.perf_counter() - t0:.2f} s; whole build "
                   f"{time.perf_counter() - started:.2f} s)")
    return result


def _warn_deleted(config: Config, vault: Vault, reporter: Reporter) -> None:
    """Generated notes deleted by hand leave links dangling until `notes` runs: say so."""
    from notegraph.notes.generate import deleted_notes

    gone = deleted_notes(config, (u.target for u in vault.unresolved))
    if gone:
        names = ", ".join(f"[[{t}]]" for t in gone[:3]) + (", ..." if len(gone) > 3 else "")
        reporter.warn(f"{len(gone)} generated note(s) were deleted but are still linked "
                      f"({names}); run `notegraph notes` to write them again")


def init(directory: Path) -> list[Path]:
    """Make a new project in `directory`: a commented notegraph.toml, empty content/."""
    from notegraph.project import init_project

    return init_project(directory)


def default_extensions() -> list:
    """The site extensions shipped with notegraph (graph, search, feeds) that are present."""
    try:
        from notegraph.site import plugins as site_extensions
    except ImportError:
        return []
    return list(site_extensions.default_extensions())


def check(config: Config, reporter: Reporter | None = None) -> CheckReport:
    """Report what is wrong in the vault without building anything."""
    from notegraph.site.videos import load_video_infos
    from notegraph.vault.check import check_vault
    from notegraph.vault.read import load_vault

    vault = load_vault(config.notes_path, config.cache_path, config.root)
    videos, broken = load_video_infos(config.transcripts_path, config.cache_path, config.root)
    return check_vault(vault, videos, broken)


def serve(config: Config, reporter: Reporter | None = None, *, host: str = "127.0.0.1",
          port: int = 8000, poll: float = 1.0, stop: threading.Event | None = None,
          max_seconds: float | None = None, extensions: list | None = None) -> None:
    """Build, serve `site/` over HTTP and rebuild when the inputs change (polling mtimes).

    Runs until `stop` is set, `max_seconds` have passed or Ctrl-C.
    """
    from notegraph.site.serve import serve_site

    def rebuild(cfg: Config, rep: Reporter) -> BuildResult:
        return build(cfg, rep, extensions=extensions)

    serve_site(config, reporter or SilentReporter(), host=host, port=port, poll=poll,
               stop=stop, max_seconds=max_seconds, build=rebuild)
