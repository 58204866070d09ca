"""The topic cache: one file per transcript, `<cache>/notes/topics/<video_id>.json`.

It holds the transcript's topics and topic vectors under a key made of the
transcript's bytes, the settings that shape its topics and the pipeline's version; an
unchanged transcript is not processed again. Read and written through
`notegraph.cache` (absent, corrupt or stale = not cached).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from notegraph import cache, store
from notegraph.config import Config
from notegraph.models import (
    GroundingReport,
    KeyPoint,
    Section,
    Segment,
    Sentence,
    Topic,
    VideoTopics,
)
from notegraph.writers import DEFAULT_WRITER

# Bump when a change to sentences, segmentation or writing should redo every transcript.
PIPELINE_VERSION = "notes-28"
CACHE_VERSION = "topics-2"


def writer_name(config: Config) -> str:
    """The configured writer (`writer` in notegraph.toml; empty means the default)."""
    return config.writer or DEFAULT_WRITER


def transcript_key(config: Config, path: Path) -> str:
    """Cache key of one transcript's topics: its bytes, the model, the writer, the code."""
    # The LLM writer's settings shape its notes too (its replies are cached separately).
    llm = config.llm
    llm_key = (f"{llm.base_url}|{llm.model}|{llm.temperature}"
               if writer_name(config) == "llm" else "")
    return store.content_hash(path.read_bytes(), config.model or "default",
                              writer_name(config), llm_key, PIPELINE_VERSION)


def _path(config: Config, video_id: str) -> Path:
    return store.safe_join(config.cache_path / "notes" / "topics", f"{video_id}.json")


def load_cached_video(config: Config, video_id: str) -> tuple[str, VideoTopics] | None:
    """(key, topics) cached for `video_id`, or None when absent or unreadable."""
    data = cache.read_json(_path(config, video_id), CACHE_VERSION)
    if data is None:
        return None
    try:
        return str(data["key"]), video_from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def save_video(config: Config, key: str, video: VideoTopics) -> None:
    """Cache `video`'s topics under `key` (a provisional topic gets a key that never
    matches, so the next run processes the transcript again)."""
    if any(t.provisional for t in video.topics):
        key = f"{key}-provisional"
    cache.write_json(_path(config, video.video_id), CACHE_VERSION,
                     {"key": key, **video_to_dict(video)}, indent=1)


def _sentence_list(s: Sentence) -> list[Any]:
    return [s.start, s.end, s.text, s.speaker]


def topic_to_dict(t: Topic) -> dict[str, Any]:
    """A JSON-able form of a topic (its segment's sentences included)."""
    seg = t.segment
    return {
        "segment": {"video_id": seg.video_id, "start": seg.start, "end": seg.end,
                    "chapter_title": seg.chapter_title,
                    "sentences": [_sentence_list(s) for s in seg.sentences]},
        "title": t.title, "lead": t.lead,
        "sections": [{"heading": s.heading,
                      "points": [[p.text, p.start, p.speaker] for p in s.points]}
                     for s in t.sections],
        "concepts": list(t.concepts), "people": list(t.people),
        "writer": t.writer, "fallback": t.fallback, "provisional": t.provisional,
        "grounding": t.grounding.to_dict() if t.grounding is not None else None,
        "lead_points": [[p.text, p.start, p.speaker] for p in t.lead_points],
    }


def topic_from_dict(d: dict[str, Any]) -> Topic:
    """Inverse of `topic_to_dict`."""
    seg = d["segment"]
    segment = Segment(video_id=seg["video_id"], start=float(seg["start"]),
                      end=float(seg["end"]),
                      sentences=tuple(Sentence(float(a), float(b), str(c), e)
                                      for a, b, c, e in seg["sentences"]),
                      chapter_title=seg.get("chapter_title"))
    sections = tuple(Section(s["heading"], tuple(KeyPoint(p[0], float(p[1]), p[2])
                                                 for p in s["points"]))
                     for s in d["sections"])
    grounding = d.get("grounding")
    return Topic(segment=segment, title=d["title"], lead=d["lead"], sections=sections,
                 concepts=tuple(d["concepts"]), people=tuple(d["people"]),
                 writer=str(d.get("writer") or ""), fallback=str(d.get("fallback") or ""),
                 provisional=bool(d.get("provisional")),
                 grounding=GroundingReport(**grounding) if grounding else None,
                 lead_points=tuple(KeyPoint(p[0], float(p[1]), p[2])
                                   for p in d.get("lead_points") or ()))


def video_to_dict(v: VideoTopics) -> dict[str, Any]:
    """A JSON-able form of one video's topics and vectors."""
    return {"video_id": v.video_id, "title": v.title, "channel": v.channel,
            "duration": v.duration, "source": v.source, "speakers": list(v.speakers),
            "audio_url": v.audio_url, "topics": [topic_to_dict(t) for t in v.topics],
            "vectors": [[round(x, 5) for x in vec] for vec in v.vectors]}


def video_from_dict(d: dict[str, Any]) -> VideoTopics:
    """Inverse of `video_to_dict`."""
    return VideoTopics(video_id=d["video_id"], title=d["title"], channel=d["channel"],
                       duration=float(d["duration"]), source=d["source"],
                       topics=tuple(topic_from_dict(t) for t in d["topics"]),
                       vectors=tuple(tuple(float(x) for x in vec) for vec in d["vectors"]),
                       speakers=tuple(d.get("speakers") or ()),
                       audio_url=str(d.get("audio_url") or ""))
