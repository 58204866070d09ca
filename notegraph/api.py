"""The library API: what the CLI calls and what users can import.

Each function takes a validated `Config` (see `notegraph.config.load_config`) and a
`Reporter` for progress; it raises `NotegraphError` subclasses for problems a user can fix.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from notegraph import store
from notegraph.config import Config
from notegraph.errors import InputError, NotegraphError
from notegraph.models import Transcript
from notegraph.report import Reporter, SilentReporter

if TYPE_CHECKING:
    from notegraph.notes.generate import NotesResult
    from notegraph.site.build import BuildResult
    from notegraph.vault.check import CheckReport


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
        force: bool = False, reporter: Reporter | None = None) -> list[IngestResult]:
    """Fetch YouTube transcripts for video IDs or URLs and store them.

    One failing input does not stop the others: each gets its own `IngestResult`.
    Re-adding a stored video is a no-op (and costs no request) unless `force`.
    """
    from notegraph.sources import youtube

    reporter = reporter or SilentReporter()
    langs = list(languages or config.languages)
    results = []
    seen: set[str] = set()
    session = youtube.new_session()  # one connection pool for all videos
    for raw in reporter.progress(inputs, "Fetching transcripts", total=len(inputs)):
        try:
            video_id = youtube.parse_video_id(raw)
            path = store.transcript_path(config.transcripts_path, video_id)
            if video_id in seen:
                result = IngestResult(raw, video_id, "unchanged",
                                      f"{video_id}: listed more than once; fetched once", path)
            elif path.exists() and not force:
                result = IngestResult(raw, video_id, "unchanged",
                                      f"{video_id}: already stored (use --force to re-fetch)",
                                      path)
            else:
                transcript = youtube.fetch_transcript(video_id, langs, session=session,
                                                      reporter=reporter)
                result = _store_transcript(config, transcript, raw, force=True)
            seen.add(video_id)
        except NotegraphError as exc:
            result = IngestResult(raw, None, "failed", str(exc))
        _report(reporter, result)
        results.append(result)
    return results


def import_files(config: Config, paths: list[Path], *, video_id: str | None = None,
                 title: str | None = None, channel: str | None = None,
                 chapters_path: Path | None = None, force: bool = False,
                 reporter: Reporter | None = None) -> list[IngestResult]:
    """Import local transcript files (format detected by content) and store them."""
    from notegraph.sources import read_transcript_file

    reporter = reporter or SilentReporter()
    if video_id and len(paths) > 1:
        raise NotegraphError("--id names one transcript: import one file at a time with it")
    results = []
    started = time.perf_counter()
    for path in reporter.progress(paths, "Importing transcripts", total=len(paths)):
        try:
            transcript = read_transcript_file(path, video_id=video_id, title=title,
                                              channel=channel, chapters_path=chapters_path)
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


# --- Site: build, check, serve (branch site) -------------------------------------------


def build(config: Config, reporter: Reporter | None = None, *, force: bool = False,
          extensions: list | None = None) -> BuildResult:
    """Generate notes for transcripts that have none, then render the vault to `site/`.

    A transcript whose note generation fails is reported (by `generate_notes`) and the
    rest of the vault is still rendered. Incremental and deterministic: see
    `notegraph.site.build`.
    """
    from notegraph.site.build import build_site, is_up_to_date
    from notegraph.site.videos import load_video_infos
    from notegraph.vault.read import load_vault

    reporter = reporter or SilentReporter()
    if not config.content_path.is_dir():
        raise InputError(f"{config.root} has no {config.content_dir}/ folder: run "
                         "`notegraph init` here, or pass --root PROJECT")
    extensions = extensions if extensions is not None else default_extensions()
    started = time.perf_counter()
    # Nothing changed since the last build (which wrote any missing notes): skip the
    # vault scan, so a no-change build stays a few thousand `stat` calls.
    current = not force and is_up_to_date(config, extensions)
    videos, _ = ({}, []) if current else load_video_infos(config.transcripts_path,
                                                          config.cache_path)
    vault = None
    if videos:
        vault = load_vault(config.notes_path, config.cache_path)
        have = {n.video_id for n in vault.notes.values() if n.video_id}
        missing = sorted(v for v in videos if v not in have)
        reporter.debug(f"read: {len(videos)} transcripts, {len(vault.notes)} notes "
                       f"({time.perf_counter() - started:.2f} s)")
        if missing:
            reporter.info(f"writing notes for {len(missing)} transcript(s) without notes")
            t0 = time.perf_counter()
            generate_notes(config, video_ids=missing, reporter=reporter)
            reporter.debug(f"notes: {len(missing)} transcripts ({time.perf_counter() - t0:.2f} s)")
            vault = None  # it lacks the notes just written: let build_site load it afresh
    # Hand over the vault already loaded: loading it is most of a warm build's setup.
    t0 = time.perf_counter()
    result = build_site(config, reporter, extensions=extensions, vault=vault, force=force)
    reporter.debug(f"site: {result.pages} pages, {len(result.written)} files written "
                   f"({time.perf_counter() - t0:.2f} s; whole build "
                   f"{time.perf_counter() - started:.2f} s)")
    return result


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

    vault = load_vault(config.notes_path, config.cache_path)
    videos, broken = load_video_infos(config.transcripts_path, config.cache_path)
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
