"""What a file reader returns, before cleanup and metadata turn it into a `Transcript`.

Readers are pure functions `text -> ParsedFile`; they raise `LayoutError` (a plain
ValueError subclass, without the file name) and `read_transcript_file` names the file.
Also here: re-joining word-level output (whisper.cpp, Podcasting 2.0) into cues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notegraph.models import Chapter, Cue


class LayoutError(ValueError):
    """The text is not (valid) in the reader's format; the message says where and why."""


@dataclass(frozen=True)
class ParsedFile:
    """Cues and whatever metadata the file itself carries."""

    format: str  # short name for `Transcript.source`: "webvtt", "srt", "whisper-json"…
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...] = ()
    video_id: str | None = None
    title: str | None = None
    channel: str | None = None
    language: str | None = None
    duration: float | None = None
    is_generated: bool = False
    # True when some cue times were estimated from word positions, not read.
    interpolated: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Word:
    """One word of word-level output; `turn_after` marks a speaker change after it."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    turn_after: bool = False


# A cue of re-joined words ends at a sentence end, a speaker change, a pause this long,
# or this many words, whichever comes first.
_PAUSE_SECONDS = 1.0
_MAX_WORDS = 40


def group_words(words: Sequence[Word]) -> list[Cue]:
    """Re-join word-level output into sentence-sized cues (each word read once)."""
    cues: list[Cue] = []
    buf: list[Word] = []

    def flush() -> None:
        if buf:
            cues.append(Cue(buf[0].start, max(w.end for w in buf),
                            " ".join(w.text for w in buf), buf[0].speaker))
            buf.clear()

    for w in words:
        # A non-speech tag (`[MUSIC]`) is a cue of its own, so that cleanup dropping it
        # does not leave the next sentence starting when the music did.
        tag = w.text.startswith(("[", "(")) and w.text.endswith(("]", ")"))
        if buf and (tag or w.speaker != buf[-1].speaker
                    or w.start - buf[-1].end >= _PAUSE_SECONDS):
            flush()
        buf.append(w)
        if (tag or w.turn_after or w.text.endswith((".", "?", "!"))
                or len(buf) >= _MAX_WORDS):
            flush()
    flush()
    return cues
