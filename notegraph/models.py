"""The plain data that flows between stages: Transcript → Sentences → Segments → Topics.

All times are seconds (floats). Objects are frozen: a stage returns new objects
instead of editing the ones it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The title of a topic that is a show's opening (its intro and sponsor reads): the notes
# writer names it so, and the related-notes engine never recommends it.
INTRODUCTION = "Introduction"


@dataclass(frozen=True)
class Cue:
    """One timed piece of transcript text, as the source gave it (after cleanup)."""

    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Chapter:
    """A creator's chapter: where it starts and what it is called."""

    start: float
    title: str


@dataclass(frozen=True)
class Media:
    """Where a transcript's talk can be heard or watched (absent: a YouTube video by ID).

    `kind` is "youtube", "audio" or "none" (a local file with no public URL); `url` is the
    audio enclosure the site's player plays. The rest is what a feed says of the episode.
    """

    kind: str
    url: str = ""
    mime: str = ""
    page: str = ""  # the episode's web page (the feed item's link)
    image: str = ""
    published: str = ""  # ISO date, YYYY-MM-DD

    def to_dict(self) -> dict[str, str]:
        """Only the fields that are set, so stored transcripts stay small."""
        return {k: v for k, v in self.__dict__.items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Media:
        """Inverse of `to_dict`; unknown keys are ignored (newer files stay readable)."""
        return cls(**{k: str(data.get(k) or "") for k in
                      ("kind", "url", "mime", "page", "image", "published")})


@dataclass(frozen=True)
class Transcript:
    """One normalized transcript: the contract between ingestion and the later stages.

    Stored as `content/transcripts/<video_id>.json` (see `to_dict`).
    """

    video_id: str
    title: str
    channel: str
    language: str
    source: str
    is_generated: bool
    duration: float
    chapters: tuple[Chapter, ...] = ()
    cues: tuple[Cue, ...] = ()
    # None for transcripts stored before media was recorded: YouTube by ID (see
    # `notegraph.site.media`). Stored only when set, so older files are unchanged.
    media: Media | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented in the README ("Normalized transcript")."""
        media = {"media": self.media.to_dict()} if self.media is not None else {}
        return {
            "video_id": self.video_id,
            "title": self.title,
            "channel": self.channel,
            "language": self.language,
            "source": self.source,
            "is_generated": self.is_generated,
            "duration": _num(self.duration),
            **media,
            "chapters": [{"start": _num(c.start), "title": c.title} for c in self.chapters],
            "cues": [
                {"start": _num(c.start), "end": _num(c.end), "text": c.text, "speaker": c.speaker}
                for c in self.cues
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        """Inverse of `to_dict`; raises KeyError/TypeError/ValueError on a bad shape."""
        return cls(
            video_id=str(data["video_id"]),
            title=str(data.get("title") or ""),
            channel=str(data.get("channel") or ""),
            language=str(data.get("language") or ""),
            source=str(data.get("source") or ""),
            is_generated=bool(data.get("is_generated", False)),
            duration=float(data.get("duration") or 0.0),
            chapters=tuple(
                Chapter(float(c["start"]), str(c["title"])) for c in data.get("chapters") or ()
            ),
            cues=tuple(
                Cue(float(c["start"]), float(c["end"]), str(c["text"]), c.get("speaker"))
                for c in data.get("cues") or ()
            ),
            media=Media.from_dict(data["media"]) if isinstance(data.get("media"), dict)
            else None,
        )


def _num(x: float) -> float | int:
    """Seconds rounded to milliseconds; whole numbers stay ints for tidy JSON."""
    r = round(float(x), 3)
    return int(r) if r == int(r) else r


@dataclass(frozen=True)
class Sentence:
    """Cues re-joined into one sentence; `start` is when its first word is said."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    # auto-captions: the break model's log-odds that these words are exactly one sentence
    # (both cuts right, no sentence end inside); None where punctuation made the cuts
    boundary: float | None = None


@dataclass(frozen=True)
class Segment:
    """A contiguous topic of one transcript, by time."""

    video_id: str
    start: float
    end: float
    sentences: tuple[Sentence, ...]
    chapter_title: str | None = None


@dataclass(frozen=True)
class KeyPoint:
    """One claim of a note and the moment it was said (start of its first sentence)."""

    text: str
    start: float
    speaker: str | None = None


@dataclass(frozen=True)
class Section:
    """A `##` section of a topic note."""

    heading: str
    points: tuple[KeyPoint, ...]


@dataclass(frozen=True)
class GroundingReport:
    """How many claims were kept as cited, re-cited, or dropped."""

    kept: int = 0
    recited: int = 0
    dropped: int = 0

    def to_dict(self) -> dict[str, int]:
        """The frontmatter shape: `grounding: {kept, recited, dropped}`."""
        return {"kept": self.kept, "recited": self.recited, "dropped": self.dropped}

    def __add__(self, other: GroundingReport) -> GroundingReport:
        return GroundingReport(self.kept + other.kept, self.recited + other.recited,
                               self.dropped + other.dropped)


@dataclass(frozen=True)
class Topic:
    """A segment made readable: title, lead, sections, people and concepts."""

    segment: Segment
    title: str
    lead: str
    sections: tuple[Section, ...]
    concepts: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    # who wrote it: "extractive", "llm" or a plug-in's name (an LLM's topic is prose)
    writer: str = ""
    # an LLM-written topic: its sentences kept, re-cited and dropped by the grounding check
    grounding: GroundingReport | None = None
    # why the LLM writer kept the extractive topic instead ("" when it did not)
    fallback: str = ""
    # written by a fallback: the next `notes` run processes the transcript again
    provisional: bool = False
    # the lead as sentences said in the topic, each with its time (the extractive
    # writer's); when empty, `lead` is the lead's prose
    lead_points: tuple[KeyPoint, ...] = ()
    # the writer's runners-up for the title, best first: a second topic of the video on
    # the same subject becomes "<title> and <option>" (not stored: titles are final then)
    title_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class VideoTopics:
    """One video's metadata and topics, with a unit vector per topic (for related notes)."""

    video_id: str
    title: str
    channel: str
    duration: float
    source: str
    topics: tuple[Topic, ...]
    vectors: tuple[tuple[float, ...], ...] = ()
    speakers: tuple[str, ...] = ()
    # A podcast episode's audio (http(s) URL from its feed); "" for videos and local files.
    audio_url: str = ""
