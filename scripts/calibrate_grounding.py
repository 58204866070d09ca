"""Calibrate the grounding check's thresholds on real episodes (shared/data/chaptered).

    python scripts/calibrate_grounding.py ../shared/data/chaptered [--vault DIR]

What is measured, with the very scoring `notegraph.topics.grounding.GroundingChecker` uses
(all-MiniLM-L6-v2, sentences from `split_sentences`, spans of ≤ 20 s / 4 sentences):

- *claims*: the first sentence of each human-edited speaker turn (`speaker_turns`): the
  same content as the auto-captions, in other (cleaned, punctuated) words. A model's
  prose paraphrases more than this, so the true-positive rates are an upper bound.
- `true`: the claim scored at the sentence where its turn starts (a correct citation);
- `same topic`: scored at a random sentence of the same chapter ≥ 30 s away (a wrong
  citation inside the topic: the hardest case);
- `other topic`: scored at a random sentence of another chapter (a wrong citation);
- `foreign`: a claim from another episode scored at a random sentence (invented claim);
- re-citation: the best span of the whole chapter, for the true claim (should pass) and
  for foreign claims (must not: an invented claim would be re-cited to a moment).

With `--vault`, LLM-written notes of the same episodes found in a Tubegraph-style vault
are checked too: the share of their cited sentences the check would keep as cited, and
the share it could re-cite within ±10 minutes of the citation. Prints tables; no
wall-clock numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notegraph.config import Config
from notegraph.embed.embedder import load_embedder
from notegraph.slugs import parse_timestamp
from notegraph.text.sentences import split_sentences
from notegraph.topics.evaluate import load_episode
from notegraph.topics.grounding import (
    DEFAULT_MARGIN,
    DEFAULT_RECITE,
    DEFAULT_SUPPORT,
    GroundingChecker,
    specifics,
)
from notegraph.writers.llm import clean_text

CHAPTERS_PER_EPISODE = 3
CLAIMS_PER_CHAPTER = 15
_FIRST_SENTENCE_RE = re.compile(r"^(.+?[.?!])(\s|$)")


def first_sentence(text: str) -> str:
    m = _FIRST_SENTENCE_RE.match(" ".join(text.split()))
    return m.group(1) if m else ""


def chapter_ranges(chapters, duration):
    starts = [c.start for c in chapters]
    return list(zip(starts, [*starts[1:], duration], strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--vault", type=Path, help="a Tubegraph-style vault with notes of these videos")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    embedder = load_embedder(Config(root=Path(__file__).resolve().parents[1]))

    episodes = []
    for path in sorted(args.directory.glob("*.json")):
        ep = load_episode(path)
        raw = json.loads(path.read_text(encoding="utf-8"))
        claims = [(float(t["start"]), first_sentence(t["text"]))
                  for t in raw.get("speaker_turns") or ()]
        claims = [(t, c) for t, c in claims if len(c.split()) >= 6]
        episodes.append((ep, split_sentences(ep.transcript), claims))

    rows: dict[str, list[float]] = {k: [] for k in
                                    ("true", "same topic", "other topic", "foreign",
                                     "recite true", "recite foreign")}
    margins: dict[str, list[float]] = {"true": [], "foreign": []}
    names_ok: list[bool] = []
    for n, (ep, sents, claims) in enumerate(episodes):
        ranges = [r for r in chapter_ranges(ep.chapters, ep.transcript.duration)
                  if r[1] - r[0] >= 180]
        chosen = rng.sample(ranges, min(CHAPTERS_PER_EPISODE, len(ranges)))
        checkers = []
        for lo, hi in chosen:
            ch_sents = [s for s in sents if lo <= s.start < hi]
            checkers.append((lo, hi, ch_sents, GroundingChecker(ch_sents, embedder)))
        others = [c for m, (_, _, cl) in enumerate(episodes) if m != n for c in cl]
        for k, (lo, hi, ch_sents, checker) in enumerate(checkers):
            inside = [(t, c) for t, c in claims if lo + 5 <= t < hi - 20]
            picked = rng.sample(inside, min(CLAIMS_PER_CHAPTER, len(inside)))
            foreign = [c for _, c in rng.sample(others, len(picked))]
            if not picked:
                continue
            starts = np.array([s.start for s in ch_sents])
            scores = checker.scores([c for _, c in picked] + foreign)
            true_scores, foreign_scores = scores[:len(picked)], scores[len(picked):]
            other = checkers[(k + 1) % len(checkers)][3] if len(checkers) > 1 else None
            other_scores = other.scores([c for _, c in picked]) if other else None
            for j, (t, _) in enumerate(picked):
                i = int(np.argmin(np.abs(starts - t)))
                if abs(starts[i] - t) > 4:
                    continue
                rows["true"].append(float(true_scores[j, i]))
                far = np.flatnonzero(np.abs(starts - t) >= 30)
                if len(far):
                    rows["same topic"].append(float(true_scores[j, rng.choice(list(far))]))
                if other_scores is not None:
                    rows["other topic"].append(
                        float(other_scores[j, rng.randrange(other_scores.shape[1])]))
                rows["foreign"].append(float(foreign_scores[j, rng.randrange(len(starts))]))
                rows["recite true"].append(float(true_scores[j].max()))
                rows["recite foreign"].append(float(foreign_scores[j].max()))
                for name, row in (("true", true_scores[j]), ("foreign", foreign_scores[j])):
                    b = int(row.argmax())
                    margins[name].append(float(row[b]) - checker.runner_up(row, b))
                names_ok.append(all(w in checker.vocabulary for w in specifics(picked[j][1])))

    print(f"claims: {len(rows['true'])} true, {len(rows['foreign'])} foreign, "
          f"from {len(episodes)} episodes\n")
    print("share of scores ≥ threshold (support: at the cited sentence; recite: best span "
          "of the chapter)")
    print("| threshold | true | same topic | other topic | foreign | recite true "
          "| recite foreign |")
    print("|---|---|---|---|---|---|---|")
    for thr in np.arange(0.30, 0.75, 0.05):
        cells = [f"{np.mean(np.array(v) >= thr):.0%}" for v in rows.values()]
        print(f"| {thr:.2f} | " + " | ".join(cells) + " |")
    print("\nmedians: " + ", ".join(f"{k} {np.median(v):.2f}" for k, v in rows.items()))
    print("\nre-citation margin (best span minus best non-overlapping span), share ≥ m:")
    print("| m | true | foreign |\n|---|---|---|")
    for m in (0.0, 0.03, 0.05, 0.08, 0.10):
        print(f"| {m:.2f} | " + " | ".join(f"{np.mean(np.array(v) >= m):.0%}"
                                          for v in margins.values()) + " |")
    both = [t >= DEFAULT_RECITE and mg >= DEFAULT_MARGIN
            for t, mg in zip(rows["recite foreign"], margins["foreign"], strict=True)]
    both_true = [t >= DEFAULT_RECITE and mg >= DEFAULT_MARGIN
                 for t, mg in zip(rows["recite true"], margins["true"], strict=True)]
    print(f"re-cited at recite {DEFAULT_RECITE} + margin {DEFAULT_MARGIN}: true "
          f"{np.mean(both_true):.0%}, foreign {np.mean(both):.0%}")
    print(f"names/numbers check passes {np.mean(names_ok):.0%} of true claims")
    print(f"current defaults: support {DEFAULT_SUPPORT}, recite {DEFAULT_RECITE}, "
          f"margin {DEFAULT_MARGIN}")
    if args.vault:
        check_vault(args.vault, episodes, embedder)


_CITED_RE = re.compile(
    r"([^.!?\n]*[.!?]?)\s*(?:<a [^>]*data-t=\"([\d:]+)\"[^>]*>[^<]*</a>|\[(\d{1,2}:\d{2}:\d{2})\])")


def check_vault(vault: Path, episodes, embedder) -> None:
    """Score the cited sentences of LLM-written notes about these episodes."""
    kept = recitable = total = outside = 0
    for ep, sents, _ in episodes:
        vid = ep.transcript.video_id
        claims = []
        for note in vault.rglob("*.md"):
            text = note.read_text(encoding="utf-8", errors="replace")
            if f"videoId: {vid}" not in text:
                continue
            for m in _CITED_RE.finditer(text):
                sentence = clean_text(m.group(1))  # as the LLM writer cleans a reply
                seconds = parse_timestamp(m.group(2) or m.group(3))
                if len(sentence.split()) >= 6 and seconds is not None:
                    claims.append((sentence, seconds))
        for sentence, seconds in claims:
            total += 1
            window = [s for s in sents if abs(s.start - seconds) <= 600]
            if not window:
                outside += 1  # the cited time is not in the video at all
                continue
            checker = GroundingChecker(window, embedder, context=[
                ep.transcript.title, ep.transcript.channel])
            row = checker.scores([sentence])[0]
            starts = np.array([s.start for s in window])
            at = np.flatnonzero(np.abs(starts - seconds) <= 5.0)
            best = int(row.argmax())
            if not all(w in checker.vocabulary for w in specifics(sentence)):
                continue  # names or numbers the transcript never says: dropped
            if len(at) and row[at].max() >= DEFAULT_SUPPORT:
                kept += 1
            elif (row[best] >= DEFAULT_RECITE
                  and row[best] - checker.runner_up(row, best) >= DEFAULT_MARGIN):
                recitable += 1
    if total:
        print(f"\nLLM-written vault notes: {total} cited sentences; {outside} cite a time "
              f"outside the video; kept as cited {kept / total:.0%}, re-citable within "
              f"±10 min {recitable / total:.0%}, dropped "
              f"{(total - kept - recitable) / total:.0%}")


if __name__ == "__main__":
    main()
