"""Where the labels of a local graph's ring go: beside, over or under their dots, on
one or two lines, none covering another (`notegraph.graph.draw.local_graph` draws them).

Sizes are in the local graph's viewBox units, from a wide estimate of the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape, unescape

import networkx as nx

LOCAL_HALF_WIDTH = 186  # the local graph's viewBox spans ±this horizontally
# the width of a label's character in viewBox units, a wide estimate (15 px sans-serif,
# graph.css; DejaVu Sans averages ≈ 8.2): labels are fitted and kept apart with it
LOCAL_LABEL_CHAR = 10.0


def short_title(text: str, n: int = 28) -> str:
    """`text` cut to at most `n` characters, "…" marking the cut."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def ring_labels(g: nx.Graph, sp: Mapping[str, tuple[float, float]], ring1: set[str],
                labels: Mapping[str, tuple[str, str, str]]) -> dict[str, str]:
    """The `<text>` of each ring-1 note, placed so that no two labels overlap.

    Labels beside the ring are placed first, on two lines when the title does not fit
    on one (else shortened); one at its top or bottom is centred over its dot and moves
    outward, step by step, off any label it would cover (with ten notes on the ring, the
    top one's label spans its neighbours'); one that finds no free place is left out
    (its dot keeps its title on hover).
    """
    placed: list[tuple[float, float, float, float]] = []
    out: dict[str, str] = {}
    side_first = sorted(ring1, key=lambda u: (abs(sp[u][0]) < 15, u))
    for u in side_first:
        x, y = sp[u]
        short = labels[u][2]
        if abs(x) < 15:  # top or bottom of the ring: centred, moving outward
            anchor, lx = "middle", x
            heights = [y + (19 + 9 * k if y > 0 else -10 - 9 * k) for k in range(4)]
            # the whole title where it is free (the ring's width is its room), else short
            whole = escape(short_title(g.nodes[u].get("title") or u, TOP_LABEL_CHARS))
            tries = [([text], ly) for text in dict.fromkeys([whole, short]) for ly in heights]
        else:
            anchor = "start" if x >= 0 else "end"
            lx = x + 9 * (1 if x >= 0 else -1)
            room = LOCAL_HALF_WIDTH - abs(lx)
            lines = _two_lines(g.nodes[u].get("title") or u, room)
            ly = y + (4 if abs(y) < 40 else (14 if y > 0 else -6))
            # two lines sit around the dot's height; one that would cover a neighbour's
            # label falls back to one shortened line
            tries = [(lines, ly - 8)] if lines else []
            tries.append(([_fitted(g, u, short, room)], ly))
        if label := _placed_label(lx, anchor, tries, placed):
            out[u] = label
    return out


LOCAL_LINE = 16.0  # a label's line height in viewBox units (15 px text, graph.css)
TOP_LABEL_CHARS = 30  # a label centred over the ring fits the local graph's width


def _placed_label(lx: float, anchor: str, tries: Sequence[tuple[list[str], float]],
                  placed: list[tuple[float, float, float, float]]) -> str:
    """The `<text>` of the first of `tries` (escaped lines, first baseline) that covers
    no `placed` label (its box is added to them), or "" when none fits."""
    for lines, ly in tries:
        top = _label_box(lx, ly, anchor, max(len(unescape(t)) for t in lines))
        box = (top[0], top[1], top[2], top[3] + LOCAL_LINE * (len(lines) - 1))
        if any(_overlap(box, other) for other in placed):
            continue
        placed.append(box)
        if len(lines) == 1:
            return f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{lines[0]}</text>'
        spans = "".join(f'<tspan x="{lx:.1f}" dy="{0 if i == 0 else LOCAL_LINE:.0f}">{t}</tspan>'
                        for i, t in enumerate(lines))
        return f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{spans}</text>'
    return ""


def _two_lines(title: str, room: float) -> list[str]:
    """`title` (escaped) broken at a space into two lines that fit in `room` viewBox
    units, the second shortened with "…" if need be; [] when one line holds it or no
    break fits (the label is then one line, `_fitted`)."""
    fits = int((room - 4) / LOCAL_LABEL_CHAR)
    cut = title.rfind(" ", 0, fits + 1)
    if len(title) <= fits or fits < 6 or cut <= 0:
        return []
    return [escape(title[:cut]), escape(short_title(title[cut + 1:], fits))]


def _label_box(x: float, baseline: float, anchor: str, chars: int
               ) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label in viewBox units, from a wide estimate (the
    height is Chromium's box of a 15 px line: 23 units)."""
    w = chars * LOCAL_LABEL_CHAR
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return left, baseline - 17, left + w, baseline + 6


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
             ) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _fitted(g: nx.Graph, u: str, short: str, room: float) -> str:
    """`u`'s short label, shortened more when it would run past the edge of the local
    graph (`room` viewBox units from its anchor): a phone shows the SVG at its own
    width, so what passes the edge is cut off mid-letter."""
    fits = int((room - 4) / LOCAL_LABEL_CHAR)
    title = g.nodes[u].get("title") or u
    return short if len(title) <= fits or fits >= 14 else escape(short_title(title, max(fits, 4)))
