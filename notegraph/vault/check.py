"""`notegraph check`: what is wrong in a vault, without building.

Problems reported: links to notes that do not exist, malformed timestamps, timestamps
past the end of their video (from the stored transcript's duration), notes whose
frontmatter failed to parse, transcripts that cannot be read. For notes written by the
LLM writer it also sums their grounding record (sentences kept, re-cited, dropped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from notegraph.site.videos import VideoInfo
from notegraph.slugs import format_timestamp
from notegraph.topics.grounding import grounding_summary
from notegraph.vault.read import Vault

KINDS = ("unresolved-link", "malformed-timestamp", "timestamp-outside-video", "parse",
         "transcript")


@dataclass(frozen=True)
class Problem:
    """One problem: its kind, the file it is in and what is wrong."""

    kind: str
    where: str  # note path (`folder/note.md`) or transcript file name
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} [{self.kind}]"


@dataclass(frozen=True)
class CheckReport:
    """All problems of a vault, sorted by file then kind."""

    problems: tuple[Problem, ...]
    notes: int
    grounding: str | None = None  # summary of LLM-written notes' grounding, if any

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Problems per kind (kinds with none are left out)."""
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return {k: out[k] for k in KINDS if k in out}


def check_vault(vault: Vault, videos: Mapping[str, VideoInfo],
                broken_transcripts: Sequence[tuple[str, str]] = ()) -> CheckReport:
    """Collect every problem of `vault` (pure: no I/O)."""
    problems: list[Problem] = []
    for note_id, message in vault.problems:
        problems.append(Problem("parse", f"{note_id}.md", message))
    for u in vault.unresolved:
        problems.append(Problem("unresolved-link", f"{u.source}.md",
                                f"[[{u.target}]] matches no note"))
    for note in vault.notes.values():
        info = videos.get(note.video_id or "")
        duration = info.duration if info is not None and info.duration > 0 else None
        for ts in note.timestamps:
            if ts.seconds is None:
                problems.append(Problem("malformed-timestamp", f"{note.id}.md",
                                        f"timestamp {ts.raw!r} is not HH:MM:SS"))
            elif duration is not None and ts.seconds > duration + 1:
                problems.append(Problem(
                    "timestamp-outside-video", f"{note.id}.md",
                    f"timestamp {ts.raw} is past the end of video {note.video_id} "
                    f"({format_timestamp(duration)})"))
        for key in ("start", "end"):
            value = note.number(key)
            if duration is not None and value is not None and value > duration + 1:
                problems.append(Problem(
                    "timestamp-outside-video", f"{note.id}.md",
                    f"{key}: {value:g} s is past the end of video {note.video_id} "
                    f"({format_timestamp(duration)})"))
    for name, message in broken_transcripts:
        problems.append(Problem("transcript", name, message))
    problems.sort(key=lambda p: (p.where, KINDS.index(p.kind), p.message))
    grounding = grounding_summary(n.frontmatter for n in vault.notes.values())
    return CheckReport(tuple(problems), len(vault.notes), grounding)
