"""Property-based tests of every parser (issue 11): any input gives a result or a
`NotegraphError` with a one-line message — never another exception — and round-trips
hold where they exist.

Budget: `FUZZ_EXAMPLES` examples per property (default 40; the whole module runs in
well under a minute), no deadline (the machine is shared), derandomized under CI so a
run there is reproducible. `NOTEGRAPH_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_parsers.py`
searches harder locally.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegraph.config import load_config
from notegraph.errors import NotegraphError
from notegraph.models import Cue
from notegraph.notes.markdown import link_label, wikilink
from notegraph.slugs import (
    MAX_SLUG_BYTES,
    MAX_TIMESTAMP_SECONDS,
    WIKILINK_RE,
    format_timestamp,
    id_from_filename,
    parse_timestamp,
    parse_wikilink,
    slugify,
)
from notegraph.sources import parse_transcript_text, read_transcript_file
from notegraph.sources.chapters import find_chapter_lists, parse_chapters
from notegraph.sources.cueblocks import iter_cue_blocks
from notegraph.sources.jsonformats import parse_json
from notegraph.sources.parsed import LayoutError
from notegraph.sources.srt import parse_srt
from notegraph.sources.text import parse_text
from notegraph.sources.turns import Turn, align_speakers
from notegraph.sources.vtt import parse_vtt
from notegraph.sources.whispercpp import parse_whispercpp
from notegraph.sources.youtube import parse_video_id
from notegraph.text.cleanup import clean_cues
from notegraph.vault.frontmatter import split_frontmatter
from notegraph.vault.read import parse_note

EXAMPLES = int(os.environ.get("NOTEGRAPH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# ---------------------------------------------------------------- strategies

# Text a hostile file holds: any character (surrogates, NUL, ESC, RTL marks included).
any_text = st.text(max_size=300)
digits = st.text("0123456789", min_size=1, max_size=6) | st.just("9" * 400)
time_text = st.one_of(
    st.builds(lambda h, m, s, f, sep: f"{h}:{m}:{s}{sep}{f}", digits, digits, digits, digits,
              st.sampled_from([".", ",", ""])),
    st.builds(lambda m, s, f: f"{m}:{s}.{f}", digits, digits, digits),
    st.from_regex(r"-?\d{1,3}:\d{2}:\d{2}[.,]\d{3}", fullmatch=True),
    st.text("0123456789:.,- ", max_size=14),
)
caption_line = st.one_of(any_text.map(lambda t: t.replace("\n", " ")),
                         st.sampled_from(["", " ", "NOTE x", ">> SAM: hi", "- [Sam] Yeah.",
                                          "<v Bob>hello</v>", "[Music]", "♪", "&gt;&gt; x",
                                          "word<00:00:01.234><c> next</c>", "1", "STYLE"]))
timing_line = st.builds(lambda a, b, s: f"{a} --> {b}{s}", time_text, time_text,
                        st.sampled_from(["", " align:start position:0%"]))


@st.composite
def caption_file(draw: st.DrawFn, header: str) -> str:
    """SRT/WebVTT-shaped text: timing lines, payloads, numbers and blank lines."""
    lines = draw(st.lists(st.one_of(timing_line, caption_line), max_size=30))
    return header + "\n".join(lines)


whisper_line = st.builds(lambda a, b, t: f"[{a} --> {b}]  {t}", time_text, time_text,
                         caption_line)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(),
                        st.floats(allow_nan=True, allow_infinity=True), any_text)
json_number = st.one_of(st.integers(-10, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                        st.sampled_from([1e308, 1e309, -1.0, 0, "12", "soon", None, True]))
json_any = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(any_text, inner, max_size=4), max_leaves=20)


def _cue_dict(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({k: json_number for k in keys},
                                 optional={"text": json_scalar, "body": json_scalar,
                                           "speaker": json_scalar, "title": json_scalar})


json_layout = st.one_of(
    st.lists(_cue_dict(("start", "duration")), max_size=8),  # youtube-transcript-api
    st.fixed_dictionaries({"segments": st.lists(_cue_dict(("start", "end")), max_size=8)},
                          optional={"language": json_scalar}),  # whisper
    st.fixed_dictionaries({"segments": st.lists(_cue_dict(("startTime", "endTime")),
                                                max_size=8)}),  # Podcasting 2.0
    st.fixed_dictionaries({"video_id": json_scalar, "title": json_scalar,
                           "cues": st.lists(_cue_dict(("start", "end")), max_size=8)},
                          optional={"chapters": st.lists(_cue_dict(("start",)), max_size=4),
                                    "duration": json_number}),  # notegraph's own
    st.fixed_dictionaries({"cues": st.lists(_cue_dict(("start", "duration")), max_size=8)},
                          optional={"chapters": st.lists(_cue_dict(("start",)), max_size=4),
                                    "speaker_turns": st.lists(_cue_dict(("start",)),
                                                              max_size=4),
                                    "duration": json_number}),  # chaptered episode
    json_any,
)
text_line = st.one_of(
    caption_line,
    st.builds(lambda t, x: f"{t} {x}", time_text, caption_line),
    st.builds(lambda t, n, x: f"[{t}] {n}: {x}", time_text, st.sampled_from(["Ann", "BOB"]),
              caption_line),
    st.builds(lambda n, t: f"**{n}** ({t})", st.sampled_from(["Ann", "Bob"]), time_text),
    st.builds(lambda t, x: f"{t} - {x}", time_text, caption_line),  # a chapter line
)
text_file = st.lists(text_line, max_size=25).map("\n".join)

transcript_text = st.one_of(
    any_text,
    caption_file("WEBVTT\n\n"),
    caption_file(""),
    st.lists(whisper_line, max_size=15).map("\n".join),
    json_layout.map(json.dumps),
    text_file,
)


def assert_one_line(exc: NotegraphError) -> None:
    message = str(exc)
    assert message.strip() and "\n" not in message and "\r" not in message, repr(message)


# ---------------------------------------------------------------- transcript readers

@FUZZ
@given(transcript_text)
def test_any_transcript_text_parses_or_is_a_parse_error(text: str) -> None:
    try:
        parsed = parse_transcript_text(text, "fuzz.txt")
    except NotegraphError as exc:
        assert_one_line(exc)
        assert "fuzz.txt" in str(exc)
        return
    assert all(isinstance(c.text, str) for c in parsed.cues)


@pytest.mark.parametrize("reader", [parse_vtt, parse_srt, parse_whispercpp, parse_json,
                                    parse_text], ids=lambda r: r.__name__)
@FUZZ
@given(text=transcript_text)
def test_each_reader_gives_cues_or_a_layout_error(reader: Any, text: str) -> None:
    try:
        parsed = reader(text)
    except LayoutError as exc:
        assert str(exc).strip()
        return
    for cue in parsed.cues:
        assert isinstance(cue.start, float | int) and isinstance(cue.end, float | int)


@FUZZ
@given(text=transcript_text, title=st.none() | any_text, channel=st.none() | any_text)
def test_import_of_any_file_is_a_transcript_or_one_line(text: str, title: str | None,
                                                        channel: str | None) -> None:
    """`notegraph import` end to end: the transcript it would store is finite, bounded,
    clean of control characters and writable as UTF-8."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.json"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            t = read_transcript_file(path, title=title, channel=channel)
        except NotegraphError as exc:
            assert_one_line(exc)
            return
    json.dumps(t.to_dict(), ensure_ascii=False).encode("utf-8")  # no lone surrogate
    assert 0 <= t.duration <= 2 * MAX_TIMESTAMP_SECONDS
    for cue in t.cues:
        assert 0 <= cue.start <= cue.end <= MAX_TIMESTAMP_SECONDS
        assert cue.text and not any(ord(ch) < 32 and ch != "\n" for ch in cue.text)
    for value in (t.title, t.channel, *(c.title for c in t.chapters)):
        assert not any(ord(ch) < 32 for ch in value)


@FUZZ
@given(caption_file(""))
def test_cue_blocks_are_ordered_times_or_a_layout_error(text: str) -> None:
    try:
        blocks = list(iter_cue_blocks(text))
    except LayoutError:
        return
    for b in blocks:
        assert 0 <= b.start <= b.end <= MAX_TIMESTAMP_SECONDS


@FUZZ
@given(st.lists(st.one_of(text_line, any_text), max_size=30))
def test_chapter_lists_start_at_zero_and_increase(lines: list[str]) -> None:
    for chapters in [parse_chapters("\n".join(lines)),
                     *(found for _, _, found in find_chapter_lists(lines))]:
        if chapters:
            assert chapters[0].start == 0 and len(chapters) >= 3
            assert all(b.start - a.start >= 10 for a, b in itertools.pairwise(chapters))
            assert all(c.title.strip() for c in chapters)


# readers give times in milliseconds (what every format writes)
times = st.integers(0, 36_000_000).map(lambda ms: ms / 1000)
cues_strategy = st.lists(st.builds(lambda a, d, t, s: Cue(a, round(a + d, 3), t, s), times,
                                   st.integers(0, 30_000).map(lambda ms: ms / 1000),
                                   caption_line,
                                   st.none() | st.sampled_from(["Ann", "Bob", ""])),
                         max_size=20)


@FUZZ
@given(cues_strategy, st.lists(st.builds(Turn, times, st.sampled_from(["Ann", "Bob"]),
                                         caption_line), max_size=6))
def test_speaker_alignment_never_loses_a_word(cues: list[Cue], turns: list[Turn]) -> None:
    cues = sorted(cues, key=lambda c: c.start)
    out = align_speakers(cues, sorted(turns, key=lambda t: t.start))
    assert sum(len(c.text.split()) for c in out) == sum(len(c.text.split()) for c in cues)


# ---------------------------------------------------------------- text/cleanup

@FUZZ
@given(cues_strategy)
def test_cleanup_is_idempotent_sorted_and_clean(cues: list[Cue]) -> None:
    once = clean_cues(cues)
    assert clean_cues(once) == once
    assert [c.start for c in once] == sorted(c.start for c in once)
    for c in once:
        assert c.text == c.text.strip() and c.text
        assert not any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in c.text)


# ---------------------------------------------------------------- timestamps, slugs, IDs

@FUZZ
@given(st.one_of(time_text, any_text))
def test_parse_timestamp_is_a_bounded_time_or_none(text: str) -> None:
    seconds = parse_timestamp(text)
    assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= MAX_TIMESTAMP_SECONDS)


@FUZZ
@given(st.floats(0, MAX_TIMESTAMP_SECONDS, allow_nan=False))
def test_timestamp_round_trip(seconds: float) -> None:
    text = format_timestamp(seconds)
    assert parse_timestamp(text) == int(seconds)
    assert format_timestamp(parse_timestamp(text) or 0) == text


@FUZZ
@given(any_text)
def test_slugs_and_ids_are_safe_names(text: str) -> None:
    slug = slugify(text)
    assert slug and len(slug.encode()) <= MAX_SLUG_BYTES and slug.isascii()
    assert "/" not in slug and slug not in (".", "..")
    vid = id_from_filename(text + ".srt")  # raises nothing: any file name gives an ID
    assert "/" not in vid and ".." not in vid and len(vid) <= 80


# ---------------------------------------------------------------- notes: frontmatter, links

yaml_like = st.lists(st.one_of(
    any_text.map(lambda t: t.replace("\n", " ")),
    st.sampled_from(["date: 2026-13-45", "a: &a [x, x, x]", "b: [*a, *a, *a]", "t: !!python/x",
                     "k: 1e999", "- list", "k: {", "tags: [a, b]", "title: 'x'", "...",
                     "aliases: [[x]]", "x: !!binary AAAA", "y: 0x1F", "z: [[[[[[[[]]]]]]]]"])),
    max_size=12).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\nbody [[x]]\n")


@FUZZ
@given(st.one_of(yaml_like, any_text))
def test_frontmatter_never_raises(text: str) -> None:
    problems: list[str] = []
    meta, body = split_frontmatter(text, problems)
    assert isinstance(meta, dict) and isinstance(body, str)
    assert all(isinstance(k, str) for k in meta)
    assert all("\n" not in p for p in problems)


@FUZZ
@given(st.one_of(yaml_like, any_text), st.binary(max_size=200))
def test_any_note_file_parses(text: str, junk: bytes) -> None:
    for data in (text.encode("utf-8", "surrogatepass"), junk):
        note = parse_note("folder/fuzz.md", data)
        assert note.id == "folder/fuzz" and isinstance(note.title, str)
        for ts in note.timestamps:
            assert ts.seconds is None or 0 <= ts.seconds <= MAX_TIMESTAMP_SECONDS


@FUZZ
@given(any_text)
def test_wikilink_parsing_never_raises(text: str) -> None:
    for m in WIKILINK_RE.finditer(text):
        link = parse_wikilink(m.group(2))
        assert isinstance(link.text, str)


@FUZZ
@given(any_text.filter(lambda t: link_label(t) != "untitled"), any_text)
def test_written_wikilinks_parse_back(target: str, label: str) -> None:
    """What notes write, `[[target|label]]`, reads back as the same target and label."""
    text = wikilink(target, label)
    m = WIKILINK_RE.fullmatch(text)
    assert m is not None, text
    link = parse_wikilink(m.group(2))
    assert link.target == link_label(target)
    assert link.label in (None, link_label(label))


def test_a_target_ending_in_a_backslash_is_not_read_as_an_escaped_pipe() -> None:
    # found by the test above: "\\" then "|label" read back as Obsidian's "\\|"
    for target in ("\\", "notes\\"):
        link = parse_wikilink(WIKILINK_RE.fullmatch(wikilink(target, "x")).group(2))
        assert link.target == link_label(target) and not link.target.endswith("\\")


# ---------------------------------------------------------------- YouTube URLs

video_id = st.from_regex(r"[A-Za-z0-9_-]{11}", fullmatch=True)


@FUZZ
@given(video_id, st.sampled_from([
    "{}", "https://www.youtube.com/watch?v={}", "youtube.com/watch?v={}&t=42s#x",
    "https://youtu.be/{}?si=abc", "https://m.youtube.com/shorts/{}", "www.youtube.com/embed/{}",
    "https://music.youtube.com/watch?list=PL1&v={}", " https://youtube.com/live/{} "]))
def test_video_urls_give_their_id(vid: str, form: str) -> None:
    assert parse_video_id(form.format(vid)) == vid


@FUZZ
@given(st.one_of(any_text, st.builds(lambda a, b: f"https://{a}/{b}", st.sampled_from(
    ["youtube.com", "youtu.be", "www.youtube.com/watch?v=", "evil.com", "[::1", "%zz"]),
    any_text)))
def test_any_video_argument_is_an_id_or_one_line(text: str) -> None:
    try:
        vid = parse_video_id(text)
    except NotegraphError as exc:
        assert_one_line(exc)
        return
    assert len(vid) == 11


# ---------------------------------------------------------------- the config loader

KEYS = ["content_dir", "site_dir", "cache_dir", "templates_dir", "languages", "model",
        "site_title", "base_url", "writer", "jobs", "llm", "unknown"]
toml_value = st.recursive(
    st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), any_text,
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (escapes alike)
    return "[" + ", ".join(_toml(v) for v in value) + "]"


config_text = st.one_of(
    any_text,
    st.dictionaries(st.sampled_from(KEYS), toml_value, max_size=5).map(
        lambda d: "\n".join(f"{k} = {_toml(v)}" for k, v in d.items())),
    st.dictionaries(st.sampled_from(["base_url", "model", "temperature", "timeout",
                                     "max_concurrency", "api_key_env", "nope"]), toml_value,
                    max_size=4).map(
        lambda d: "[llm]\n" + "\n".join(f"{k} = {_toml(v)}" for k, v in d.items())),
)


@FUZZ
@given(config_text)
def test_any_config_file_loads_or_is_one_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # a lone surrogate becomes bytes that are not UTF-8: the loader must say so
        (Path(tmp) / "notegraph.toml").write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            config = load_config(Path(tmp))
        except NotegraphError as exc:
            assert_one_line(exc)
            return
    assert config.root == Path(tmp).resolve()
    assert isinstance(config.content_dir, str) and isinstance(config.languages, tuple)
