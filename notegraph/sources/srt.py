"""SRT (SubRip): numbered cues, `<i>`/`<font>` styling, and yt-dlp's conversion of
YouTube auto-captions (rolling duplicated lines, 10 ms hold cues), whose rolling
`clean_cues` collapses."""

from __future__ import annotations

import re

from notegraph.models import Cue
from notegraph.sources.cueblocks import TIMING_RE, iter_cue_blocks
from notegraph.sources.parsed import LayoutError, ParsedFile

_STYLE_RE = re.compile(r"</?(?:i|b|u|s|font)(?:\s[^>]*)?>|\{\\[^}]*\}", re.IGNORECASE)
# `JOHN: text`, also after a turn marker: `>> JOHN: text`, `&gt;&gt; JOHN:`, `- JOHN:`.
_SPEAKER_RE = re.compile(
    r"^\s*((?:>>|&gt;&gt;|-)\s*)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}):\s+(?=\S)"
)


def looks_like_srt(text: str) -> bool:
    """Cue timing lines (`00:00:01,000 --> 00:00:02,000`) make up the structure."""
    timings = sum(1 for ln in text.split("\n") if "-->" in ln and TIMING_RE.match(ln))
    return timings >= 1


def parse_srt(text: str) -> ParsedFile:
    """Parse SRT text into cues (line breaks kept for the rolling collapse)."""
    cues: list[Cue] = []
    for block in iter_cue_blocks(text):
        body = _STYLE_RE.sub("", "\n".join(block.lines))
        cues.append(Cue(block.start, block.end, body, None))
    if not cues:
        raise LayoutError("no SRT cues")
    cues = _speakers_from_labels(cues)
    short = sum(1 for c in cues if c.end - c.start <= 0.02)
    # yt-dlp's auto-caption conversion: every other cue is a 10 ms hold frame.
    auto = short >= 0.3 * len(cues)
    return ParsedFile(format="srt", cues=tuple(cues), is_generated=auto)


def _speakers_from_labels(cues: list[Cue]) -> list[Cue]:
    """`JOHN: text` cues name their speaker, when most turns in the file do that."""
    labelled = [c for c in cues if _SPEAKER_RE.match(c.text)]
    if len(labelled) < max(3, len(cues) // 20):
        return cues
    out, current = [], None
    for c in cues:
        m = _SPEAKER_RE.match(c.text)
        if m:
            current = m.group(2)
            # Keep the turn marker: cleanup removes it (the speaker is known here).
            c = Cue(c.start, c.end, (m.group(1) or "") + c.text[m.end():], current)
        else:
            c = Cue(c.start, c.end, c.text, current)
        out.append(c)
    return out
