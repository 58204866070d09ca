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
  ("Supreme Court judges is the end of democracy…").

Usage: python scripts/eval_key_points.py [FILE ...] [--root DIR] [--show N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
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


def mid_clause_starts(episode: Path, transcript) -> dict[int, bool] | None:
    """{second: whether a sentence starting in that second starts inside a clause of
    the human transcript}, for auto-captions with `speaker_turns`; else None."""
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
    ref_words, _, ref_clauses = human_words(turns)
    matcher = difflib.SequenceMatcher(None, cue_words, ref_words, autojunk=False)
    to_ref = {a + k: b + k for a, b, n in matcher.get_matching_blocks() for k in range(n)}
    out: dict[int, bool] = {}
    for i in sentence_starts(transcript):
        if i in to_ref:
            out.setdefault(int(times[i]), to_ref[i] not in ref_clauses)
    return out


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
            by_id[t.video_id] = mid_clause_starts(f, t)
        points, judged, mid = 0, 0, []
        cont = []
        for note in sorted((config.notes_path / "topics").glob("*.md")):
            text = note.read_text(encoding="utf-8")
            video = re.search(r"^videoId: ['\"]?([\w-]+)", text, re.MULTILINE)
            starts = by_id.get(video.group(1)) if video else None
            for m in _POINT_RE.finditer(text):
                points += 1
                if continuing(m.group(1)):
                    cont.append(m.group(1))
                sec = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
                if starts is not None and sec in starts:
                    judged += 1
                    if starts[sec]:
                        mid.append(m.group(1))
    print(f"key points: {points}")
    print(f"  opening on a phrase-continuing word: {len(cont)}")
    print(f"  auto-captions, judged against the human transcript: {judged}; "
          f"starting inside a clause: {len(mid)} ({100 * len(mid) / max(1, judged):.1f} %)")
    for p in [*cont, *mid][:args.show]:
        print("   ", p[:110])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
