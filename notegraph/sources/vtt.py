"""WebVTT: plain cues, `<v Speaker>` voice spans, styling tags, YouTube auto-captions.

YouTube's auto-caption VTT rolls (each cue repeats the previous line) and carries
word timings (`word<00:00:01.234><c> next</c>`); the tags are stripped here and the
rolling is collapsed by `clean_cues`, so each word is read once.
"""

from __future__ import annotations

import re

from notegraph.models import Cue
from notegraph.sources.cueblocks import iter_cue_blocks
from notegraph.sources.parsed import LayoutError, ParsedFile

_VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?(?:\s+([^>]*))?>", re.IGNORECASE)
_WORD_TIME_RE = re.compile(r"<\d+:\d{2}(?::\d{2})?[.,]\d{3}>")
# Every other tag: <c>, <c.colorE5E5E5>, <i>, <b>, <u>, <ruby>, <rt>, <lang en>, </…>.
_TAG_RE = re.compile(r"</?(?:c|i|b|u|v|ruby|rt|lang|font|span)(?:[.\s][^>]*)?>", re.IGNORECASE)
# A title in the header: `WEBVTT - My talk` (the signature's own text) or `Title: My talk`.
_TITLE_RE = re.compile(r"^(?:WEBVTT[ \t]+-?[ \t]*|Title:[ \t]*)(\S.*?)\s*$", re.MULTILINE)
_LANGUAGE_RE = re.compile(r"^Language:\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\s*$", re.MULTILINE)


def looks_like_vtt(text: str) -> bool:
    """A WebVTT file starts with the `WEBVTT` signature."""
    return text.lstrip("\ufeff \t\r\n").startswith("WEBVTT")


def parse_vtt(text: str) -> ParsedFile:
    """Parse WebVTT text into cues (speaker from voice spans; line breaks kept)."""
    header = text.split("\n\n", 1)[0]
    lang = _LANGUAGE_RE.search(header)
    title = _TITLE_RE.search(header.lstrip("\ufeff \t\r\n"))
    word_timed = bool(_WORD_TIME_RE.search(text))
    cues: list[Cue] = []
    for block in iter_cue_blocks(text):
        if block.lines and block.lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        cues.extend(_cue_from_payload(block.start, block.end, "\n".join(block.lines)))
    if not cues:
        raise LayoutError("WebVTT signature but no cues")
    return ParsedFile(format="webvtt", cues=tuple(cues),
                      language=lang.group(1) if lang else None, is_generated=word_timed,
                      title=title.group(1) if title else None)


def _cue_from_payload(start: float, end: float, payload: str) -> list[Cue]:
    """One cue, or several when the payload holds several voices (time shared by words)."""
    payload = _WORD_TIME_RE.sub("", payload)
    voices = list(_VOICE_RE.finditer(payload))
    if not voices:
        return [Cue(start, end, _TAG_RE.sub("", payload), None)]
    pieces: list[tuple[str | None, str]] = []
    before = payload[: voices[0].start()]
    if _TAG_RE.sub("", before).strip():
        pieces.append((None, before))
    for n, m in enumerate(voices):
        stop = voices[n + 1].start() if n + 1 < len(voices) else len(payload)
        speaker = (m.group(1) or "").strip() or None
        pieces.append((speaker, payload[m.end():stop]))
    pieces = [(s, _TAG_RE.sub("", t)) for s, t in pieces]
    pieces = [(s, t) for s, t in pieces if t.strip()]
    if len(pieces) <= 1:
        speaker, body = pieces[0] if pieces else (None, "")
        return [Cue(start, end, body, speaker)]
    total = sum(max(1, len(t.split())) for _, t in pieces)
    out, t0 = [], start
    for speaker, body in pieces:
        t1 = t0 + (end - start) * max(1, len(body.split())) / total
        out.append(Cue(round(t0, 3), round(t1, 3), body, speaker))
        t0 = t1
    return out
