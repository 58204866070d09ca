"""`notegraph add` against YouTube's real recorded answers, replayed offline.

The recorded responses are the ones youtube-transcript-api ships for its own tests
(`youtube_transcript_api/test/assets/`); we locate them in the installed package and
register them with `responses` the way its `test_api.py` does. `responses` refuses
every request that is not registered, so nothing here can reach the network.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from click.testing import CliRunner
from responses import matchers
from rich.console import Console
from youtube_transcript_api import InvalidVideoId, NotTranslatable

from notegraph import slugs
from notegraph.cli import cli
from notegraph.errors import InputError, SourceError
from notegraph.models import Transcript
from notegraph.report import VERBOSE, Reporter
from notegraph.sources import youtube

WATCH = "https://www.youtube.com/watch"
PLAYER = "https://www.youtube.com/youtubei/v1/player"
TIMEDTEXT = "https://www.youtube.com/api/timedtext"
OEMBED = "https://www.youtube.com/oembed"

SURFACE = "GJLlxj_dtq8"  # youtube.innertube.json.static: manual zh cs en de hi ja ko es, asr en
SURFACE_CUES = [
    (0.0, 1.54, "Hey, this is just a test"),
    (1.54, 5.7, "this is not the original transcript"),
    (5.7, 8.939, "just something shorter, I made up for testing"),
]


def _assets_dir() -> Path | None:
    spec = importlib.util.find_spec("youtube_transcript_api")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "assets"
    return path if path.is_dir() else None


ASSETS = _assets_dir()


def asset(name: str) -> bytes:
    """One recorded YouTube response from the installed youtube-transcript-api."""
    if ASSETS is None:
        pytest.skip("youtube-transcript-api was installed without its test/assets")
    return (ASSETS / name).read_bytes()


def player_json(name: str = "youtube.innertube.json.static") -> dict[str, Any]:
    """A recorded player response as a dict, to derive variants from (in memory only)."""
    return json.loads(asset(name))


class YouTube:
    """Registers recorded YouTube answers on a `responses.RequestsMock`."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.rsps = rsps
        self.rsps.get(WATCH, body=asset("youtube.html.static"))
        self.rsps.get(TIMEDTEXT, body=asset("transcript.xml.static"))

    def video(self, video_id: str, player: str | dict[str, Any] = "youtube.innertube.json.static",
              oembed: tuple[str, str] | int | None = ("Surface Go Review - It’s Awesome",
                                                      "Dave2D")) -> None:
        """Answer the player request for `video_id` (a recorded asset or a derived dict)
        and its oEmbed request (title/author, an HTTP status, or None = unreachable)."""
        body = json.dumps(player) if isinstance(player, dict) else asset(player)
        self.rsps.post(PLAYER, body=body, content_type="application/json",
                       match=[matchers.json_params_matcher({"videoId": video_id},
                                                           strict_match=False)])
        watch_url = f"https://www.youtube.com/watch?v={video_id}"
        query = matchers.query_param_matcher({"url": watch_url, "format": "json"})
        if isinstance(oembed, tuple):
            title, author = oembed
            # The shape of YouTube's real oEmbed answer.
            self.rsps.get(OEMBED, match=[query], json={
                "title": title, "author_name": author,
                "author_url": "https://www.youtube.com/@" + author, "type": "video",
                "height": 113, "width": 200, "version": "1.0", "provider_name": "YouTube",
                "provider_url": "https://www.youtube.com/",
                "thumbnail_height": 360, "thumbnail_width": 480,
                "thumbnail_url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
                "html": "<iframe width=\"200\" height=\"113\"></iframe>",
            })
        elif isinstance(oembed, int):
            self.rsps.get(OEMBED, match=[query], status=oembed, body="Unauthorized")

    def replace(self, method: str, url: str, **kwargs: Any) -> None:
        self.rsps.replace(method, url, **kwargs)

    def caption_requests(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(c.request.url).query) for c in self.rsps.calls
                if c.request.url.startswith(TIMEDTEXT)]


@pytest.fixture
def yt() -> Iterator[YouTube]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield YouTube(rsps)


def capture_reporter() -> tuple[Reporter, io.StringIO]:
    out = io.StringIO()
    return Reporter(VERBOSE, Console(file=out, width=300, highlight=False)), out


# --- parse_video_id ------------------------------------------------------------------------

ID = "dQw4w9WgXcQ"


@pytest.mark.parametrize("text", [
    ID,
    f"  {ID}\n",
    f"https://www.youtube.com/watch?v={ID}",
    f"http://youtube.com/watch?v={ID}",
    f"www.youtube.com/watch?v={ID}",
    f"youtube.com/watch?v={ID}",
    f"https://www.youtube.com/watch?feature=share&v={ID}&list=PLx&index=2",
    f"https://www.youtube.com/watch?v={ID}&t=1m30s",
    f"https://www.youtube.com/watch?v={ID}#t=90",
    f"https://m.youtube.com/watch?v={ID}&pp=ygU",
    f"https://music.youtube.com/watch?v={ID}&si=abc",
    f"HTTPS://WWW.YOUTUBE.COM/watch?v={ID}",
    f"https://youtu.be/{ID}",
    f"https://youtu.be/{ID}?t=42",
    f"youtu.be/{ID}?si=XyZ&t=42s",
    f"https://www.youtube.com/shorts/{ID}",
    f"https://youtube.com/shorts/{ID}?feature=share",
    f"https://www.youtube.com/embed/{ID}?start=10&autoplay=1",
    f"https://www.youtube-nocookie.com/embed/{ID}",
    f"https://www.youtube.com/live/{ID}?si=x",
    f"https://www.youtube.com/v/{ID}?version=3",
    f"https://www.youtube.com/attribution_link?a=x&u=/watch%3Fv%3D{ID}%26feature%3Dshare",
])
def test_parse_video_id_accepts(text: str) -> None:
    assert youtube.parse_video_id(text) == ID


@pytest.mark.parametrize(("text", "expected"), [
    ("-wtIMTCHWuI", "-wtIMTCHWuI"),
    ("https://youtu.be/_8O4bBhM4wc", "_8O4bBhM4wc"),
])
def test_ids_starting_with_dash_or_underscore_are_parsed_and_storable(
        text: str, expected: str, tmp_path: Path) -> None:
    assert youtube.parse_video_id(text) == expected
    assert slugs.check_video_id(expected) == expected


@pytest.mark.parametrize(("text", "why"), [
    ("", "not a YouTube video ID or URL"),
    ("hello", "not a YouTube video ID or URL"),
    (ID[:-1], "not a YouTube video ID or URL"),
    (ID + "Q", "not a YouTube video ID or URL"),
    ("../../etc/passwd", "not a YouTube video ID or URL"),
    (f"{ID}/../x", "not a YouTube video ID or URL"),
    ("https://vimeo.com/123456789", "not a YouTube video ID or URL"),
    (f"https://evil.example/watch?v={ID}", "not a YouTube video ID or URL"),
    (f"https://youtube.com.evil.example/watch?v={ID}", "not a YouTube video ID or URL"),
    ("https://www.youtube.com/playlist?list=PL123", "names no video"),
    ("https://www.youtube.com/@somechannel", "names no video"),
    ("https://youtu.be/", "names no video"),
    ("https://www.youtube.com/watch?v=short", "'short' is not a valid video ID"),
    ("https://www.youtube.com/watch?v=../../etc/passwd", "is not a valid video ID"),
])
def test_parse_video_id_refuses_naming_the_input(text: str, why: str) -> None:
    with pytest.raises(InputError) as info:
        youtube.parse_video_id(text)
    message = str(info.value)
    assert repr(text) in message and why in message
    assert "\n" not in message


# --- Success -------------------------------------------------------------------------------

def test_fetch_prefers_manual_english_with_oembed_metadata(yt: YouTube) -> None:
    yt.video(SURFACE)
    t = youtube.fetch_transcript(SURFACE, ["en"])

    assert (t.video_id, t.language, t.source, t.is_generated) == (
        SURFACE, "en", "youtube:manual", False)
    assert (t.title, t.channel) == ("Surface Go Review - It’s Awesome", "Dave2D")
    assert [(c.start, c.end, c.text) for c in t.cues] == SURFACE_CUES  # <i> tags stripped
    assert all(c.speaker is None for c in t.cues)
    assert t.duration == 316  # the video's length (lengthSeconds), not the last cue
    assert t.chapters == ()  # the recorded description has no chapter list
    [query] = yt.caption_requests()
    assert query["lang"] == ["en"] and "kind" not in query
    assert Transcript.from_dict(json.loads(json.dumps(t.to_dict()))) == t


@pytest.mark.parametrize(("languages", "expected"), [
    (["de", "en"], "de"),
    (["fr", "cs"], "cs"),  # fr does not exist: the next preference wins
    (["en-GB"], "en"),  # a regional code matches its base language
    (["zh-Hans", "en"], "zh"),
])
def test_language_preference_order(yt: YouTube, languages: list[str], expected: str) -> None:
    yt.video(SURFACE)
    t = youtube.fetch_transcript(SURFACE, languages)
    assert t.language == expected and not t.is_generated
    assert yt.caption_requests()[0]["lang"] == [expected]


def _only_tracks(data: dict[str, Any], keep: set[tuple[str, str | None]]) -> dict[str, Any]:
    """The player response with only the (languageCode, kind) caption tracks in `keep`."""
    data = copy.deepcopy(data)
    tracks = data["captions"]["playerCaptionsTracklistRenderer"]["captionTracks"]
    tracks[:] = [t for t in tracks if (t["languageCode"], t.get("kind")) in keep]
    return data


def test_generated_captions_when_no_manual_ones(yt: YouTube) -> None:
    yt.video(SURFACE, player=_only_tracks(player_json(), {("en", "asr")}))
    t = youtube.fetch_transcript(SURFACE, ["en"])
    assert (t.source, t.is_generated, t.language) == ("youtube:generated", True, "en")
    assert yt.caption_requests()[0]["kind"] == ["asr"]


def test_manual_in_a_later_language_beats_generated_in_an_earlier_one(yt: YouTube) -> None:
    yt.video(SURFACE, player=_only_tracks(player_json(), {("en", "asr"), ("de", None)}))
    t = youtube.fetch_transcript(SURFACE, ["en", "de"])
    assert (t.language, t.source) == ("de", "youtube:manual")


def test_fallback_language_of_a_second_recorded_video(yt: YouTube) -> None:
    yt.video("F1xioXWb8CY", player="youtube_ww1_nl_en.innertube.json.static",
             oembed=("The Tide Is Turning", "The Great War"))
    t = youtube.fetch_transcript("F1xioXWb8CY", ["de", "en"])
    assert (t.language, t.is_generated, t.channel) == ("en", False, "The Great War")
    assert t.duration == 1509


def test_oembed_failure_falls_back_to_the_player_details(yt: YouTube) -> None:
    yt.video(SURFACE, oembed=401)  # embedding disabled: oEmbed says 401
    reporter, out = capture_reporter()
    t = youtube.fetch_transcript(SURFACE, ["en"], reporter=reporter)
    assert (t.title, t.channel) == ("Surface Go Review - It’s Awesome", "Dave2D")
    assert "warning" not in out.getvalue()  # the data is right: nothing to warn about
    assert "HTTP 401" in out.getvalue()  # but --verbose says why


@pytest.mark.parametrize("oembed", [404, None], ids=["http-404", "unreachable"])
def test_no_metadata_at_all_gives_placeholders_and_one_warning(
        yt: YouTube, oembed: int | None) -> None:
    data = player_json()
    del data["videoDetails"]
    yt.video(SURFACE, player=data, oembed=oembed)
    reporter, out = capture_reporter()
    t = youtube.fetch_transcript(SURFACE, ["en"], reporter=reporter)
    assert (t.title, t.channel) == (f"YouTube video {SURFACE}", "Unknown channel")
    assert t.duration == pytest.approx(8.939)  # no length known: the last cue's end
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert SURFACE in warnings[0] and "--force" in warnings[0]


def test_chapters_from_the_description(yt: YouTube) -> None:
    data = player_json()
    data["videoDetails"]["shortDescription"] = (
        "Dave2D review of the Surface Go.\n\nChapters:\n0:00 Intro\n0:45 - Design\n"
        "2:10 Performance & battery\n4:30 Verdict\n9:59 Beyond the end\n\nhttp://x.test\n"
    )
    yt.video(SURFACE, player=data)
    t = youtube.fetch_transcript(SURFACE, ["en"])
    assert [(c.start, c.title) for c in t.chapters] == [
        (0, "Intro"), (45, "Design"), (130, "Performance & battery"), (270, "Verdict")]


def test_injected_session_is_used_and_left_clean(yt: YouTube) -> None:
    yt.video(SURFACE)
    session = requests.Session()
    youtube.fetch_transcript(SURFACE, ["en"], session=session)
    assert session.hooks["response"] == []
    assert len(yt.rsps.calls) == 4  # watch page, player, captions, oEmbed


def test_default_session_sets_a_timeout(yt: YouTube) -> None:
    yt.video(SURFACE)
    youtube.fetch_transcript(SURFACE, ["en"])
    timeouts = {c.request.req_kwargs["timeout"] for c in yt.rsps.calls}
    assert timeouts == {youtube.REQUEST_TIMEOUT, youtube.OEMBED_TIMEOUT}


# --- Failures ------------------------------------------------------------------------------

def _replace_player(name: str) -> Any:
    def setup(yt: YouTube) -> None:
        yt.replace(responses.POST, PLAYER, body=asset(name), content_type="application/json")
    return setup


def _replace_watch(**kwargs: Any) -> Any:
    def setup(yt: YouTube) -> None:
        yt.replace(responses.GET, WATCH, **kwargs)
    return setup


def _replace_captions(**kwargs: Any) -> Any:
    def setup(yt: YouTube) -> None:
        yt.replace(responses.GET, TIMEDTEXT, **kwargs)
    return setup


def _consent_page_twice(yt: YouTube) -> None:
    yt.replace(responses.GET, WATCH, body=asset("youtube_consent_page.html.static"))
    yt.rsps.get(WATCH, body=asset("youtube_consent_page.html.static"))


def _player_of_unexpected_shape(yt: YouTube) -> None:
    data = player_json()
    for track in data["captions"]["playerCaptionsTracklistRenderer"]["captionTracks"]:
        del track["name"]
    yt.replace(responses.POST, PLAYER, json=data)


def _no_caption_tracks(yt: YouTube) -> None:
    yt.replace(responses.POST, PLAYER, json=_only_tracks(player_json(), set()))


def _no_setup(yt: YouTube) -> None:
    return None


FAILURES = {
    # name: (setup, languages, words the one-line message must contain)
    "transcripts-disabled": (
        _replace_player("youtube_transcripts_disabled.innertube.json.static"),
        ["en"], ["captions are disabled", f"notegraph import FILE --id {SURFACE}"]),
    "transcripts-disabled-live": (
        _replace_player("youtube_transcripts_disabled2.innertube.json.static"),
        ["en"], ["captions are disabled"]),
    "no-transcript-in-languages": (
        _no_setup, ["fr", "it"],
        ["no transcript in fr, it", "cs, de, en, es, hi, ja, ko, zh (manual); en (auto-generated)",
         "retry with --lang en"]),  # en: the spoken language (its auto-captions)
    "no-caption-tracks": (_no_caption_tracks, ["en"], ["no captions at all", "Whisper"]),
    "video-unavailable": (_replace_player("youtube_video_unavailable.innertube.json.static"),
                          ["en"], ["video unavailable", "check the URL"]),
    "age-restricted": (_replace_player("youtube_age_restricted.innertube.json.static"),
                       ["en"], ["age-restricted", "notegraph import"]),
    "request-blocked": (_replace_player("youtube_request_blocked.innertube.json.static"),
                        ["en"], ["blocking requests from this IP", "HTTPS_PROXY",
                                 "notegraph import"]),
    "ip-blocked-captcha": (_replace_watch(body=asset("youtube_too_many_requests.html.static")),
                           ["en"], ["too many requests", "HTTPS_PROXY", "notegraph import"]),
    "too-many-requests-429": (_replace_captions(status=429), ["en"],
                              ["too many requests", "wait and retry"]),
    "po-token-required": (_replace_player("youtube_po_token_required.innertube.json.static"),
                          ["en"], ["PO token", "notegraph import"]),
    "unplayable": (_replace_player("youtube_unplayable.innertube.json.static"), ["en"],
                   ["will not play", "Custom Reason Sub Reason 1 Sub Reason 2"]),
    "consent-cookie": (_consent_page_twice, ["en"], ["cookie-consent"]),
    "http-500": (_replace_watch(status=500), ["en"], ["request to YouTube failed", "500"]),
    "network-down": (_replace_watch(body=requests.ConnectionError("Name or service not known")),
                     ["en"], ["cannot reach YouTube", "connection"]),
    "timeout": (_replace_watch(body=requests.ReadTimeout("read timed out")), ["en"],
                ["did not answer in time"]),
    "empty-caption-file": (_replace_captions(body=""), ["en"],
                           ["empty or unreadable caption file"]),
    "no-cues": (_replace_captions(body='<?xml version="1.0"?><transcript></transcript>'),
                ["en"], ["en manual captions are empty"]),
    "unexpected-shape": (_player_of_unexpected_shape, ["en"],
                         ["unexpected shape", "pip install -U youtube-transcript-api"]),
}


@pytest.mark.parametrize("case", FAILURES)
def test_each_failure_is_one_line_naming_the_video(yt: YouTube, case: str) -> None:
    setup, languages, words = FAILURES[case]
    yt.video(SURFACE)
    setup(yt)
    with pytest.raises(SourceError) as info:
        youtube.fetch_transcript(SURFACE, languages)
    message = str(info.value)
    assert message.startswith(f"{SURFACE}: ")
    assert "\n" not in message and len(message) < 400
    for word in words:
        assert word in message


@pytest.mark.parametrize("case", FAILURES)
def test_each_failure_through_the_cli(yt: YouTube, case: str, tmp_path: Path) -> None:
    setup, languages, words = FAILURES[case]
    yt.video(SURFACE)
    setup(yt)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "add", "--no-notes", "--lang",
                                      ",".join(languages), f"https://youtu.be/{SURFACE}?t=3"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and SURFACE in errors[0] and words[0] in errors[0]
    assert not (tmp_path / "content" / "transcripts" / f"{SURFACE}.json").exists()


def test_a_url_as_id_is_refused_before_any_request(yt: YouTube) -> None:
    with pytest.raises(InputError, match="not a YouTube video ID"):
        youtube.fetch_transcript(f"https://www.youtube.com/watch?v={SURFACE}", ["en"])
    assert len(yt.rsps.calls) == 0


def test_library_invalid_id_and_other_failures_have_a_message() -> None:
    # parse_video_id stops URLs before the library could raise InvalidVideoId, and we
    # never translate; their messages are still one line with a way out.
    for exc in (InvalidVideoId(SURFACE), NotTranslatable(SURFACE)):
        message = youtube.explain_failure(SURFACE, exc)
        assert message.startswith(f"{SURFACE}: ") and "\n" not in message
    assert "11-character" in youtube.explain_failure(SURFACE, InvalidVideoId(SURFACE))
    assert "notegraph import" in youtube.explain_failure(SURFACE, NotTranslatable(SURFACE))


# --- The CLI with several videos --------------------------------------------------------------

DISABLED = "dsMFmonKDD4"


def _transcripts(root: Path) -> list[str]:
    folder = root / "content" / "transcripts"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_cli_one_failure_does_not_stop_the_others(yt: YouTube, tmp_path: Path) -> None:
    yt.video(DISABLED, player="youtube_transcripts_disabled.innertube.json.static")
    yt.video(SURFACE)
    result = CliRunner().invoke(cli, [
        "--root", str(tmp_path), "add", "--no-notes",
        f"https://www.youtube.com/watch?v={DISABLED}&t=10s",
        "not a video",
        f"https://m.youtube.com/watch?v={SURFACE}&feature=share",
    ])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    assert DISABLED in errors[0] and "captions are disabled" in errors[0]
    assert "'not a video'" in errors[1]
    assert errors[2] == "error: 2 of 3 inputs failed"
    assert _transcripts(tmp_path) == [f"{SURFACE}.json"]  # only the good one, no temp files
    stored = Transcript.from_dict(json.loads(
        (tmp_path / "content" / "transcripts" / f"{SURFACE}.json").read_text("utf-8")))
    assert (stored.title, stored.channel, stored.source) == (
        "Surface Go Review - It’s Awesome", "Dave2D", "youtube:manual")


def test_cli_readding_is_a_no_op_unless_forced(yt: YouTube, tmp_path: Path) -> None:
    yt.video(SURFACE)
    runner = CliRunner()
    args = ["--root", str(tmp_path), "add", "--no-notes", SURFACE]
    assert runner.invoke(cli, args).exit_code == 0
    path = tmp_path / "content" / "transcripts" / f"{SURFACE}.json"
    before = path.stat().st_mtime_ns
    calls = len(yt.rsps.calls)

    again = runner.invoke(cli, [*args[:4], f"https://youtu.be/{SURFACE}"])
    assert again.exit_code == 0 and "already stored" in again.output
    assert len(yt.rsps.calls) == calls  # no request at all
    assert path.stat().st_mtime_ns == before

    forced = runner.invoke(cli, [*args, "--force", "--lang", "de"])
    assert forced.exit_code == 0
    assert len(yt.rsps.calls) > calls
    assert json.loads(path.read_text("utf-8"))["language"] == "de"


def test_cli_same_video_twice_is_fetched_once(yt: YouTube, tmp_path: Path) -> None:
    yt.video(SURFACE)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "add", "--no-notes", SURFACE,
                                      f"https://youtu.be/{SURFACE}"])
    assert result.exit_code == 0 and "listed more than once" in result.output
    assert len(yt.caption_requests()) == 1


def test_cli_lang_accepts_repeats_and_commas(yt: YouTube, tmp_path: Path) -> None:
    yt.video(SURFACE)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "add", "--no-notes",
                                      "--lang", "fr,ja",
                                      "--lang", "en", SURFACE])
    assert result.exit_code == 0
    stored = json.loads((tmp_path / "content/transcripts" / f"{SURFACE}.json").read_text())
    assert stored["language"] == "ja"


def test_cli_metadata_warning_does_not_fail_the_run(yt: YouTube, tmp_path: Path) -> None:
    data = player_json()
    del data["videoDetails"]
    yt.video(SURFACE, player=data, oembed=None)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "add", "--no-notes", SURFACE])
    assert result.exit_code == 0
    assert "warning:" in result.output and "Unknown channel" in result.output
    assert _transcripts(tmp_path) == [f"{SURFACE}.json"]
