"""Transcript sources: YouTube (`youtube.py`) and local files (one reader per format).

`read_transcript_file` is the single entry point for local files: it detects the
format by content (not only by extension) and returns a normalized `Transcript`.
"""

from __future__ import annotations

from pathlib import Path

from notegraph.models import Transcript


def read_transcript_file(
    path: Path,
    *,
    video_id: str | None = None,
    title: str | None = None,
    channel: str | None = None,
    chapters_path: Path | None = None,
) -> Transcript:
    """Read a local transcript file of any supported format into a `Transcript`.

    Raises `ParseError` (naming the file and the problem) for empty, binary, huge,
    non-UTF-8 or unrecognised files, and `InputError` for an unsafe `video_id`.
    """
    raise NotImplementedError  # implemented by the file-importer work
