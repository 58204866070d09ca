"""Helpers for the notes tests: a deterministic embedder and vault checks.

`vault_problems` is the grounding contract of issue 3 as code: every `data-t` inside
its note's range and the video, the text before each anchor said within ±10 s of it,
no generated wikilink dangling, titles that read like titles.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from notegraph.models import Transcript
from notegraph.notes.files import read_note_files
from notegraph.slugs import WIKILINK_RE, link_key, parse_timestamp, parse_wikilink


class HashEmbedder:
    """Bag-of-words vectors from word hashes: deterministic, no model (golden tests)."""

    name = "hash-bow-test"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
            out[row, 0] += 0.01
        return out / np.linalg.norm(out, axis=1, keepdims=True)


ANCHOR_RE = re.compile(r'<a class="yt-timestamp" data-t="([0-9:]+)">\[\1\]</a>')
_TOKEN_RE = re.compile(r"[a-z0-9]+")


def plain(markdown_text: str) -> str:
    """What a reader sees of a line of note text: links as their labels, no escapes."""
    text = WIKILINK_RE.sub(lambda m: parse_wikilink(m.group(2)).text, markdown_text)
    text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(text)


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower().replace("’", "'").replace("'", ""))


def _reads_like_title(title: str) -> bool:
    words = title.lower().split()
    return bool(title) and not title[0].islower() and len(title) <= 90 and \
        len(set(words)) == len(words) and words[-1] not in {"and", "of", "the", "a"}


def _is_chapter_title(title: str, transcript: Transcript, start: float) -> bool:
    """A creator's chapter title is a title by definition ("xAI Grok", "e/acc (...)")."""
    return any(c.title.strip() == title and abs(c.start - start) < 1 for c in transcript.chapters)


def vault_problems(notes_dir: Path, transcripts: dict[str, Transcript],
                   window: float = 10.0) -> list[str]:
    """Every way the generated vault breaks the grounding contract (empty = fine)."""
    problems: list[str] = []
    files = read_note_files(notes_dir)
    keys: set[str] = set()
    for f in files.values():
        meta = f.meta or {}
        keys.add(link_key(f.path.stem))
        if isinstance(meta.get("title"), str):
            keys.add(link_key(meta["title"]))
        for alias in meta.get("aliases") or []:
            keys.add(link_key(str(alias)))
    topics = 0
    for f in files.values():
        meta = f.meta or {}
        name = f.path.relative_to(notes_dir)
        for m in WIKILINK_RE.finditer(f.body):
            target = parse_wikilink(m.group(2)).target
            if link_key(target) not in keys:
                problems.append(f"{name}: dangling link [[{m.group(2)}]]")
        if meta.get("type") != "topic":
            continue
        title = str(meta.get("title") or "")
        transcript = transcripts[meta["videoId"]]
        start, end = float(meta["start"]), float(meta["end"])
        if not _is_chapter_title(title, transcript, start) and not _reads_like_title(title):
            problems.append(f"{name}: title does not read like a title: {title!r}")
        topics += 1
        # A topic note with no timestamp at all would pass every per-anchor check below.
        if not ANCHOR_RE.search(f.body):
            problems.append(f"{name}: no timestamp anywhere in the note")
        for line in f.body.splitlines():
            for m in ANCHOR_RE.finditer(line):
                t = parse_timestamp(m.group(1))
                assert t is not None
                if not (int(start) <= t <= end and t <= transcript.duration):
                    problems.append(f"{name}: {m.group(1)} outside [{start}, {end}] or video")
                said = plain(line[:m.start()])
                said = re.sub(r"^- (?:[^:]{1,60}: )?", "", said).rstrip(" …")
                spoken = set()
                for cue in transcript.cues:
                    if t - window <= cue.start <= t + window:
                        spoken.update(_tokens(cue.text))
                head = _tokens(said)[:8]
                missing = [w for w in head if w not in spoken]
                if len(missing) > max(1, len(head) // 4):
                    problems.append(f"{name}: at {m.group(1)} not said nearby: {said[:80]!r} "
                                    f"(missing {missing})")
    if not topics:
        problems.append(f"{notes_dir}: no topic note was generated")
    return problems
