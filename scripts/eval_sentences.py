"""How well are auto-captions cut into sentences? Boundary precision/recall vs a human text.

The episodes of ../shared/data/chaptered/ carry YouTube auto-captions (no punctuation)
and, in `speaker_turns`, a human transcript of the same talk with punctuation. The human
sentence starts (a turn's first word, a word after `.`, `?` or `!`) are mapped onto the
caption words by aligning the two word sequences (difflib, lower-cased bare words). Only
positions inside aligned runs count:

- precision: of notegraph's sentence starts (`sentences.sentence_starts`), the share that
  are human sentence starts,
- recall: of the human sentence starts, the share notegraph starts a sentence at,
- mid-clause: of notegraph's sentence starts, the share where the human text has no
  punctuation at all (not even a comma) before the word: a cut inside a clause, the
  kind that makes a fragment key point ("Government to the prime minister…").

A start counts when it is on the same word (exact). Usage:
python scripts/eval_sentences.py [DIR]   (default ../shared/data/chaptered)
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notegraph.models import Transcript  # noqa: E402
from notegraph.sources import read_transcript_file  # noqa: E402
from notegraph.text.sentences import is_punctuated, sentence_starts  # noqa: E402

_END_RE = re.compile(r"[.?!…][\"'”’)\]]*$")
_ABBREV = {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "e.g.", "i.e.", "etc."}


def _bare(token: str) -> str:
    return re.sub(r"[^a-z0-9']", "", token.lower().replace("’", "'"))


def human_words(turns: list[dict]) -> tuple[list[str], set[int], set[int]]:
    """The human transcript's bare words, the indices of its sentence starts and of the
    words after any punctuation (clause boundaries, sentence starts included)."""
    words: list[str] = []
    starts: set[int] = set()
    clauses: set[int] = set()
    after_mark = True
    for turn in turns:
        new_sentence = True
        for tok in str(turn.get("text", "")).split():
            bare = _bare(tok)
            if not bare:
                continue
            if new_sentence:
                starts.add(len(words))
            if new_sentence or after_mark:
                clauses.add(len(words))
            words.append(bare)
            new_sentence = bool(_END_RE.search(tok)) and tok.lower() not in _ABBREV
            after_mark = bool(re.search(r"[,;:.?!…—-][\"'”’)\]]*$", tok))
    return words, starts, clauses


def alignment(path: Path, transcript: Transcript
              ) -> tuple[list[str], dict[int, int], set[int], set[int]]:
    """(the caption words, caption word → human word for aligned words, the human sentence
    starts, the human clause starts) for one episode."""
    data = json.loads(path.read_text(encoding="utf-8"))
    cue_words = [_bare(t) for c in transcript.cues for t in c.text.split()]
    ref_words, ref_starts, ref_clauses = human_words(data.get("speaker_turns") or [])
    matcher = difflib.SequenceMatcher(None, cue_words, ref_words, autojunk=False)
    to_ref: dict[int, int] = {}
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            to_ref[a + k] = b + k
    return cue_words, to_ref, ref_starts, ref_clauses


def aligned(to_ref: dict[int, int], i: int) -> bool:
    """Are caption word `i` and the word before it aligned, in order? (a start is judged
    only there)"""
    return i in to_ref and (i == 0 or (i - 1 in to_ref and to_ref[i - 1] == to_ref[i] - 1))


def score_starts(ours: set[int], to_ref: dict[int, int], ref_starts: set[int],
                 ref_clauses: set[int]) -> tuple[int, int, int, int]:
    """(true positives, our starts counted, human starts counted, our starts inside a
    clause) of the caption-word sentence starts `ours`."""
    from_ref = {v: k for k, v in to_ref.items()}
    counted_ours = [i for i in ours if aligned(to_ref, i)]
    tp = sum(1 for i in counted_ours if to_ref[i] in ref_starts)
    counted_ref = [r for r in ref_starts if r in from_ref and aligned(to_ref, from_ref[r])]
    mid = sum(1 for i in counted_ours if to_ref[i] not in ref_clauses)
    return tp, len(counted_ours), len(counted_ref), mid


def score_episode(path: Path, transcript: Transcript) -> tuple[int, int, int, int]:
    """(true positives, notegraph starts counted, human starts counted, notegraph starts
    inside a clause) for one episode (`transcript`: the episode read by notegraph)."""
    _, to_ref, ref_starts, ref_clauses = alignment(path, transcript)
    return score_starts(set(sentence_starts(transcript)), to_ref, ref_starts, ref_clauses)


def _row(label: str, counts: list[int] | tuple[int, int, int, int]) -> str:
    tp, n_ours, n_ref, mid = counts
    p, r = tp / max(n_ours, 1), tp / max(n_ref, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    return f"{label:<22} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {mid / max(n_ours, 1):>10.3f}"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "chaptered"
    files = sorted(folder.glob("*.json"))
    if not files:
        print(f"no episodes in {folder}", file=sys.stderr)
        return 1
    print(f"{'episode':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'mid-clause':>10}")
    total = [0, 0, 0, 0]
    auto = [0, 0, 0, 0]
    for path in files:
        # read (and cleaned) once: the scores and the auto-caption flag share it
        transcript = read_transcript_file(path)
        counts = score_episode(path, transcript)
        total = [a + b for a, b in zip(total, counts, strict=True)]
        transcript_is_auto = not is_punctuated(transcript)
        if transcript_is_auto:
            auto = [a + b for a, b in zip(auto, counts, strict=True)]
        print(_row(path.stem + ("" if transcript_is_auto else " (punct.)"), counts))
    print(_row("auto-captions", auto))
    print(_row("all (micro)", total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
