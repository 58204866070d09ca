"""Cleanup shared by every source: caption artefacts out, every spoken word kept."""

from __future__ import annotations

from collections.abc import Iterable

from notegraph.models import Cue


def clean_cues(cues: Iterable[Cue]) -> list[Cue]:
    """Return cues sorted by start with empty text dropped (the full cleanup comes later)."""
    out = [c for c in cues if c.text.strip()]
    return sorted(out, key=lambda c: (c.start, c.end))
