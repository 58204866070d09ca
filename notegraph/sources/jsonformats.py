"""JSON transcripts, told apart by shape:

- youtube-transcript-api: `[{"text", "start", "duration"}]`
- openai-whisper: `{"segments": [{"start", "end", "text"}], "language"?}`
- Podcasting 2.0: `{"segments": [{"speaker"?, "startTime", "endTime", "body"}]}`
  (often one word per segment: re-joined into sentences)
- notegraph's own normalized transcript (`Transcript.to_dict()`)
- a chaptered episode: `{video_id, title, channel, url, duration,
  cues: [{start, duration, text}], chapters: [{start, title}], speaker_turns?}`;
  `speaker_turns` (a human transcript's `{start, speaker, text}` turns) name the
  speakers (see `turns.py`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from notegraph.models import Chapter, Cue
from notegraph.slugs import MAX_TIMESTAMP_SECONDS
from notegraph.sources.parsed import LayoutError, ParsedFile, Word, group_words
from notegraph.sources.turns import Turn, align_speakers

# Time links inside the human transcript's turn text: `[(00:00:15)](https://…)`.
_LINK_RE = re.compile(r"\[\(?[\d:]+\)?\]\([^)]*\)")

_JSON_START_RE = re.compile(r'^\s*(?:\{\s*(?:"|\})|\[\s*(?:[{\]]|$))')


def looks_like_json(text: str) -> bool:
    """Starts like a JSON object (`{"`) or an array of objects (`[{`); `[00:01] x` is not."""
    return bool(_JSON_START_RE.match(text.lstrip("\ufeff")))


def parse_json(text: str) -> ParsedFile:
    """Parse any supported JSON transcript; LayoutError names what is missing."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayoutError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    try:
        if isinstance(data, list):
            return _youtube_api(data)
        if isinstance(data, dict):
            cues = data.get("cues")
            if isinstance(cues, list) and cues and isinstance(cues[0], dict):
                if "end" in cues[0]:
                    return _normalized(data)
                if "duration" in cues[0]:
                    return _chaptered(data)
            segments = data.get("segments")
            if isinstance(segments, list) and segments and isinstance(segments[0], dict):
                if "startTime" in segments[0]:
                    return _podcasting(data)
                if "start" in segments[0]:
                    return _whisper(data)
            if isinstance(data.get("transcript"), list):  # a wrapped youtube-transcript-api list
                return _youtube_api(data["transcript"])
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, LayoutError):
            raise
        raise LayoutError(f"JSON transcript with a malformed entry ({exc!r})") from exc
    raise LayoutError(
        "JSON, but not a known transcript shape (expected youtube-transcript-api, "
        "Whisper, Podcasting 2.0 or notegraph JSON)"
    )


def _num(value: Any, what: str) -> float:
    """A time in seconds: a finite number within `MAX_TIMESTAMP_SECONDS` (sign is checked
    later, with the file's other times)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise LayoutError(f"{what} is not a number: {_short(value)}")
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise LayoutError(f"{what} is not a number: {_short(value)}") from exc
    if not math.isfinite(number) or abs(number) > MAX_TIMESTAMP_SECONDS:
        raise LayoutError(f"{what} is not a time in seconds up to 100 hours: {_short(value)}")
    return number


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: Any) -> str:
    """A cue's text: `null` is no text (not the word "None")."""
    return "" if value is None else str(value)


def _duration(value: Any) -> float | None:
    """A file's own `duration`, when it is a usable number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= MAX_TIMESTAMP_SECONDS else None


def _youtube_api(items: list[Any]) -> ParsedFile:
    if not items or not all(isinstance(i, dict) and "text" in i and "start" in i for i in items):
        raise LayoutError("JSON list, but its items are not {text, start, duration}")
    cues = []
    for n, i in enumerate(items):
        start = _num(i["start"], f"item {n} start")
        end = round(start + _num(i.get("duration", 0), f"item {n} duration"), 3)
        cues.append(Cue(start, end, _text(i["text"]), None))
    return ParsedFile(format="youtube-json", cues=tuple(cues))


def _whisper(data: dict[str, Any]) -> ParsedFile:
    cues = []
    for n, s in enumerate(data["segments"]):
        cues.append(Cue(_num(s["start"], f"segment {n} start"), _num(s["end"], f"segment {n} end"),
                        _text(s.get("text")), _str_or_none(s.get("speaker"))))
    lang = data.get("language")
    return ParsedFile(format="whisper-json", cues=tuple(cues), is_generated=True,
                      language=lang if isinstance(lang, str) and len(lang) <= 8 else None)


def _podcasting(data: dict[str, Any]) -> ParsedFile:
    segs = data["segments"]
    rows = [(_num(s["startTime"], f"segment {n} startTime"),
             _num(s["endTime"], f"segment {n} endTime"),
             _text(s.get("body")), _str_or_none(s.get("speaker")))
            for n, s in enumerate(segs)]
    word_level = sorted(len(r[2].split()) for r in rows)[len(rows) // 2] <= 1
    if word_level:
        cues = group_words([Word(s, e, t.strip(), sp) for s, e, t, sp in rows if t.strip()])
    else:
        cues = [Cue(s, e, t, sp) for s, e, t, sp in rows]
    return ParsedFile(format="podcasting2-json", cues=tuple(cues))


def _chapters(data: dict[str, Any]) -> tuple[Chapter, ...]:
    out = []
    for c in data.get("chapters") or ():
        if isinstance(c, dict) and "start" in c and str(c.get("title", "")).strip():
            out.append(Chapter(_num(c["start"], "chapter start"), str(c["title"]).strip()))
    return tuple(sorted(out, key=lambda c: c.start))


def _str_or_none(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _normalized(data: dict[str, Any]) -> ParsedFile:
    cues = tuple(Cue(_num(c["start"], "cue start"), _num(c["end"], "cue end"), _text(c["text"]),
                     _str_or_none(c.get("speaker"))) for c in data["cues"])
    duration = data.get("duration")
    return ParsedFile(
        format="notegraph-json", cues=cues, chapters=_chapters(data),
        video_id=_str_or_none(data.get("video_id")), title=_str_or_none(data.get("title")),
        channel=_str_or_none(data.get("channel")), language=_str_or_none(data.get("language")),
        duration=_duration(duration), is_generated=bool(data.get("is_generated", False)),
    )


def _chaptered(data: dict[str, Any]) -> ParsedFile:
    cues = [Cue(_num(c["start"], "cue start"),
                round(_num(c["start"], "cue start") + _num(c.get("duration", 0), "cue duration"),
                      3),
                _text(c["text"]), None) for c in data["cues"]]
    turns = [Turn(_num(t["start"], "turn start"), str(t["speaker"]).strip(),
                  _LINK_RE.sub(" ", str(t.get("text", ""))))
             for t in data.get("speaker_turns") or ()
             if isinstance(t, dict) and _str_or_none(t.get("speaker")) and "start" in t]
    if turns:
        cues = align_speakers(cues, turns)
    duration = data.get("duration")
    return ParsedFile(
        format="chaptered-json" + (" (speakers aligned)" if turns else ""),
        cues=tuple(cues), chapters=_chapters(data),
        video_id=_str_or_none(data.get("video_id")), title=_str_or_none(data.get("title")),
        channel=_str_or_none(data.get("channel")),
        duration=_duration(duration), is_generated=_looks_auto_generated(cues),
    )


def _looks_auto_generated(cues: list[Cue]) -> bool:
    """YouTube auto-captions have almost no sentence punctuation; uploaded ones do."""
    text = " ".join(c.text for c in cues[:400])
    words = max(1, len(text.split()))
    return len(re.findall(r"[.?!,]", text)) / words < 0.02
