"""How many key points open mid-phrase? Counts over the notes of real episodes.

Imports the episodes of ../shared/data/chaptered/ (or the files given) into a project
directory (default: a temporary one; `--root DIR` keeps it, and its embedding cache,
between runs), generates the notes and reports, over every key point of every topic
note:

- continuing word: the point opens on a word that continues a phrase ("of", "is",
  "which"…): a cut came before it;
- mid-clause (auto-captions only): the point's first word, aligned to the episode's
  human transcript (`speaker_turns`, as in scripts/eval_sentences.py), has no
  punctuation and no turn start before it there: the point starts inside a clause
  ("Supreme Court judges is the end of democracy…");
- against the human sentences (auto-captions only; the point's words found in order in
  the captions from its start): it starts at a human sentence start, ends at one, holds
  no human sentence end inside (a single sentence, not a run-on), and all three (clean).

Usage: python scripts/eval_key_points.py [FILE ...] [--root DIR] [--show N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_sentences import _bare, human_words  # noqa: E402

from notegraph import api, store  # noqa: E402
from notegraph.config import load_config  # noqa: E402
from notegraph.notes.generate import generate_notes  # noqa: E402
from notegraph.text.sentences import is_punctuated, sentence_starts  # noqa: E402
from notegraph.writers.extractive import CONTINUING_WORDS  # noqa: E402

_POINT_RE = re.compile(r'^- (?:\[\[[^\]]+\]\]: )?(.+?) <a class="yt-timestamp" '
                       r'data-t="(\d+):(\d+):(\d+)">', re.MULTILINE)


def continuing(text: str) -> bool:
    """Does the point's text open on a phrase-continuing word?"""
    return _bare(text.split(" ", 1)[0]) in CONTINUING_WORDS


@dataclass(frozen=True)
class Human:
    """One auto-captioned episode aligned to its human transcript."""

    cue_words: list[str]
    to_ref: dict[int, int]
    ref_starts: set[int]
    ref_clauses: set[int]
    first_word: dict[int, int]  # second → caption index of a sentence starting then

    def judge(self, second: int, text: str) -> tuple[bool, bool, bool, bool] | None:
        """(mid-clause start, starts at a human sentence start, ends at one, holds no
        human sentence end inside) for the point starting at `second`; None when it
        cannot be placed in the captions."""
        i = self.first_word.get(second)
        if i is None or i not in self.to_ref:
            return None
        end = _span_end(self.cue_words, i, [_bare(t) for t in text.split() if _bare(t)])
        if end is None or end + 1 not in self.to_ref:
            return None
        inner = any(self.to_ref.get(k) in self.ref_starts for k in range(i + 1, end + 1))
        return (self.to_ref[i] not in self.ref_clauses, self.to_ref[i] in self.ref_starts,
                self.to_ref[end + 1] in self.ref_starts, not inner)


def _span_end(cue_words: list[str], i: int, point: list[str]) -> int | None:
    """Index of the caption word that ends `point` (bare words) said from caption word
    `i` on: its words in order, skipping what cleaning dropped (fillers, repeats)."""
    p, k = 0, i
    limit = min(len(cue_words), i + 2 * len(point) + 10)
    while k < limit and p < len(point):
        if cue_words[k] == point[p]:
            p += 1
        k += 1
    return k - 1 if p >= len(point) - 1 and p else None


def human_alignment(episode: Path, transcript) -> Human | None:
    """The episode's captions aligned to its human transcript, for auto-captions with
    `speaker_turns`; else None."""
    if is_punctuated(transcript):
        return None
    turns = json.loads(episode.read_text(encoding="utf-8")).get("speaker_turns") or []
    if not turns:
        return None
    cue_words, times = [], []
    for cue in transcript.cues:
        for tok in cue.text.split():
            cue_words.append(_bare(tok))
            times.append(cue.start)
    ref_words, ref_starts, ref_clauses = human_words(turns)
    matcher = difflib.SequenceMatcher(None, cue_words, ref_words, autojunk=False)
    to_ref = {a + k: b + k for a, b, n in matcher.get_matching_blocks() for k in range(n)}
    first_word: dict[int, int] = {}
    for i in sentence_starts(transcript):
        first_word.setdefault(int(times[i]), i)
    return Human(cue_words, to_ref, ref_starts, ref_clauses, first_word)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--root", type=Path, help="project directory to (re)use")
    parser.add_argument("--show", type=int, default=0, help="print N mid-phrase points")
    args = parser.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "data" / "chaptered").glob("*.json"))
    if not files:
        print("no transcripts: pass files or provide ../shared/data/chaptered/", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="notegraph-kp-") as tmp:
        config = load_config(args.root or Path(tmp))
        if not store.list_transcripts(config.transcripts_path):
            api.import_files(config, files)
        generate_notes(config, force=True)
        by_id = {}
        for f in files:
            t = store.load_transcript(config.transcripts_path / f"{f.stem}.json")
            by_id[t.video_id] = human_alignment(f, t)
        points, judged, mid = 0, 0, []
        cont: list[str] = []
        shape = [0, 0, 0, 0]  # starts right, ends right, single sentence, all three
        for note in sorted((config.notes_path / "topics").glob("*.md")):
            text = note.read_text(encoding="utf-8")
            video = re.search(r"^videoId: ['\"]?([\w-]+)", text, re.MULTILINE)
            human = by_id.get(video.group(1)) if video else None
            for m in _POINT_RE.finditer(text):
                points += 1
                if continuing(m.group(1)):
                    cont.append(m.group(1))
                sec = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
                verdict = human.judge(sec, m.group(1)) if human else None
                if verdict is None:
                    continue
                judged += 1
                if verdict[0]:
                    mid.append(m.group(1))
                for k, ok in enumerate([*verdict[1:], all(verdict[1:])]):
                    shape[k] += ok
    print(f"key points: {points}")
    print(f"  opening on a phrase-continuing word: {len(cont)}")
    print(f"  auto-captions, judged against the human transcript: {judged}; "
          f"starting inside a clause: {len(mid)} ({100 * len(mid) / max(1, judged):.1f} %)")
    for label, n in zip(["starting at a human sentence start", "ending at a human "
                         "sentence end", "holding one human sentence (no run-on)",
                         "all three (clean)"], shape, strict=True):
        print(f"  {label}: {n} ({100 * n / max(1, judged):.1f} %)")
    for p in [*cont, *mid][:args.show]:
        print("   ", p[:110])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
