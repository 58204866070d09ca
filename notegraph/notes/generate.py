"""The notes pipeline: stored transcripts → topics (cached) → the vault's notes.

Per transcript (expensive, incremental): sentences → segments → a writer's topics, plus
one unit vector per topic for related notes. The result is cached under
`<cache>/notes/topics/<video_id>.json` with a key made of the transcript's content, the
settings that shape it and `PIPELINE_VERSION`; an unchanged transcript is not processed
again.

Over the vault (cheap, every run): all cached topics are rendered together, so concept
names, unique slugs, related notes and person/concept/channel notes stay consistent as
videos are added. Files are written by `note_files.write_notes`, which never loses a
person's edits.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from notegraph import store
from notegraph.config import Config
from notegraph.errors import InputError
from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic, Transcript
from notegraph.notes.compose import VideoTopics, render_vault, with_linked_concepts
from notegraph.notes.files import existing_vault, scan_vault, write_notes
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import WIKILINK_RE, format_timestamp, parse_wikilink
from notegraph.text.casing import CasingRestorer, recase_segments
from notegraph.text.sentences import is_punctuated
from notegraph.topics.concepts import PhraseCounts
from notegraph.topics.grounding import is_real_start
from notegraph.topics.people import (
    looks_like_name,
    names_in_text,
    people_from_metadata,
    speaker_name,
    speakers_from_metadata,
)
from notegraph.writers import DEFAULT_WRITER, Writer, WriterContext

# Bump when a change to sentences, segmentation or writing should redo every transcript.
PIPELINE_VERSION = "notes-7"
CACHE_FORMAT = 1


@dataclass
class NotesResult:
    """What `generate_notes` did."""

    processed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    model_seconds: float = 0.0
    total_seconds: float = 0.0
    transcript_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


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


def _topics_dir(config: Config) -> Path:
    return config.cache_path / "notes" / "topics"


def _manifest_path(config: Config) -> Path:
    return config.cache_path / "notes" / "manifest.json"


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # absent or corrupt: treated as no cache
    return data if isinstance(data, dict) else None


# ---------------------------------------------------------------- (de)serialization

def _sentence_dict(s: Sentence) -> list[Any]:
    return [s.start, s.end, s.text, s.speaker]


def topic_to_dict(t: Topic) -> dict[str, Any]:
    """A JSON-able form of a topic (its segment's sentences included)."""
    seg = t.segment
    return {
        "segment": {"video_id": seg.video_id, "start": seg.start, "end": seg.end,
                    "chapter_title": seg.chapter_title,
                    "sentences": [_sentence_dict(s) for s in seg.sentences]},
        "title": t.title, "lead": t.lead,
        "sections": [{"heading": s.heading,
                      "points": [[p.text, p.start, p.speaker] for p in s.points]}
                     for s in t.sections],
        "concepts": list(t.concepts), "people": list(t.people),
        "meta": t.meta,  # e.g. the LLM writer's grounding counts (JSON-able by contract)
    }


def topic_from_dict(d: dict[str, Any]) -> Topic:
    """Inverse of `topic_to_dict`."""
    seg = d["segment"]
    segment = Segment(video_id=seg["video_id"], start=float(seg["start"]),
                      end=float(seg["end"]),
                      sentences=tuple(Sentence(float(a), float(b), str(c), e)
                                      for a, b, c, e in seg["sentences"]),
                      chapter_title=seg.get("chapter_title"))
    return Topic(segment=segment, title=d["title"], lead=d["lead"],
                 sections=tuple(Section(s["heading"], tuple(KeyPoint(p[0], float(p[1]), p[2])
                                                            for p in s["points"]))
                                for s in d["sections"]),
                 concepts=tuple(d["concepts"]), people=tuple(d["people"]),
                 meta=dict(d.get("meta") or {}))


def _video_to_dict(key: str, v: VideoTopics) -> dict[str, Any]:
    return {"format": CACHE_FORMAT, "key": key, "video_id": v.video_id, "title": v.title,
            "channel": v.channel, "duration": v.duration, "source": v.source,
            "speakers": list(v.speakers), "topics": [topic_to_dict(t) for t in v.topics],
            "vectors": [[round(x, 5) for x in vec] for vec in v.vectors]}


def _video_from_dict(d: dict[str, Any]) -> VideoTopics:
    return VideoTopics(video_id=d["video_id"], title=d["title"], channel=d["channel"],
                       duration=float(d["duration"]), source=d["source"],
                       topics=tuple(topic_from_dict(t) for t in d["topics"]),
                       vectors=tuple(tuple(float(x) for x in vec) for vec in d["vectors"]),
                       speakers=tuple(d.get("speakers") or ()))


def load_cached_video(config: Config, video_id: str) -> tuple[str, VideoTopics] | None:
    """(key, topics) cached for `video_id`, or None when absent or unreadable."""
    data = _load_json(store.safe_join(_topics_dir(config), f"{video_id}.json"))
    if not data or data.get("format") != CACHE_FORMAT:
        return None
    try:
        return str(data["key"]), _video_from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


# ---------------------------------------------------------------- one transcript

class _SentenceVectors:
    """Sentence embeddings for a writer, memoised for the run (the embedder caches on disk)."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._embed = embed
        self._memo: dict[Sentence, np.ndarray] = {}

    def __call__(self, sentences: Sequence[Sentence]) -> np.ndarray:
        missing = list(dict.fromkeys(s for s in sentences if s not in self._memo))
        if missing:
            vecs = self._embed([s.text for s in missing])
            self._memo.update(zip(missing, vecs, strict=True))
        if not sentences:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[s] for s in sentences])


def known_people(transcript: Transcript, sentences: Sequence[Sentence]) -> tuple[list[str],
                                                                                 list[str]]:
    """(speakers, people) of a transcript: who talks, and everyone it names."""
    speakers = speakers_from_metadata(transcript.title, transcript.channel)
    speakers += [name for c in transcript.cues if (name := speaker_name(c.speaker))]
    speakers = list(dict.fromkeys(speakers))
    listed = people_from_metadata(transcript.title, transcript.channel)
    # a chapter called "Ilya Sutskever" is about that person
    named = [c.title.strip() for c in transcript.chapters if looks_like_name(c.title.strip())]
    known = [*speakers, *listed, *named]
    # captions made by speech recognition misspell names: ask for more evidence there
    min_count = 3 if transcript.is_generated else 2
    people = list(dict.fromkeys(
        [*known, *names_in_text([s.text for s in sentences], known, min_count,
                                surname_counts=not transcript.is_generated)]))
    return speakers, people


def write_topics(transcript: Transcript, sentences: Sequence[Sentence],
                 segments: Sequence[Segment], writer: Writer,
                 embed: Callable[[Sequence[str]], np.ndarray], vault_people: Sequence[str] = (),
                 reporter: Reporter | None = None,
                 known_vectors: dict[str, np.ndarray] | None = None) -> VideoTopics:
    """Topics (and their vectors) of one segmented transcript, with grounding checks.

    `known_vectors`: texts the segmenter already embedded (its windows), reused for the
    topic vectors so that no text is embedded twice.
    """
    reporter = reporter or SilentReporter()
    speakers, people = known_people(transcript, sentences)
    # the sentences were cased knowing only the video's speakers; the people found in the
    # text and across the vault are known only now: same casing, more names
    segments = recase_segments(
        segments, CasingRestorer.for_transcript(transcript, [*people, *vault_people],
                                                source_cased=is_punctuated(transcript)))
    vectors = _SentenceVectors(embed)
    context = WriterContext(
        video_id=transcript.video_id, title=transcript.title, channel=transcript.channel,
        vectors=vectors, people=tuple(people), speakers=tuple(speakers),
        vault_people=tuple(p for p in vault_people if p not in people),
        is_generated=transcript.is_generated,
        segment_phrases=tuple(PhraseCounts.of(s.text for s in seg.sentences)
                              for seg in segments))
    topics: list[Topic] = []
    titles: dict[str, int] = {}
    batch = getattr(writer, "write_topics", None)
    written = (batch(segments, context) if callable(batch)
               else [writer.write_topic(seg, context) for seg in segments])
    for raw in written:
        topic = ground(raw, reporter)
        n = titles.get(topic.title.lower(), 0) + 1
        titles[topic.title.lower()] = n
        if n > 1:  # two topics of one video never share a title
            topic = dataclasses.replace(topic, title=f"{topic.title} (part {n})")
        topics.append(topic)
    vecs = topic_vectors(topics, embed, known_vectors or {})
    return VideoTopics(video_id=transcript.video_id, title=transcript.title,
                       channel=transcript.channel, duration=transcript.duration,
                       source=transcript.source, topics=tuple(topics), vectors=tuple(vecs),
                       speakers=tuple(speakers))


def topic_vectors(topics: Sequence[Topic], embed: Callable[[Sequence[str]], np.ndarray],
                  known: dict[str, np.ndarray]) -> list[tuple[float, ...]]:
    """One unit vector per topic: the mean of the segmenter's windows inside it when
    there are some (free), else of its key points (one model call for the video)."""
    vectors: list[np.ndarray | None] = []
    lowered = {k.lower(): v for k, v in known.items()}
    for t in topics:
        # case-blind: the notes' display casing may differ from the segmenter's text
        text = " ".join(s.text for s in t.segment.sentences).lower()
        inside = [v for k, v in lowered.items() if k and k in text]
        vectors.append(np.mean(inside, axis=0) if inside else None)
    need = [i for i, v in enumerate(vectors) if v is None]
    texts = [[p.text for sec in topics[i].sections for p in sec.points]
             or [s.text for s in topics[i].segment.sentences[:5]] or [topics[i].title]
             for i in need]
    flat = [x for group in texts for x in group]
    if flat:
        matrix, row = embed(flat), 0
        for i, group in zip(need, texts, strict=True):
            vectors[i] = matrix[row:row + len(group)].mean(axis=0)
            row += len(group)
    out = []
    for v in vectors:
        assert v is not None
        norm = float(np.linalg.norm(v)) or 1.0
        out.append(tuple(float(x) for x in v / norm))
    return out


def ground(topic: Topic, reporter: Reporter) -> Topic:
    """Drop key points whose time is not the start of a sentence of the topic's segment."""
    seg = topic.segment
    sections = []
    for section in topic.sections:
        points = tuple(p for p in section.points
                       if is_real_start(p.start, seg.sentences, seg.start, seg.end))
        if len(points) < len(section.points):
            reporter.warn(f"{seg.video_id}: dropped {len(section.points) - len(points)} key "
                          f"point(s) at {format_timestamp(seg.start)} with a time the "
                          "transcript does not have")
        if points:
            sections.append(Section(section.heading, points))
    return dataclasses.replace(topic, sections=tuple(sections))


def process_transcript(config: Config, path: Path, writer: Writer,
                       embedder: Any, vault_people: Sequence[str],
                       reporter: Reporter, transcript: Transcript | None = None) -> VideoTopics:
    """Sentences → segments → topics for one stored transcript (`transcript`: its
    content, already read, e.g. shipped to a cluster worker; `path` then only names it)."""
    from notegraph.text.sentences import split_sentences
    from notegraph.topics.segment import segment_transcript

    transcript = transcript or store.load_transcript(path)
    sentences = split_sentences(transcript)
    recorder = _RecordingEmbedder(embedder)
    segments = segment_transcript(transcript, sentences, recorder)
    return write_topics(transcript, sentences, segments, writer, embedder.embed,
                        vault_people, reporter, known_vectors=recorder.seen)


class _RecordingEmbedder:
    """Passes through to an embedder and keeps what it returned, by text."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seen: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.inner.embed(texts)
        self.seen.update(zip(texts, vectors, strict=True))
        return vectors


# ---------------------------------------------------------------- the whole run

def generate_notes(config: Config, video_ids: Sequence[str] | None = None, force: bool = False,
                   reporter: Reporter | None = None, embedder: Any = None) -> NotesResult:
    """(Re)generate the notes of stored transcripts (default: every new or changed one).

    `force` re-processes the named (or all) transcripts and overwrites hand-edited
    generated notes after saving a `.bak`. `embedder` defaults to the configured one
    (loaded only if some transcript needs processing).
    """
    import time

    reporter = reporter or SilentReporter()
    t0 = time.perf_counter()
    result = NotesResult()
    paths = {p.stem: p for p in store.list_transcripts(config.transcripts_path)}
    targets = list(dict.fromkeys(video_ids)) if video_ids else sorted(paths)
    for vid in targets:
        if vid not in paths:
            raise InputError(f"no stored transcript {vid!r} in {config.transcripts_path}; "
                             "add or import it first (`notegraph add` / `notegraph import`)")

    cached: dict[str, VideoTopics] = {}
    todo: list[tuple[str, str]] = []
    for vid, path in sorted(paths.items()):
        hit = load_cached_video(config, vid)
        key = transcript_key(config, path) if vid in targets else ""
        if hit and (vid not in targets or (hit[0] == key and not force)):
            cached[vid] = hit[1]
            if vid in targets:
                result.unchanged.append(vid)
        elif vid in targets:
            todo.append((vid, key))

    if todo:
        _process(config, todo, paths, cached, embedder, result, reporter)

    _write_vault(config, cached, set(paths), force, result, reporter)
    result.total_seconds = time.perf_counter() - t0
    return result


def _process(config: Config, todo: list[tuple[str, str]], paths: dict[str, Path],
             cached: dict[str, VideoTopics], embedder: Any, result: NotesResult,
             reporter: Reporter) -> None:
    """Topics of the `todo` transcripts on the configured executor (`[executor]`), each
    cached as it arrives; they join `cached` in the order of `todo`, whatever order the
    executor finished them in, so the vault does not depend on the executor."""
    from notegraph.executors import Episode, get_executor

    keys = dict(todo)
    vault_people = sorted({p for v in cached.values() for t in v.topics for p in t.people})
    executor = get_executor(config.executor, embedder)
    done: dict[str, VideoTopics] = {}
    failed: dict[str, str] = {}
    try:
        outcomes = executor.map_episodes(config, [Episode(vid, paths[vid]) for vid, _ in todo],
                                         vault_people, reporter)
        for outcome in reporter.progress(outcomes, "Writing notes", total=len(todo)):
            vid, video = outcome.video_id, outcome.video
            result.model_seconds += outcome.model_seconds
            if video is None:
                failed[vid] = outcome.error
                reporter.error(outcome.error)
                continue
            key = keys[vid]
            if any(t.meta.get("provisional") for t in video.topics):
                # a writer fell back for some topic (e.g. the LLM server was down): keep
                # the topics, but under a key that never matches, so the next run retries
                key = f"{key}-provisional"
            store.atomic_write_json(store.safe_join(_topics_dir(config), f"{vid}.json"),
                                    _video_to_dict(key, video))
            done[vid] = video
            n = len(video.topics)
            reporter.info(f"{vid}: {n} topic{'' if n == 1 else 's'}")
    finally:
        executor.close()
    for vid, _ in todo:
        if vid in done:
            cached[vid] = done[vid]
            result.processed.append(vid)
            result.transcript_seconds += done[vid].duration
        elif vid in failed:
            result.failed.append((vid, failed[vid]))


def _write_vault(config: Config, videos: dict[str, VideoTopics], stored: set[str],
                 force: bool, result: NotesResult, reporter: Reporter) -> None:
    manifest = _load_json(_manifest_path(config)) or {}
    previous_slugs = manifest.get("slugs") if isinstance(manifest.get("slugs"), dict) else {}
    files = scan_vault(config.notes_path)
    existing = existing_vault(files.values(), previous_slugs or {})
    # concepts a person linked in a hand-written note become concepts where the talk
    # says them (the vault's own notes are known evidence, like its people)
    linked = [parse_wikilink(m.group(2)).target for f in files.values() if not f.generated
              for m in WIKILINK_RE.finditer(f.body)]
    notes = render_vault(with_linked_concepts(list(videos.values()), linked), existing)
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
    result.written = report.written
    result.kept_edited = report.kept_edited
    result.removed = report.removed
    slugs = {n.key: n.slug for n in notes}
    store.atomic_write_json(_manifest_path(config), {"version": PIPELINE_VERSION,
                                                     "slugs": slugs})
    reporter.info(f"notes: {len(report.written)} written, {len(report.unchanged)} unchanged, "
                  f"{len(report.kept_edited)} kept (edited by hand), {len(report.removed)} removed")

