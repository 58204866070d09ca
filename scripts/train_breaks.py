"""Fit the sentence-break model of auto-captions (notegraph/text/break_weights.json).

Each episode of ../shared/data/chaptered/ has YouTube auto-captions (no punctuation) and
a human transcript of the same talk (`speaker_turns`). The caption words are aligned to
the human words (scripts/eval_sentences.py); every gap inside a speaker's run whose two
words are aligned is labelled "a sentence starts here" when the human transcript starts
one at that word. A logistic regression over the gap's features
(`notegraph.text.breaks.gap_features`) is fitted to those labels.

It reports, before writing anything, sentence-start precision/recall/F1 of the whole
splitter (model + length prior) on held-out episodes: 4 folds by episode, each scored by
a model fitted on the other three, for a small grid of the splitter's BREAK_COST and
LENGTH_WEIGHT; then the current shipped splitter on the same episodes. `--write` fits on
all episodes and writes the weights (with the best grid point printed, to set in
notegraph/text/sentences.py).

Usage: python scripts/train_breaks.py [DIR] [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_sentences import aligned, alignment, score_starts  # noqa: E402

from notegraph.models import Transcript  # noqa: E402
from notegraph.sources import read_transcript_file  # noqa: E402
from notegraph.text import sentences as splitter  # noqa: E402
from notegraph.text.breaks import WEIGHTS_FILE, BreakModel  # noqa: E402

MIN_FEATURE_COUNT = 10  # rarer features are left out (noise, and a smaller file)
C = 0.5  # inverse L2 strength of the logistic regression
MIN_WEIGHT = 0.05  # smaller weights change no break: left out of the file
GRID = [(-0.5, 0.5)]


def episode_data(path: Path) -> dict | None:
    """The transcript, its labelled gaps and its alignment; None for punctuated cues."""
    transcript = read_transcript_file(path)
    if splitter.is_punctuated(transcript):
        return None
    _, to_ref, ref_starts, ref_clauses = alignment(path, transcript)
    gaps = [(feats, to_ref[j] in ref_starts) for j, feats in splitter.caption_gaps(transcript)
            if aligned(to_ref, j)]
    return {"name": path.stem, "transcript": transcript, "gaps": gaps,
            "align": (to_ref, ref_starts, ref_clauses)}


def fit(episodes: list[dict]) -> BreakModel:
    """A break model fitted on the labelled gaps of `episodes`."""
    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [(feats, label) for ep in episodes for feats, label in ep["gaps"]]
    seen = Counter(f for feats, _ in rows for f in feats)
    keep = {f for f, n in seen.items() if n >= MIN_FEATURE_COUNT}
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in feats if f in keep} for feats, _ in rows])
    y = [label for _, label in rows]
    lr = LogisticRegression(C=C, max_iter=1000).fit(x, y)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), lr.coef_[0],
                                                  strict=True) if abs(w) >= MIN_WEIGHT}
    return BreakModel(float(lr.intercept_[0]), weights)


def score(episodes: list[dict], model: BreakModel | None) -> list[int]:
    """Summed (tp, ours, human, mid-clause) of the splitter with `model` on `episodes`."""
    total = [0, 0, 0, 0]
    for ep in episodes:
        transcript: Transcript = ep["transcript"]
        starts = set(splitter.sentence_starts(transcript, model=model))
        counts = score_starts(starts, *ep["align"])
        total = [a + b for a, b in zip(total, counts, strict=True)]
    return total


def prf(counts: list[int]) -> str:
    tp, ours, ref, mid = counts
    p, r = tp / max(ours, 1), tp / max(ref, 1)
    return (f"precision {p:.3f}  recall {r:.3f}  F1 {2 * p * r / max(p + r, 1e-9):.3f}  "
            f"mid-clause {mid / max(ours, 1):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        default=ROOT.parent / "shared" / "data" / "chaptered")
    parser.add_argument("--write", action="store_true", help="write the fitted weights")
    args = parser.parse_args()
    episodes = [ep for p in sorted(args.folder.glob("*.json")) if (ep := episode_data(p))]
    if not episodes:
        print(f"no auto-caption episodes in {args.folder}", file=sys.stderr)
        return 1
    print(f"{len(episodes)} episodes, {sum(len(ep['gaps']) for ep in episodes)} labelled gaps")
    folds = [episodes[k::4] for k in range(4)]
    models = [fit([ep for j, f in enumerate(folds) if j != k for ep in f]) for k in range(4)]
    results = {}
    for cost, length in GRID:
        splitter.BREAK_COST, splitter.LENGTH_WEIGHT = cost, length
        total = [0, 0, 0, 0]
        for fold, model in zip(folds, models, strict=True):
            total = [a + b for a, b in zip(total, score(fold, model), strict=True)]
        results[(cost, length)] = total
        print(f"held out, BREAK_COST {cost:+.1f} LENGTH_WEIGHT {length:.1f}: {prf(total)}")
    best = max(results, key=lambda k: _f1(results[k]))
    print(f"best: BREAK_COST = {best[0]}, LENGTH_WEIGHT = {best[1]}")
    if args.write:
        WEIGHTS_FILE.write_text(fit(episodes).to_json(), encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


def _f1(counts: list[int]) -> float:
    tp, ours, ref, _ = counts
    p, r = tp / max(ours, 1), tp / max(ref, 1)
    return 2 * p * r / max(p + r, 1e-9)


if __name__ == "__main__":
    raise SystemExit(main())
