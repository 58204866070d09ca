"""What the site needs from stored transcripts: duration and creator chapters per video.

Transcripts can be large (tens of thousands of cues); their small metadata is cached by
file size and mtime so a rebuild does not parse them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notegraph import cache, store
from notegraph.code_digest import code_digest
from notegraph.errors import ParseError
from notegraph.models import Chapter, Media
from notegraph.site.media import media_of

_CACHE_VERSION = "2"


@dataclass(frozen=True)
class VideoInfo:
    """Metadata of one stored transcript."""

    video_id: str
    title: str
    channel: str
    duration: float
    chapters: tuple[Chapter, ...]
    # Where its timestamps lead (see `notegraph.site.media`).
    media: Media = field(default_factory=lambda: Media("youtube"))
    speakers: frozenset[str] = frozenset()  # its cues' speaker labels (person pages)


def load_video_infos(transcripts_dir: Path, cache_dir: Path | None = None,
                     root: Path | None = None
                     ) -> tuple[dict[str, VideoInfo], list[tuple[str, str]]]:
    """Video ID → info for every readable transcript, and (file, problem) for broken ones
    (a symlink leaving the project `root` is one: see `store.project_files`)."""
    cache_file = cache_dir / "video-infos.pickle" if cache_dir else None
    cached: dict[str, tuple[tuple[int, int], VideoInfo | str]] = (
        cache.read_pickle(cache_file, _cache_version()) or {})
    fresh: dict[str, tuple[tuple[int, int], VideoInfo | str]] = {}
    skipped: list[Path] = []
    for path in store.list_transcripts(transcripts_dir, root, skipped):
        st = path.stat()
        key = (st.st_size, st.st_mtime_ns)
        hit = cached.get(path.name)
        fresh[path.name] = hit if hit is not None and hit[0] == key else (key, _read(path))
    if cache_file is not None and fresh != cached:
        cache.write_pickle(cache_file, _cache_version(), fresh)
    infos: dict[str, VideoInfo] = {}
    problems: list[tuple[str, str]] = []
    for name, (_, value) in sorted(fresh.items()):
        if isinstance(value, VideoInfo):
            infos[value.video_id] = value
        else:
            problems.append((name, value))
    problems += [(p.name, store.outside_link_message(p)) for p in skipped]
    return infos, problems


def _cache_version() -> str:
    return _CACHE_VERSION + "-" + code_digest("notegraph.site.videos")


def _read(path: Path) -> VideoInfo | str:
    """The info of one transcript, read by the one transcript parser (`store`)."""
    try:
        t = store.load_transcript(path)
    except ParseError as exc:
        return str(exc).removeprefix(f"{path}: ")
    return VideoInfo(t.video_id, t.title, t.channel, t.duration,
                     tuple(sorted(t.chapters, key=lambda c: c.start)),
                     media_of(t.video_id, t.media),
                     frozenset(c.speaker for c in t.cues if c.speaker))
