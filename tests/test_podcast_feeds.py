"""`notegraph add FEED_URL` against a real HTTP server on 127.0.0.1 serving a feed shaped
like real hosts publish (RSS 2.0 + iTunes + Podcasting 2.0), with real transcript files
from ../shared/data/formats: the richest transcript wins, chapters come from JSON, re-runs
add only new episodes, and every bad input is one line, exit != 0, nothing half-written."""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from notegraph.cli import cli
from notegraph.config import TranscribeConfig, load_config
from notegraph.errors import ConfigError
from notegraph.models import Cue, Media, Transcript
from notegraph.site.media import media_of, moment_href
from notegraph.site.render import NoteRenderer
from notegraph.slugs import check_video_id, is_youtube_id
from notegraph.sources import read_transcript_file
from notegraph.sources.audio import cues_from_words, is_audio_file
from notegraph.sources.episodes import html_to_text, parse_chapters_json, ranked
from notegraph.sources.feeds import TranscriptLink, episode_id, parse_duration, parse_feed
from notegraph.sources.naming import audio_tags, clean_file_title, short_id
from notegraph.sources.parsed import Word
from tests.local_server import serve_folder
from tests.podcast_server import Item, rss

SHOW = "Talk & Code <Weekly>"
FORMATS = "formats"
VTT = "webvtt_voice_tags__talkpython_558.vtt"
SRT = "youtube_manual_captions__lexnotes_jvqFAi7vkBc.en.srt"
TXT = "speaker_timestamp_markdown__lexfridman_com_lisa_randall.txt"
CHAPTERS = {"version": "1.2.0", "chapters": [
    {"startTime": 0, "title": "Welcome"},
    {"startTime": 310.5, "title": "Python in the cloud"},
    {"startTime": 900, "title": "cover art", "toc": False},
    {"startTime": 1500, "title": "Wrap-up & <goodbyes>"}]}


@pytest.fixture
def host(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "host"
    folder.mkdir()
    with serve_folder(folder) as base:
        yield folder, base


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def add(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "add", "--no-notes", *args])


def stored(root: Path) -> dict[str, dict]:
    folder = root / "content" / "transcripts"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    assert all(p.suffix == ".json" and not p.name.startswith(".") for p in files), files
    return {p.stem: json.loads(p.read_text()) for p in files}


def one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert errors and all(n in errors[0] for n in needles), result.output


def test_feed_episodes_with_the_richest_transcript_and_chapters(
        host: tuple[Path, str], project: Path, shared_file: Callable[..., Path]) -> None:
    folder, base = host
    vtt, srt, txt = (shared_file(FORMATS, n) for n in (VTT, SRT, TXT))
    (folder / "558.vtt").write_bytes(vtt.read_bytes())
    (folder / "jvq.srt").write_bytes(srt.read_bytes())
    (folder / "lisa.txt").write_bytes(txt.read_bytes())
    # The same transcript as an HTML page: a <p> per paragraph, <br> between its lines.
    paragraphs = txt.read_text().split("\n\n")
    (folder / "lisa.html").write_text(
        "<!DOCTYPE html><html><head><style>p {}</style></head><body>" + "".join(
            "<p>" + "<br>".join(escape(ln) for ln in p.splitlines()) + "</p>\n"
            for p in paragraphs) + "</body></html>")
    (folder / "chapters.json").write_text(json.dumps(CHAPTERS))
    items = [
        Item("tp-558", "558: Python & the cloud", "Mon, 04 Aug 2025 08:00:00 GMT",
             f"{base}/558.mp3", duration="01:13:30", chapters=f"{base}/chapters.json",
             transcripts=[(f"{base}/558-plain.txt", "text/plain"),
                          (f"{base}/558.vtt", "text/vtt")]),
        Item("lex-jvq", "Compute is the currency", "Sun, 03 Aug 2025 08:00:00 GMT",
             f"{base}/jvq.mp3", transcripts=[(f"{base}/jvq.srt", "application/x-subrip")]),
        Item("lex-lisa", "Lisa Randall (text)", "Sat, 02 Aug 2025 08:00:00 GMT",
             f"{base}/lisa.mp3", transcripts=[(f"{base}/lisa.txt", "text/plain")]),
        Item("lex-lisa-html", "Lisa Randall (html)", "Fri, 01 Aug 2025 08:00:00 GMT",
             f"{base}/lisa.mp3", transcripts=[(f"{base}/lisa.html", "text/html")]),
        Item("gone", "Transcript gone", "Thu, 31 Jul 2025 08:00:00 GMT", f"{base}/gone.mp3",
             transcripts=[(f"{base}/gone.vtt", "text/vtt")]),
    ]
    (folder / "feed.xml").write_text(rss(SHOW, items))

    first = add(project, f"{base}/feed.xml")
    # One episode's transcript 404s: named on one line; the other four are stored.
    one_line_error(first, "gone.vtt", "HTTP 404", episode_id("gone"))
    got = stored(project)
    assert sorted(got) == sorted(episode_id(g) for g in ("tp-558", "lex-jvq", "lex-lisa",
                                                          "lex-lisa-html"))
    tp = got[episode_id("tp-558")]
    assert (tp["title"], tp["channel"], tp["source"]) == ("558: Python & the cloud", SHOW,
                                                           "feed:webvtt")
    assert tp["media"] == {"kind": "audio", "url": f"{base}/558.mp3", "mime": "audio/mpeg",
                           "page": "https://example.org/episodes/tp-558",
                           "image": "https://example.org/cover.jpg", "published": "2025-08-04"}
    assert tp["chapters"] == [{"start": 0, "title": "Welcome"},
                              {"start": 310.5, "title": "Python in the cloud"},
                              {"start": 1500, "title": "Wrap-up & <goodbyes>"}]
    assert tp["duration"] == 4410  # itunes:duration, longer than the last cue
    # The same words as importing the file itself.
    assert [c["text"] for c in tp["cues"]] == [c.text for c in read_transcript_file(vtt).cues]
    assert tp["cues"][0]["speaker"] == "Michael Kennedy"
    assert got[episode_id("lex-jvq")]["source"] == "feed:srt"
    text_cues = got[episode_id("lex-lisa")]["cues"]
    assert len(text_cues) > 50 and got[episode_id("lex-lisa")]["source"].startswith("feed:")
    # The HTML page holds the same transcript as the text file.
    assert got[episode_id("lex-lisa-html")]["cues"] == text_cues
    for vid in got:
        assert re.fullmatch(r"ep-[0-9a-f]{10}", vid) and not is_youtube_id(vid)

    # Again: nothing new is fetched or rewritten; the broken episode fails again.
    mtimes = {p.name: p.stat().st_mtime_ns
              for p in (project / "content" / "transcripts").iterdir()}
    again = add(project, f"{base}/feed.xml")
    one_line_error(again, "gone.vtt")
    assert {p.name: p.stat().st_mtime_ns
            for p in (project / "content" / "transcripts").iterdir()} == mtimes
    # The host fixes it: the next run adds that episode only.
    (folder / "gone.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:03.000\nBack again.\n")
    fixed = add(project, f"{base}/feed.xml")
    assert fixed.exit_code == 0, fixed.output
    assert "1 new episode(s) of 5 selected" in fixed.output
    assert stored(project)[episode_id("gone")]["cues"][0]["text"] == "Back again."


def test_latest_and_since_select_episodes(host: tuple[Path, str], project: Path) -> None:
    folder, base = host
    vtt = "WEBVTT\n\n00:00.000 --> 00:04.000\nEpisode {n} says hello.\n"
    items = []
    for n, day in ((1, "01"), (2, "08"), (3, "15")):
        (folder / f"{n}.vtt").write_text(vtt.format(n=n))
        items.append(Item(f"ep{n}", f"Episode {n}", f"Mon, {day} Sep 2025 10:00:00 +0200",
                          f"{base}/{n}.mp3", transcripts=[(f"{base}/{n}.vtt", "text/vtt")]))
    (folder / "feed.xml").write_text(rss("Weekly", items))
    assert add(project, f"{base}/feed.xml", "--latest", "1").exit_code == 0
    assert [t["title"] for t in stored(project).values()] == ["Episode 3"]
    result = add(project, f"{base}/feed.xml", "--since", "2025-09-08")
    assert result.exit_code == 0 and "1 new episode(s) of 2 selected" in result.output
    assert sorted(t["title"] for t in stored(project).values()) == ["Episode 2", "Episode 3"]
    assert add(project, f"{base}/feed.xml", "--since", "yesterday").exit_code == 2


@pytest.mark.parametrize("name, body, needles", [
    ("missing.xml", None, ("missing.xml", "HTTP 404", "check the URL")),
    ("page.xml", "<!DOCTYPE html><html><body><p>Hello</p></body></html>",
     ("page.xml", "not a podcast feed", "RSS or Atom")),
    ("plain.xml", "just some text, no markup\n", ("plain.xml", "not a podcast feed (not XML)")),
    ("empty.xml", rss("Empty show", []), ("empty.xml", "no episodes")),
])
def test_bad_feed_is_one_line_and_nothing_written(host: tuple[Path, str], project: Path,
                                                  name: str, body: str | None,
                                                  needles: tuple[str, ...]) -> None:
    folder, base = host
    if body is not None:
        (folder / name).write_text(body)
    result = add(project, f"{base}/{name}")
    one_line_error(result, *needles)
    assert not (project / "content").exists()


def test_unreachable_enclosure_and_missing_model_fail_alone(host: tuple[Path, str],
                                                            project: Path) -> None:
    folder, base = host
    (folder / "ok.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nStill here.\n")
    (folder / "feed.xml").write_text(rss("Show", [
        Item("ok", "Has a transcript", "Mon, 01 Sep 2025 10:00:00 GMT", f"{base}/ok.mp3",
             transcripts=[(f"{base}/ok.vtt", "text/vtt")]),
        Item("noaudio", "Audio gone", "Sun, 31 Aug 2025 10:00:00 GMT", f"{base}/gone.mp3")]))
    result = add(project, f"{base}/feed.xml")
    one_line_error(result, "gone.mp3", "HTTP 404")
    assert list(stored(project)) == [episode_id("ok")]
    (project / "notegraph.toml").write_text('[transcribe]\nmodel = "/nonexistent/whisper"\n')
    result = add(project, f"{base}/feed.xml")
    one_line_error(result, "/nonexistent/whisper", "no such folder")
    assert list(stored(project)) == [episode_id("ok")]
    assert not list(Path(project).rglob("*.tmp"))


def test_episode_media_decides_the_timestamp_links() -> None:
    body = 'Said here <a class="yt-timestamp" data-t="00:01:05">[00:01:05]</a>.'
    renderer = NoteRenderer()
    audio = Media("audio", "https://cdn.example.org/ep.mp3")
    html = renderer.render(body, {}, "ep-0123456789", media=audio).html
    assert 'href="https://cdn.example.org/ep.mp3#t=65"' in html and "youtube" not in html
    html = renderer.render(body, {}, "talk-1234abcd", media=Media("none")).html
    assert "<span" in html and "href" not in html and "youtube" not in html
    html = renderer.render(body, {}, "dQw4w9WgXcQ").html  # a YouTube video as before
    assert "youtube.com/watch?v=dQw4w9WgXcQ&amp;t=65" in html
    # Older transcripts (no media stored): YouTube only when the ID has YouTube's shape.
    assert media_of("dQw4w9WgXcQ", None).kind == "youtube"
    assert media_of("my-talk-2023", None).kind == "none"
    # A feed cannot make the page play a javascript: or file: URL.
    assert media_of("ep-1", Media("audio", "javascript:alert(1)")).kind == "none"
    assert moment_href(Media("none"), "ep-1", 3) == ""


def test_transcript_media_is_stored_only_when_set() -> None:
    old = Transcript("abc", "T", "C", "en", "file:srt", False, 2.0, (), (Cue(0, 2, "hi"),))
    assert "media" not in old.to_dict()  # older files keep their exact shape
    new = Transcript("ep-1", "T", "C", "en", "feed:webvtt", False, 2.0, (),
                     (Cue(0, 2, "hi"),), Media("audio", "https://x.org/a.mp3", page="p"))
    assert Transcript.from_dict(new.to_dict()) == new
    assert Transcript.from_dict(old.to_dict()) == old


def test_richest_transcript_first() -> None:
    links = tuple(TranscriptLink(f"u{n}", kind) for n, kind in enumerate(
        ["text/plain", "text/html", "application/x-subrip", "text/vtt", "application/json",
         "application/pdf"]))
    assert [t.mime for t in ranked(links)] == ["application/json", "text/vtt",
                                                "application/x-subrip", "text/html",
                                                "text/plain", "application/pdf"]


def test_clean_names_for_imported_files() -> None:
    assert clean_file_title("webvtt_voice_tags__talkpython_558.vtt") == "Talkpython 558"
    assert clean_file_title("Some Talk [dQw4w9WgXcQ].en.srt") == "Some Talk"
    assert re.fullmatch(r"talkpython-558-[0-9a-f]{8}",
                        short_id("Talkpython 558", "/a/webvtt_voice_tags__talkpython_558.vtt"))


@given(st.text(max_size=200))
def test_episode_ids_are_safe_stable_and_never_youtube_shaped(guid: str) -> None:
    vid = episode_id(guid)
    assert check_video_id(vid) == vid == episode_id(guid) and not is_youtube_id(vid)


@given(st.text(max_size=80), st.text(max_size=40))
def test_file_ids_are_safe_and_never_youtube_shaped(title: str, key: str) -> None:
    vid = short_id(title, key)
    assert check_video_id(vid) == vid and not is_youtube_id(vid) and len(vid) <= 60


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_itunes_duration_forms(h: int, m: int, s: int) -> None:
    total = h * 3600 + m * 60 + s
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == total
    assert parse_duration(str(total)) == total
    assert parse_duration(f"{h}h {m}m") is None


@given(st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(),
                    lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
                    max_leaves=20))
def test_chapters_json_never_crashes(doc: object) -> None:
    for data in (json.dumps(doc), json.dumps({"chapters": [doc]})):
        try:
            chapters = parse_chapters_json(data)
        except ValueError:
            continue
        assert chapters and all(c.title and c.start >= 0 for c in chapters)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]),
                        max_size=30), max_size=8))
def test_html_transcript_text_keeps_each_paragraph(lines: list[str]) -> None:
    html = "<html><body>" + "".join(f"<p>{escape(ln)}</p>" for ln in lines) + "</body></html>"
    expected = [" ".join(ln.split()) for ln in lines if ln.split()]
    assert html_to_text(html).split("\n\n") == (expected or [""])


def test_podcasting20_json_is_preferred_to_webvtt(host: tuple[Path, str], project: Path) -> None:
    folder, base = host
    words = [("Hello", 0.0, 0.4), ("and", 0.5, 0.7), ("welcome.", 0.8, 1.3),
             ("Thanks", 2.0, 2.4), ("for", 2.5, 2.6), ("having", 2.7, 3.0), ("me.", 3.1, 3.4)]
    segments = [{"speaker": "Ann" if n < 3 else "Bob", "startTime": s, "endTime": e,
                 "body": w} for n, (w, s, e) in enumerate(words)]
    (folder / "ep.json").write_text(json.dumps({"version": "1.0.0", "segments": segments}))
    (folder / "ep.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:04.000\nHello and welcome.\n")
    (folder / "feed.xml").write_text(rss("Show", [Item(
        "json-1", "JSON episode", "Mon, 01 Sep 2025 10:00:00 GMT", f"{base}/ep.mp3",
        transcripts=[(f"{base}/ep.vtt", "text/vtt"), (f"{base}/ep.json", "application/json")])]))
    assert add(project, f"{base}/feed.xml").exit_code == 0
    data = stored(project)[episode_id("json-1")]
    assert data["source"] == "feed:podcasting2-json"
    assert [(c["speaker"], c["text"]) for c in data["cues"]] == [
        ("Ann", "Hello and welcome."), ("Bob", "Thanks for having me.")]


def test_atom_feed_with_enclosure_link_and_transcript() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:pc="https://podcastindex.org/namespace/1.0">
<title>Atom Show</title><id>urn:show</id><updated>2025-09-01T00:00:00Z</updated>
<entry><title>Atom episode</title><id>urn:ep:1</id><updated>2025-09-01T10:00:00Z</updated>
  <link rel="alternate" href="https://example.org/ep1"/>
  <link rel="enclosure" type="audio/mpeg" length="10" href="https://example.org/ep1.mp3"/>
  <pc:transcript url="https://example.org/ep1.vtt" type="text/vtt"/>
  <pc:transcript url="https://example.org/ep1.json" type="application/json"/>
</entry></feed>"""
    [ep] = parse_feed(atom, "https://example.org/atom.xml").episodes
    assert (ep.show, ep.title, ep.episode_id, ep.audio_url, ep.link, str(ep.published)) == (
        "Atom Show", "Atom episode", episode_id("urn:ep:1"), "https://example.org/ep1.mp3",
        "https://example.org/ep1", "2025-09-01")
    # Any prefix bound to the Podcasting 2.0 namespace; every transcript link kept.
    assert [t.mime for t in ep.transcripts] == ["text/vtt", "application/json"]


def test_whisper_loops_are_collapsed_like_every_import() -> None:
    said = [Word(0.0, 0.4, "Welcome."), Word(0.5, 0.9, "Great"), Word(1.0, 1.3, "talk.")]
    loop = [Word(2.0 + n, 2.5 + n, w) for n in range(8) for w in ("Thank", "you.")]
    cues = cues_from_words(said + loop)
    assert [c.text for c in cues] == ["Welcome.", "Great talk.", "Thank you."]
    assert cues[-1].start == 2.0  # the kept line keeps the time it was first heard


def test_enclosure_prefers_audio_then_video() -> None:
    def item(enclosures: str) -> bytes:
        return (b'<rss version="2.0"><channel><title>S</title><item><title>E</title>'
                b"<guid>g</guid>" + enclosures.encode() + b"</item></channel></rss>")
    both = ('<enclosure url="https://x.org/e.mp4" type="video/mp4" length="1"/>'
            '<enclosure url="https://x.org/e.m4a" type="audio/mp4" length="1"/>')
    [ep] = parse_feed(item(both), "https://x.org/f").episodes
    assert (ep.audio_url, ep.audio_mime) == ("https://x.org/e.m4a", "audio/mp4")
    [ep] = parse_feed(item(both.split("/>")[0] + "/>"), "https://x.org/f").episodes
    assert ep.audio_url == "https://x.org/e.mp4"
    [ep] = parse_feed(item(""), "https://x.org/f").episodes
    assert ep.audio_url == ""


def test_transcribe_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text(
        '[transcribe]\nmodel = "/models/whisper-small"\nlanguage = "en"\n'
        'compute_type = "float32"\n')
    cfg = load_config(tmp_path).transcribe
    assert (cfg.model, cfg.language, cfg.compute_type) == ("/models/whisper-small", "en",
                                                            "float32")
    assert load_config(tmp_path / "none").transcribe == TranscribeConfig("", "", "int8")
    for body, needle in [('[transcribe]\nmodle = "x"\n', "unknown key 'transcribe.modle'"),
                         ("[transcribe]\nlanguage = 1\n", "'transcribe.language' must be a"),
                         ('transcribe = "tiny"\n', "'transcribe' must be a table")]:
        (tmp_path / "notegraph.toml").write_text(body)
        with pytest.raises(ConfigError, match=re.escape(needle)):
            load_config(tmp_path)


def test_audio_title_and_show_come_from_its_tags(tmp_path: Path) -> None:
    from mutagen.id3 import TALB, TIT2
    from mutagen.wave import WAVE

    path = tmp_path / "rec_0042.wav"
    with wave.open(str(path), "wb") as w:  # a second of silence is a real WAV file
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000)
    assert audio_tags(path) == (None, None)
    tagged = WAVE(path)
    tagged.add_tags()
    tagged.tags.add(TIT2(encoding=3, text="Episode 42: Dark matter"))
    tagged.tags.add(TALB(encoding=3, text="Physics Hour"))
    tagged.save()
    assert audio_tags(path) == ("Episode 42: Dark matter", "Physics Hour")
    assert is_audio_file(path) and is_audio_file(path.rename(tmp_path / "no_suffix"))
