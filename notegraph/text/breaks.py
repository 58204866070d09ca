"""Where an unpunctuated caption run may end a sentence: a small learnt break model.

Auto-captions carry no punctuation, so the sentence splitter has to guess where one
sentence ends and the next begins. It asks this model, for the gap before each word, how
likely a sentence starts there: a logistic regression over the words around the gap (two
before, two after, and the pairs across and after it), whether a new caption line starts
there, the pause before that line and whether the next word is a name. It was fitted on
the 23 podcast episodes of ../shared/data/chaptered/, whose human transcripts say where
each sentence starts (`scripts/train_breaks.py` refits it and reports held-out scores);
the weights file holds feature weights only, no text.

The model answers in log-odds, so the splitter can add its answers along a candidate
partition and let a length prior settle the rest (`notegraph.text.sentences`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("break_weights.json")
_BARE_RE = re.compile(r"[^a-z0-9']")


def bare(token: str) -> str:
    """A caption token as the model sees it: lower case, letters, digits, apostrophes."""
    return _BARE_RE.sub("", token.lower().replace("’", "'")) or "<sym>"


def _pause_bucket(pause: float) -> str:
    return "0" if pause <= 0.05 else "s" if pause <= 0.3 else "m" if pause <= 1.0 else "l"


def gap_features(before: tuple[str, str], after: tuple[str, str], new_cue: bool,
                 pause: float, name: bool) -> list[str]:
    """The features of the gap between `before` (the two words before it, nearest last)
    and `after` (the two words after it, nearest first); words as `bare` gives them,
    "<s>"/"</s>" past the run's ends."""
    p2, p1 = before
    n1, n2 = after
    features = [f"p:{p1}", f"n:{n1}", f"p2:{p2}", f"n2:{n2}", f"pn:{p1}|{n1}", f"nn:{n1}|{n2}"]
    if new_cue:
        features += ["cue", f"pause:{_pause_bucket(pause)}"]
    if name:
        features.append("name")
    return features


@dataclass(frozen=True)
class BreakModel:
    """Feature weights and a bias: `log_odds` of a sentence starting at a gap."""

    bias: float
    weights: Mapping[str, float]

    def log_odds(self, features: Iterable[str]) -> float:
        """The model's log-odds that a sentence starts at a gap with `features`."""
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in features)

    def to_json(self) -> str:
        """The model as the JSON `load_model` reads (weights sorted, 3 decimals)."""
        weights = {k: round(v, 3) for k, v in sorted(self.weights.items())}
        return json.dumps({"bias": round(self.bias, 3), "weights": weights},
                          separators=(",", ":"), ensure_ascii=False) + "\n"


@functools.lru_cache(maxsize=1)
def default_model() -> BreakModel:
    """The shipped model (read once)."""
    return load_model(WEIGHTS_FILE)


def load_model(path: Path) -> BreakModel:
    """A model written by `BreakModel.to_json`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return BreakModel(float(data["bias"]), {str(k): float(v)
                                            for k, v in data["weights"].items()})
