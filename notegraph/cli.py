"""The `notegraph` command: a thin shell over `notegraph.api`.

It parses arguments, builds the Config and Reporter, calls the API and maps
`NotegraphError` to a one-line message and a non-zero exit code.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from notegraph import __version__, api
from notegraph.config import EXECUTORS, Config, ExecutorConfig, load_config
from notegraph.errors import NotegraphError, describe_environment_fault
from notegraph.report import NORMAL, QUIET, VERBOSE, Reporter


class Context:
    """What every command gets: the project's config and a reporter."""

    def __init__(self, root: Path, level: int) -> None:
        self.root = root
        self.reporter = Reporter(level)
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.root)
        return self._config


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a NotegraphError (or an environment fault) into one red line on stderr and
    its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NotegraphError as exc:
            Reporter(QUIET).error(str(exc))
            sys.exit(exc.exit_code)
        except (OSError, sqlite3.Error) as exc:
            # a fault of the machine (full disk, read-only folder): one line naming the
            # path; every write is atomic, so nothing is half-written
            Reporter(QUIET).error(describe_environment_fault(exc))
            sys.exit(1)
        except KeyboardInterrupt:
            Reporter(QUIET).error("interrupted; files already written are complete")
            sys.exit(130)

    return wrapper


pass_ctx = click.make_pass_decorator(Context)


def executor_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--executor, --address and --workers (over the `[executor]` table)."""
    func = click.option("--workers", type=click.IntRange(0, 4096),
                        help="Ray workers (default: [executor] workers, 0 = one per CPU)."
                        )(func)
    func = click.option("--address",
                        help="The Ray cluster: auto, HOST:PORT or ray://HOST:10001 "
                             "(default: [executor] address, else a local Ray instance)."
                        )(func)
    return click.option("--executor", type=click.Choice(EXECUTORS),
                        help="Where the work runs: local (default, this process) or ray "
                             "(a Ray cluster; pip install 'notegraph[ray]')."
                        )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"],
                                "max_content_width": 100},
             epilog="""\b
Quick start:
  notegraph init my-notes && cd my-notes
  notegraph import talk.vtt --title "My talk"   # or: notegraph add VIDEO_ID
  notegraph build && notegraph serve            # http://127.0.0.1:8000/

Run `notegraph COMMAND --help` for a command's options and examples.""")
@click.version_option(__version__, prog_name="notegraph")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project directory (holds notegraph.toml, content/).")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print details of the work.")
@click.pass_context
def cli(ctx: click.Context, root: Path, quiet: bool, verbose: bool) -> None:
    """Turn long-form talk into a grounded, wiki-linked knowledge graph."""
    level = QUIET if quiet else VERBOSE if verbose else NORMAL
    ctx.obj = Context(root.resolve(), level)


def _exit_for(results: list[api.IngestResult], reporter: Reporter) -> None:
    failed = [r for r in results if not r.ok]
    if failed:
        if len(results) > 1:
            reporter.error(f"{len(failed)} of {len(results)} inputs failed")
        sys.exit(1)


@cli.command("add", short_help="Fetch YouTube transcripts or podcast feeds, write notes.",
             epilog="""\b
Examples:
  notegraph add dQw4w9WgXcQ
  notegraph add "https://www.youtube.com/watch?v=dQw4w9WgXcQ" --lang de,en
  notegraph add https://example.com/podcast.rss --latest 5""")
@click.argument("videos", nargs=-1, required=True, metavar="VIDEO_ID|URL|FEED_URL...")
@click.option("--lang", "languages", multiple=True,
              help="Preferred transcript language(s), best first (repeat or comma-separate).")
@click.option("--latest", type=click.IntRange(1), default=None,
              help="Feeds: only the N newest episodes.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Feeds: only episodes published on or after this date (YYYY-MM-DD).")
@click.option("--force", is_flag=True, help="Fetch again even if the video is stored.")
@click.option("--no-notes", is_flag=True, help="Only store the transcripts; write no notes.")
@executor_options
@pass_ctx
@handle_errors
def add_cmd(obj: Context, videos: tuple[str, ...], languages: tuple[str, ...],
            latest: int | None, since: Any, force: bool, no_notes: bool,
            executor: str | None, address: str | None, workers: int | None) -> None:
    """Fetch YouTube transcripts, or a podcast feed's episodes, into content/transcripts/.

    A feed (RSS or Atom URL) adds its episodes that are not stored yet, with their
    Podcasting 2.0 transcripts; an episode without one is transcribed locally (Whisper).
    Many videos are fetched at once (rate-limited), on the executor of the notes.
    """
    obj._config = with_executor(obj.config, executor, address, workers)
    langs = [x.strip() for value in languages for x in value.split(",") if x.strip()]
    results = api.add(obj.config, list(videos), languages=langs or None, force=force,
                      latest=latest, since=since.date() if since else None,
                      reporter=obj.reporter)
    _notes_for(obj, results, no_notes)
    _exit_for(results, obj.reporter)


@cli.command("import", short_help="Import local transcript or audio files and write their notes.",
             epilog="""\b
Examples:
  notegraph import episode12.vtt --title "Episode 12" --channel "My Podcast"
  notegraph import talks/*.srt --no-notes""")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--id", "video_id",
              help="Transcript ID (default: the file's own, else a short one from its title).")
@click.option("--title", help="Title of the episode or video (default: the file's own).")
@click.option("--channel", help="Channel, show or speaker series it belongs to.")
@click.option("--chapters", "chapters_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Side file with chapter lines ('0:00 Intro').")
@click.option("--force", is_flag=True, help="Replace a stored transcript of the same ID.")
@click.option("--no-notes", is_flag=True, help="Only store the transcripts; write no notes.")
@pass_ctx
@handle_errors
def import_cmd(obj: Context, files: tuple[Path, ...], video_id: str | None, title: str | None,
               channel: str | None, chapters_path: Path | None, force: bool,
               no_notes: bool) -> None:
    """Import local transcripts (WebVTT, SRT, JSON, Whisper, text) into content/transcripts/.

    Audio files (mp3, m4a, wav, ogg…) are transcribed locally with Whisper.
    """
    results = api.import_files(obj.config, list(files), video_id=video_id, title=title,
                               channel=channel, chapters_path=chapters_path, force=force,
                               reporter=obj.reporter)
    _notes_for(obj, results, no_notes)
    _exit_for(results, obj.reporter)


@cli.command("build", short_help="Write missing notes, then render the site to site/.",
             epilog="""\b
Examples:
  notegraph build            # writes site/
  notegraph -v build         # each stage with counts and times""")
@click.option("--force", is_flag=True, help="Rewrite every page even if it is up to date.")
@click.option("--jobs", "-j", type=click.IntRange(0, 64), default=None,
              help="Processes rendering pages (default: the 'jobs' setting; 0 = one per core).")
@pass_ctx
@handle_errors
def build_cmd(obj: Context, force: bool, jobs: int | None) -> None:
    """Write notes for new transcripts, then render content/notes/ to the site/ folder."""
    config = obj.config if jobs is None else dataclasses.replace(obj.config, jobs=jobs)
    api.build(config, obj.reporter, force=force)


@cli.command("init", short_help="Make a new project: notegraph.toml and content/.")
@click.argument("directory", type=click.Path(path_type=Path), default=".", required=False)
@handle_errors
def init_cmd(directory: Path) -> None:
    """Make a new project in DIRECTORY (default: here): notegraph.toml and content/.

    \b
    Example:
      notegraph init my-notes && cd my-notes
    """
    created = api.init(directory)
    for path in created:
        click.echo(f"created {path}")
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"next: {where}notegraph import FILE (or notegraph add VIDEO_ID), "
               "then notegraph build && notegraph serve")


@cli.command("check", short_help="List broken links, bad timestamps, unparsable notes.",
             epilog="""\b
Example:
  notegraph check --exit-zero   # report only (CI that must not fail)""")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when problems are found (report only).")
@pass_ctx
@handle_errors
def check_cmd(obj: Context, exit_zero: bool) -> None:
    """List broken links, bad timestamps and unparsable notes; exit 1 if any."""
    report = api.check(obj.config, obj.reporter)
    for problem in report.problems:
        click.echo(str(problem))
    if report.grounding:
        click.echo(report.grounding)
    if report.ok:
        obj.reporter.info(f"{report.notes} notes checked: no problems")
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items())
    n = len(report.problems)
    obj.reporter.warn(f"{report.notes} notes checked: {n} problem{'s' if n != 1 else ''} "
                      f"({counts})")
    if not exit_zero:
        sys.exit(1)


@cli.command("serve", short_help="Build, serve on localhost, rebuild and reload on change.",
             epilog="""\b
Example:
  notegraph serve --port 8080   # http://127.0.0.1:8080/ reloads after each rebuild""")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="Seconds between checks for changed notes.")
@pass_ctx
@handle_errors
def serve_cmd(obj: Context, host: str, port: int, poll: float) -> None:
    """Build, serve site/ on localhost and rebuild when notes or templates change."""
    api.serve(obj.config, obj.reporter, host=host, port=port, poll=poll)


def _notes_for(obj: Context, results: list[api.IngestResult], no_notes: bool) -> None:
    """Notes for what `add`/`import` just stored (unchanged transcripts cost nothing)."""
    ids = [r.video_id for r in results if r.ok and r.video_id]
    if ids and not no_notes:
        outcome = api.generate_notes(obj.config, ids, reporter=obj.reporter)
        if not outcome.ok:
            sys.exit(1)


def _writer(name: str | None) -> str | None:
    """`--writer NAME`: a registered writer (built-in or installed plug-in)."""
    from notegraph.writers import available_writers

    known = available_writers()
    if name is not None and name not in known:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(map(repr, known))}.")
    return name


@cli.command("notes",
             epilog="""\b
Examples:
  notegraph notes                  # transcripts new or changed since their notes
  notegraph notes VIDEO_ID --force""")
@click.argument("video_ids", nargs=-1, metavar="[VIDEO_ID]...")
@click.option("--force", is_flag=True,
              help="Redo the transcripts even if unchanged, and overwrite notes edited by "
                   "hand (each is saved as NAME.md.bak first).")
@click.option("--writer", metavar="NAME", callback=lambda ctx, param, value: _writer(value),
              help="Who writes the notes: extractive (default, offline), llm (an "
                   "OpenAI-compatible server set up in the [llm] table of notegraph.toml) "
                   "or an installed plug-in writer.")
@executor_options
@pass_ctx
@handle_errors
def notes_cmd(obj: Context, video_ids: tuple[str, ...], force: bool,
              writer: str | None, executor: str | None, address: str | None,
              workers: int | None) -> None:
    """Write topic notes into content/notes/ for stored transcripts.

    Without VIDEO_IDs: every transcript that is new or changed since its notes were
    written. Notes you edited by hand are kept (and reported) unless --force.
    """
    config = dataclasses.replace(obj.config, writer=writer) if writer else obj.config
    config = with_executor(config, executor, address, workers)
    outcome = api.generate_notes(config, list(video_ids) or None, force=force,
                                 reporter=obj.reporter)
    if not outcome.ok:
        sys.exit(1)


def with_executor(config: Config, kind: str | None, address: str | None,
                  workers: int | None) -> Config:
    """`config` with the command line's executor flags over its `[executor]` table
    (an --address alone means the ray executor)."""
    old = config.executor
    if kind is None and address is None and workers is None:
        return config
    settings = ExecutorConfig(kind=kind or ("ray" if address else old.kind),
                              address=old.address if address is None else address.strip(),
                              workers=old.workers if workers is None else workers)
    return dataclasses.replace(config, executor=settings)


@cli.group("eval")
def eval_group() -> None:
    """Measure notegraph's stages against references."""


@eval_group.command("segments")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--method", "methods", multiple=True,
              help="Only these methods (notegraph, equal, texttiling); repeatable.")
@click.option("--no-speakers", is_flag=True,
              help="Ignore the episodes' speaker turns (like raw auto-captions).")
@pass_ctx
@handle_errors
def eval_segments_cmd(obj: Context, directory: Path, methods: tuple[str, ...],
                      no_speakers: bool) -> None:
    """Score topic segmentation (boundary F1 ±30 s, Pk on a 10 s grid) on DIRECTORY's
    chaptered episode JSON files, with their chapters hidden from the segmenter."""
    from notegraph.topics.evaluate import format_table

    scores = api.evaluate_segments(obj.config, directory, methods=list(methods) or None,
                                   speakers=not no_speakers, reporter=obj.reporter)
    click.echo(format_table(scores))


@eval_group.command("notes")
@click.argument("directories", nargs=-1, required=True,
                type=click.Path(path_type=Path, file_okay=False))
@click.option("--sample", type=click.IntRange(min=0), default=0,
              help="Also print this many key points drawn at random, to read.")
@click.option("--seed", type=int, default=0, help="Seed of --sample's draw.")
@pass_ctx
@handle_errors
def eval_notes_cmd(obj: Context, directories: tuple[Path, ...], sample: int,
                   seed: int) -> None:
    """Write notes for DIRECTORIES' chaptered episodes with their chapters hidden and
    score them: titles against the chapters, key points, headings, concepts, boundaries
    and grounding, per episode and as the mean."""
    from notegraph.topics.evaluate_notes import format_notes_table, sample_points

    topics: list = []
    scores = api.evaluate_notes(obj.config, list(directories), reporter=obj.reporter,
                                keep=topics)
    click.echo(format_notes_table(scores))
    if sample:
        click.echo("\n" + sample_points(topics, sample, seed))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="notegraph")
