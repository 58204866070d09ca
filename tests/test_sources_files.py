"""read_transcript_file: bad input is one clear error; format by content; side chapters;
every real file of ../shared/data/formats imports with the right duration and words."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from notegraph.errors import InputError, ParseError
from notegraph.models import Chapter
from notegraph.sources import MAX_FILE_BYTES, read_transcript_file
from notegraph.sources.chapters import parse_chapter_line, parse_chapters

SRT = "1\n00:00:00,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,000 --> 00:00:04,000\nBye.\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.mark.parametrize("name, data, problem", [
    ("empty.srt", "", "the file is empty"),
    ("blank.vtt", "  \n\n \t\n", "the file is empty"),
    ("nul.srt", b"1\n00:00:00,000 --> 00:00:01,000\nhi\x00\x00\x01", "binary file"),
    ("talk.vtt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file (a PDF)"),
    ("ep.srt", b"ID3\x04\x00\x00\x00\x00", "binary file (an MP3)"),
    ("latin1.srt", "1\n00:00:00,000 --> 00:00:01,000\ncaf\xe9\n".encode("latin-1"),
     "not valid UTF-8 (line 3"),
    ("notes.txt", "Dear diary,\nno times here at all.\n", "unknown transcript layout"),
    ("neg.json", '[{"text": "x", "start": -1.5, "duration": 1}]', "negative time"),
    ("order.srt", "1\n00:00:05,000 --> 00:00:06,000\nb\n\n2\n00:00:01,000 --> 00:00:02,000\na\n",
     "timestamps out of order at cue 2"),
    ("back.srt", "1\n00:00:05,000 --> 00:00:04,000\nb\n", "cue ends (00:00:04,000) before it"),
    ("sixty.srt", "1\n00:00:05,000 --> 00:00:75,000\nb\n",
     "line 2: 00:00:75,000 is not a time"),
    ("w.txt", "[00:00:00.000 --> 00:00:61.000]  Hello there.\n", "line 1: 00:00:61.000 is not"),
    ("tags.srt", "1\n00:00:00,000 --> 00:00:02,000\n[Music]\n", "no spoken text"),
    ("x.vtt", "WEBVTT\n\nNOTE nothing else\n", "looks like WebVTT but"),
])
def test_bad_files_are_one_line_naming_the_file(tmp_path: Path, name: str, data: str | bytes,
                                                problem: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(ParseError) as err:
        read_transcript_file(path)
    message = str(err.value)
    assert problem in message and str(path) in message and "\n" not in message


def test_two_gigabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.srt"
    with path.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(2 * 1024**3)
    t0 = time.perf_counter()
    with pytest.raises(ParseError, match=r"huge\.srt: 2\.0 GB is too big for a transcript"):
        read_transcript_file(path)
    assert time.perf_counter() - t0 < 1.0  # refused from the size, not after reading it
    assert MAX_FILE_BYTES < 2 * 1024**3


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_transcript_file(tmp_path / "nope.srt")
    with pytest.raises(InputError, match="is a directory"):
        read_transcript_file(tmp_path)
    with pytest.raises(InputError, match="not a regular file"):
        read_transcript_file(Path("/dev/zero"))


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "..", "", "x" * 81, "a b", "/etc/passwd"])
def test_unsafe_id_is_refused(tmp_path: Path, bad_id: str) -> None:
    with pytest.raises(InputError, match="invalid ID"):
        read_transcript_file(write(tmp_path, "t.srt", SRT), video_id=bad_id)


def test_id_title_channel_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "My Talk (2023).en.srt", SRT)
    t = read_transcript_file(path)
    # A short ID: the clean name's words and a hash of where the file is (issue 13)
    assert re.fullmatch(r"my-talk-2023-[0-9a-f]{8}", t.video_id)
    assert (t.title, t.channel, t.language) == ("My Talk (2023)", "", "en")
    assert read_transcript_file(path).video_id == t.video_id  # stable
    t = read_transcript_file(path, video_id="talk-1", title="AC/DC: ../../etc/passwd",
                             channel="Rock / Roll")
    assert (t.video_id, t.title, t.channel) == ("talk-1", "AC/DC: ../../etc/passwd",
                                                "Rock / Roll")


def test_ytdlp_file_name_gives_the_youtube_id(tmp_path: Path) -> None:
    t = read_transcript_file(write(tmp_path, "Some Talk [dQw4w9WgXcQ].en.srt", SRT))
    assert (t.video_id, t.title, t.language) == ("dQw4w9WgXcQ", "Some Talk", "en")
    t = read_transcript_file(write(tmp_path, "Some Talk [dQw4w9WgXcQ].en.srt", SRT),
                             video_id="mine")
    assert t.video_id == "mine"


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    data = SRT.replace("Bye", "Tschüss").encode("utf-16")  # with a BOM, as Windows saves it
    t = read_transcript_file(write(tmp_path, "w.srt", data))
    assert [c.text for c in t.cues] == ["Hello there.", "Tschüss."]


def test_format_by_content_not_extension(tmp_path: Path) -> None:
    assert read_transcript_file(write(tmp_path, "a.vtt", SRT)).source == "file:srt"
    vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\nHi.\n"
    assert read_transcript_file(write(tmp_path, "b.srt", vtt)).source == "file:webvtt"
    js = '[{"text": "Hi.", "start": 0, "duration": 2}]'
    assert read_transcript_file(write(tmp_path, "c.txt", js)).source == "file:youtube-json"


# --- chapters -----------------------------------------------------------------------

@pytest.mark.parametrize("line, chapter", [
    ("0:00 Intro", Chapter(0, "Intro")),
    ("00:00 - Intro", Chapter(0, "Intro")),
    ("  * 0:24 - Dark matter", Chapter(24, "Dark matter")),
    ("(1:02:03) The end", Chapter(3723, "The end")),
    ("[12:30] Bracketed", Chapter(750, "Bracketed")),
    ("3. 4:05 Third", Chapter(245, "Third")),
    ("Intro", None), ("at 3:30 we met", None),
])
def test_chapter_lines(line: str, chapter: Chapter | None) -> None:
    assert parse_chapter_line(line) == chapter


def test_chapters_from_a_description_side_file(tmp_path: Path) -> None:
    desc = ("Great episode! Follow us.\n\nOUTLINE:\n0:00 - Introduction\n1:05 Bees\n\n"
            "1:00:00 Wrap-up\n\nLinks: https://example.com\n")
    assert parse_chapters(desc) == (Chapter(0, "Introduction"), Chapter(65, "Bees"),
                                    Chapter(3600, "Wrap-up"))
    side = write(tmp_path, "desc.txt", desc)
    t = read_transcript_file(write(tmp_path, "t.srt", SRT), chapters_path=side)
    assert [c.title for c in t.chapters] == ["Introduction", "Bees", "Wrap-up"]
    with pytest.raises(ParseError, match="no chapter list found"):
        read_transcript_file(write(tmp_path, "t.srt", SRT),
                             chapters_path=write(tmp_path, "no.txt", "nothing here\n"))


def test_side_chapters_win_over_the_file_s_own(tmp_path: Path) -> None:
    page = ("Contents\n\n* 0:00 - A\n* 0:10 - B\n* 0:20 - C\n\n"
            "00:00 Hello.\n00:05 More.\n00:12 Even more.\n00:25 The end.\n")
    t = read_transcript_file(write(tmp_path, "p.txt", page))
    assert [c.title for c in t.chapters] == ["A", "B", "C"]
    assert [c.text for c in t.cues] == ["Hello.", "More.", "Even more.", "The end."]
    side = write(tmp_path, "s.txt", "0:00 First\n0:12 Second\n0:24 Third\n")
    t = read_transcript_file(write(tmp_path, "p.txt", page), chapters_path=side)
    assert [c.title for c in t.chapters] == ["First", "Second", "Third"]


# --- every real file -----------------------------------------------------------------

# name: (source, duration the file gives (end of its last cue or last mark), speakers)
REAL = {
    "speaker_bold_markdown_sparse_ts__changelog_sustainoss_2018.md":
        ("file:text (times interpolated)", None, 3),
    "speaker_timestamp_markdown__lexfridman_com_lisa_randall.txt":
        ("file:text (times interpolated)", None, 2),
    "webvtt_plain__talkpython_313.vtt": ("file:webvtt", 3686.38, 0),
    "webvtt_voice_tags__talkpython_558.vtt": ("file:webvtt", 4405.08, 2),
    "whispercpp_stdout_segments__lawwu_f7jBigoHaUg.txt": ("file:whisper.cpp", 530.54, 0),
    "whispercpp_stdout_tdrz_speaker_turns__techzing_072.txt":
        ("file:whisper.cpp words", 1663.86, 82),
    "youtube_autocaptions_rolling__lexnotes_VPaOy3G1-2A.en.srt": ("file:srt", 3566.119, 0),
    "youtube_manual_captions__lexnotes_jvqFAi7vkBc.en.srt": ("file:srt", 6901.415, None),
}


FORMATS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "formats"
# The known files, plus any file added to ../shared later (checked for the basics).
ALL_FORMAT_FILES = sorted(set(REAL) | ({p.name for p in FORMATS.iterdir() if p.is_file()}
                                      if FORMATS.is_dir() else set()))


@pytest.mark.shared
@pytest.mark.parametrize("name", ALL_FORMAT_FILES)
def test_real_file_imports(name: str, shared_file: Callable[..., Path]) -> None:
    path = shared_file("formats", name)
    source, duration, speakers = REAL.get(name, (None, None, None))
    t = read_transcript_file(path)
    if source is not None:
        assert t.source == source
    if duration is not None:
        assert t.duration == pytest.approx(duration)
    assert t.cues and all(c.text.strip() == c.text and c.text for c in t.cues)
    assert all(0 <= c.start <= c.end <= t.duration + 0.001 for c in t.cues)
    assert all(a.start <= b.start for a, b in zip(t.cues, t.cues[1:], strict=False))
    if speakers is not None:
        assert len({c.speaker for c in t.cues if c.speaker}) == speakers
    text = " ".join(c.text for c in t.cues)
    assert "[Music]" not in text and "&amp;" not in text and "  " not in text
    assert t.language == "en" or name not in REAL
