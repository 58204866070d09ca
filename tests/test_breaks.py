"""The learnt sentence-break model of auto-captions (notegraph/text/breaks.py)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from notegraph.text.breaks import (
    WEIGHTS_FILE,
    BreakModel,
    bare,
    default_model,
    gap_features,
    load_model,
)


def _odds(before: tuple[str, str], after: tuple[str, str], new_cue: bool = False) -> float:
    return default_model().log_odds(gap_features(before, after, new_cue, 0.0, False))


def test_the_shipped_model_knows_where_sentences_start() -> None:
    assert WEIGHTS_FILE.is_file()
    # "…got there | so that was…" starts a sentence; "…the israeli | government to…" and
    # "…the | war…" do not
    assert _odds(("got", "there"), ("so", "that")) > 0
    assert _odds(("the", "israeli"), ("government", "to")) < 0
    assert _odds(("of", "the"), ("war", "and")) < _odds(("got", "there"), ("yeah", "it"))
    # a new caption line makes a start likelier, all else equal
    assert _odds(("it", "was"), ("and", "then"), True) > _odds(("it", "was"), ("and", "then"))


def test_a_model_round_trips_through_its_json(tmp_path: Path) -> None:
    model = BreakModel(-1.25, {"n:so": 1.5, "p:the": -2.0})
    path = tmp_path / "m.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert load_model(path) == model
    assert load_model(path).log_odds(["n:so", "cue", "p:the"]) == -1.75


@given(st.text())
def test_bare_is_never_empty_and_never_has_spaces(token: str) -> None:
    out = bare(token)
    assert out and not any(c.isspace() for c in out)
    assert out == "<sym>" or all(c.isalnum() or c == "'" for c in out)
