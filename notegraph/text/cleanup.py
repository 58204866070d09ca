"""Cleanup shared by every source: caption artefacts out, every spoken word kept.

Readers hand over cues as the file had them, line breaks included (the rolling
auto-caption collapse needs the line structure). `clean_cues` then, in order:

1. sorts cues by start (stable, so file order breaks ties);
2. decodes HTML entities (`&amp;`, `&gt;&gt;`, `&#39;`) and drops control characters
   and lone surrogates (`strip_controls`);
3. collapses rolling captions (YouTube auto-captions repeat each line in the next cue),
   but only when the whole transcript rolls, so a real repeated line survives elsewhere;
4. turns `>>` and leading `- ` speaker-turn markers into speaker changes;
5. drops non-speech tags (`[Music]`, `[Applause]`, `(laughs)`, `♪`);
6. collapses Whisper's repeated-line hallucinations (the same line 4+ times in a row);
7. normalises whitespace and drops cues left empty.

It is idempotent: cleaning clean cues changes nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from notegraph.models import Cue

# A cue this short that only repeats the previous cue's last line is the "hold" frame
# of a rolling caption (yt-dlp writes them as 10 ms cues).
_HOLD_FRAME_SECONDS = 0.05
# Share of multi-line cues whose first line repeats the previous cue's last line above
# which a transcript is treated as rolling.
_ROLLING_SHARE = 0.8

# `[Music]`, `[ Applause ]`, `[BLANK_AUDIO]`, `[laughs]`: short bracketed notes, never speech.
_BRACKET_TAG_RE = re.compile(
    r"\[\s*[^\W\d][^\[\]\d\n]{0,38}?(?:\s+\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?)?\s*\](?!\()"
)
# Parenthesised notes only when they name a sound: `(laughs)` but not `(the company)`.
_SOUND_WORDS = (
    r"laugh\w*|chuckl\w*|giggl\w*|applause|clapping|cheer\w*|music|singing|"
    r"inaudible|indistinct|crosstalk|silence|cough\w*|sigh\w*|sniff\w*|"
    r"background noise|noise|static|beep\w*|foreign|no audio|blank_audio|unintelligible"
)
_PAREN_TAG_RE = re.compile(
    rf"\(\s*(?:[a-z]+\s+){{0,2}}(?:{_SOUND_WORDS})(?:\s+[a-z]+){{0,2}}\s*\)", re.IGNORECASE
)
_MUSIC_NOTE_RE = re.compile(r"[♪♫♬]+")
# A speaker turn: `>>` anywhere (YouTube), or `- ` / `– ` at the start of a caption line
# or right after a sentence end (`in the world. - Whoever`, lines joined by a source).
_TURN_RE = re.compile(
    r"(?:^|(?<=\s))>>+\s*|(?:^|(?<=\n))\s*[-–—]\s+(?=\S)|(?<=[.?!])\s+[-–—]\s+(?=[A-Z\"“])"
    r"|(?<=[.?!])\s+[-–—]\s*$"  # a marker left at the end when a cue was split at a turn
)
_TURN_NAME_RE = re.compile(r"\s*\[([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})\]\s*")
_SPACE_RE = re.compile(r"\s+")
# C0/C1 control characters but tab and newline, and lone UTF-16 surrogates (`\ud800` in
# JSON): never text anyone said, and a surrogate cannot even be written as UTF-8.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+(?=[.,?!;:](?:\s|$))")
# Repeated identical consecutive cues collapse from this run length on (Whisper loops
# on silence: "Bye." ×15); shorter runs may be real ("No. No.") and are kept.
_HALLUCINATION_RUN = 4
_HALLUCINATION_RUN_LONG_LINE = 3  # a 4+ word line said 3 times in a row is a loop too

UNIDENTIFIED_PREFIX = "unidentified (turn "


def turn_label(n: int) -> str:
    """The speaker label of the `n`th turn when a source marks turns but names nobody.

    We know that someone else speaks from here on, not who: one label per turn says
    exactly that, where alternating "Speaker 1/2" would invent an identity (and be
    wrong as soon as three people talk). Downstream code can recognise these with
    `is_unidentified`.
    """
    return f"{UNIDENTIFIED_PREFIX}{n})"


def is_unidentified(speaker: str | None) -> bool:
    """True for a speaker label made by `turn_label` (a turn, not a person)."""
    return bool(speaker) and speaker.startswith(UNIDENTIFIED_PREFIX)  # type: ignore[union-attr]


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline kept) or lone surrogates."""
    return _CONTROL_RE.sub("", text)


def clean_field(text: str | None) -> str:
    """A one-line metadata value (title, channel, speaker, chapter title) made safe:
    no control characters or lone surrogates, single spaces, stripped."""
    return " ".join(strip_controls(str(text or "")).split())


def clean_cues(cues: Iterable[Cue]) -> list[Cue]:
    """Clean caption artefacts out of `cues` without losing a word that was said.

    Returns new cues sorted by start, single-spaced, none empty (see the module doc).
    """
    out = sorted(cues, key=lambda c: (c.start, c.end))
    out = [replace(c, text=_unescape(c.text), speaker=clean_field(c.speaker) or None)
           for c in out]
    out = collapse_rolling(out)
    out = _apply_turns(out)
    out = [replace(c, text=drop_tags(c.text)) for c in out]
    out = [replace(c, text=_tidy(c.text)) for c in out]
    out = [c for c in out if c.text]
    return collapse_repeats(out)


def _unescape(text: str) -> str:
    # Twice: some captions double-escape (`&amp;gt;&amp;gt;`).
    text = html.unescape(html.unescape(text))
    return strip_controls(text.replace("\u00a0", " ").replace("\r", ""))


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def is_rolling(cues: Sequence[Cue]) -> bool:
    """True when most multi-line cues start with the previous cue's last line."""
    multi = repeated = 0
    prev_last = None
    for c in cues:
        lines = _lines(c.text)
        if len(lines) >= 2:
            multi += 1
            if prev_last is not None and lines[0] == prev_last:
                repeated += 1
        if lines:
            prev_last = lines[-1]
    return multi >= 2 and repeated >= _ROLLING_SHARE * multi


def collapse_rolling(cues: Sequence[Cue]) -> list[Cue]:
    """Read each line of a rolling caption once.

    In rolling captions every cue shows the previous cue's last line above the new
    one, with a ~10 ms hold frame in between: drop the hold frames and the repeated
    first line. A no-op unless the transcript as a whole rolls.
    """
    if not is_rolling(cues):
        return list(cues)
    out: list[Cue] = []
    prev_last: str | None = None
    for c in cues:
        lines = _lines(c.text)
        if not lines:
            continue
        if prev_last is not None and lines[0] == prev_last:
            if len(lines) == 1 and c.end - c.start <= _HOLD_FRAME_SECONDS:
                continue  # the hold frame: nothing new
            if len(lines) >= 2:
                lines = lines[1:]
        prev_last = _lines(c.text)[-1]
        out.append(replace(c, text="\n".join(lines)))
    return out


def _apply_turns(cues: Sequence[Cue]) -> list[Cue]:
    """Remove turn markers; when no cue names a speaker, mark each turn as unidentified.

    A cue with a marker in the middle is split there, its time shared by word count.
    """
    has_markers = any(_TURN_RE.search(c.text) for c in cues)
    if not has_markers:
        return list(cues)
    known = {c.speaker for c in cues if c.speaker and not is_unidentified(c.speaker)}
    named = bool(known)
    already = [c.speaker for c in cues if is_unidentified(c.speaker)]
    turn = len(set(already))
    current: str | None = None if not already else already[-1]
    out: list[Cue] = []
    for c in cues:
        parts = _TURN_RE.split(c.text)
        if len(parts) == 1:
            out.append(c if named or c.speaker else replace(c, speaker=current))
            continue
        # parts[0] is before the first marker; each later part starts a new turn.
        pieces: list[tuple[str, bool]] = [(parts[0], False)] + [(p, True) for p in parts[1:]]
        pieces = [(t, new) for t, new in pieces if t.strip()]
        if not pieces:  # a cue holding only a marker: the turn starts with the next cue
            if not named:
                turn += 1
                current = turn_label(turn)
            continue
        total = sum(max(1, len(t.split())) for t, _ in pieces)
        t0 = c.start
        for text, new_turn in pieces:
            share = max(1, len(text.split())) / total
            t1 = t0 + (c.end - c.start) * share
            # Captions name an ambiguous speaker right after the marker: `- [Sam] Yeah.`
            label = _TURN_NAME_RE.match(text) if new_turn else None
            if label:
                text = text[label.end():]
            name = _full_name(label.group(1), known) if label else None
            if new_turn and not named:
                turn += 1
                current = name or turn_label(turn)
            speaker = name or (c.speaker if named else current)
            out.append(Cue(round(t0, 3), round(t1, 3), text, speaker))
            t0 = t1
    return out


def _full_name(label: str, known: set[str]) -> str:
    """`Sam` → `Sam Altman` when exactly one known speaker is called that."""
    matches = [k for k in known if k == label or k.split()[0].casefold() == label.casefold()]
    return matches[0] if len(matches) == 1 else label


def drop_tags(text: str) -> str:
    """Remove non-speech notes: `[Music]`, `[BLANK_AUDIO]`, `(laughs)`, `♪`."""
    # At most four words (Rev's `[inaudible 00:17:42]` included): a longer bracket is an
    # editor's insertion, kept as written.
    text = _BRACKET_TAG_RE.sub(lambda m: " " if len(m.group().split()) <= 4 else m.group(), text)
    text = _PAREN_TAG_RE.sub(" ", text)
    return _MUSIC_NOTE_RE.sub(" ", text)


def _tidy(text: str) -> str:
    """Single spaces; none before punctuation (left where a tag was: `[inaudible].`)."""
    return _SPACE_BEFORE_PUNCT_RE.sub("", _SPACE_RE.sub(" ", text)).strip()


def _norm(text: str) -> str:
    return re.sub(r"[^\w']+", " ", text.casefold()).strip()


def collapse_repeats(cues: Sequence[Cue]) -> list[Cue]:
    """Keep one cue of a run of identical consecutive lines long enough to be a loop.

    Whisper repeats a line on silence or music ("Thank you." ×20). Runs shorter than
    the threshold are kept whole: people do say "No. No." The kept cue keeps its own
    time, so timestamps still point where the line was first heard.
    """
    out: list[Cue] = []
    i = 0
    while i < len(cues):
        j = i + 1
        key = _norm(cues[i].text)
        while j < len(cues) and _norm(cues[j].text) == key and cues[j].speaker == cues[i].speaker:
            j += 1
        run = j - i
        words = len(key.split())
        limit = _HALLUCINATION_RUN_LONG_LINE if words >= 4 else _HALLUCINATION_RUN
        out.extend([cues[i]] if key and run >= limit else cues[i:j])
        i = j
    return out
