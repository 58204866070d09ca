"""Read two writers' key points blind: which one would a listener keep more of?

Judging points while knowing which writer made them flatters the change being tried
(issue 10: a rare-words weight looked right on 40 points read openly and lost 5/25 to
12/25 blind). This draws, from two vaults' topic notes, points that only one of the two
wrote (shared points cannot tell them apart), shuffles them together and prints them
numbered; the key goes to a file you do not open. Judge each, then unmask:

    python scripts/blind_points.py draw BEFORE/notes AFTER/notes --n 25 --seed 7 \\
        --key /tmp/blind.json
    python scripts/blind_points.py score /tmp/blind.json yynny...   # one y/n per point

`BEFORE`/`AFTER` are project folders whose notes the two writers generated (e.g. the
`--root` of scripts/eval_key_points.py run at two commits). `--lead` draws the sentences
of the notes' lead paragraphs instead of their key points.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

_POINT_RE = re.compile(r'^- (?:\[\[[^\]]+\]\]: )?(.+?) <a class="yt-timestamp"', re.MULTILINE)
# a lead sentence: a line of its own, no list item, no "From:"/"Video:" line
_LEAD_RE = re.compile(r'^(?!- |> |From: |Video: )(.+?) <a class="yt-timestamp"', re.MULTILINE)
_LINK_RE = re.compile(r"\[\[(?:[^\]|]+\|)?([^\]]+)\]\]")


def points(notes: Path, lead: bool = False) -> list[str]:
    """The key points (or lead sentences) of every topic note under `notes`, links shown
    as their labels."""
    pattern = _LEAD_RE if lead else _POINT_RE
    return [_LINK_RE.sub(r"\1", m.group(1))
            for f in sorted((notes / "topics").glob("*.md"))
            for m in pattern.finditer(f.read_text(encoding="utf-8"))]


def draw(before: Path, after: Path, n: int, seed: int, lead: bool = False
         ) -> list[tuple[str, str]]:
    """(writer, point) pairs: `n` points only `before` wrote and `n` only `after` wrote,
    shuffled."""
    a, b = points(before, lead), points(after, lead)
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    print(f"{len(a)} / {len(b)} points; {len(only_a)} / {len(only_b)} not shared",
          file=sys.stderr)
    rng = random.Random(seed)
    items = [("before", p) for p in rng.sample(only_a, min(n, len(only_a)))] + \
        [("after", p) for p in rng.sample(only_b, min(n, len(only_b)))]
    rng.shuffle(items)
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="print shuffled points, write the key")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    d.add_argument("--n", type=int, default=25)
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--key", type=Path, required=True)
    d.add_argument("--lead", action="store_true", help="lead sentences, not key points")
    s = sub.add_parser("score", help="unmask: kept points per writer")
    s.add_argument("key", type=Path)
    s.add_argument("labels", help="one y or n per point, in the printed order")
    args = parser.parse_args()
    if args.command == "draw":
        items = draw(args.before, args.after, args.n, args.seed, args.lead)
        args.key.write_text(json.dumps(items), encoding="utf-8")
        for i, (_, text) in enumerate(items):
            print(i, text)
        return 0
    items = json.loads(args.key.read_text(encoding="utf-8"))
    labels = args.labels.strip().lower()
    if len(labels) != len(items) or set(labels) - {"y", "n"}:
        print(f"{args.key}: give one y/n per point ({len(items)}), got {len(labels)}",
              file=sys.stderr)
        return 2
    kept = Counter(writer for (writer, _), label in zip(items, labels, strict=True)
                   if label == "y")
    total = Counter(writer for writer, _ in items)
    for writer in ("before", "after"):
        print(f"{writer}: {kept[writer]} of {total[writer]} kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
