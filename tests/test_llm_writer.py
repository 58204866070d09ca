"""The LLM writer against a real HTTP server on 127.0.0.1 with scripted replies.

These tests are about configuration, the reply format and failure handling; they use
a bag-of-words stand-in embedder so they run in seconds. Grounding quality with the real
model is tested in test_grounding.py.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from chat_server import ChatServer, Reply, error
from llm_fixtures import LINES, SEGMENT, TRANSCRIPT, WordEmbedder, grounded_reply
from recording_reporter import RecordingReporter

from notegraph.config import Config, load_config
from notegraph.errors import ConfigError
from notegraph.models import Segment
from notegraph.report import Reporter
from notegraph.topics.grounding import is_real_start
from notegraph.writers import get_writer
from notegraph.writers.base import WriterContext
from notegraph.writers.chat import ChatClient, MalformedReply
from notegraph.writers.llm import LLMWriter, clean_text, parse_reply


@pytest.fixture
def server():
    with ChatServer() as s:
        yield s


def make_config(root: Path, base_url: str, **llm: object) -> Config:
    table = {"base_url": base_url, "model": "test-model", "timeout": 2, **llm}
    return load_config(root, {"writer": "llm", "llm": table})


def make_context() -> WriterContext:
    embedder = WordEmbedder()
    return WriterContext(video_id=TRANSCRIPT.video_id, title=TRANSCRIPT.title,
                         channel=TRANSCRIPT.channel,
                         embedder=embedder)


def three_segments() -> list[Segment]:
    s = SEGMENT.sentences
    return [Segment("bread-talk", 60.0, 93.0, s[:5]), Segment("bread-talk", 93.1, 144.0, s[5:12]),
            Segment("bread-talk", 144.5, 172.0, s[12:])]


def write(config: Config, segments: list[Segment] | None = None,
          reporter: Reporter | None = None) -> tuple[LLMWriter, list]:
    writer = get_writer("llm", config, reporter or RecordingReporter())
    assert isinstance(writer, LLMWriter)
    return writer, writer.write_topics(segments or [SEGMENT], make_context())


# ------------------------------------------------------------------- configuration

def test_llm_table_is_read_and_validated(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text(
        'writer = "llm"\n[llm]\nbase_url = "http://localhost:11434/v1"\nmodel = "llama3.1:8b"\n'
        'api_key_env = "MY_KEY"\ntemperature = 0\ntimeout = 30\nmax_concurrency = 4\n')
    config = load_config(tmp_path)
    assert config.writer == "llm"
    assert (config.llm.model, config.llm.api_key_env, config.llm.max_concurrency) == (
        "llama3.1:8b", "MY_KEY", 4)
    assert config.llm.temperature == 0.0 and config.llm.timeout == 30.0


@pytest.mark.parametrize("text, names", [
    ('[llm]\nmodle = "x"\n', "unknown key 'llm.modle'"),
    ('[llm]\ntemperature = "hot"\n', "'llm.temperature' must be a number"),
    ('[llm]\ntimeout = 0\n', "'llm.timeout' must be a positive number"),
    ('[llm]\nmax_concurrency = true\n', "'llm.max_concurrency' must be an integer"),
    ('llm = "gpt"\n', "'llm' must be a table"),
    ('writer = "gpt"\n', "'writer' must be one of extractive, llm"),
])
def test_bad_llm_settings_name_the_key(tmp_path: Path, text: str, names: str) -> None:
    (tmp_path / "notegraph.toml").write_text(text)
    with pytest.raises(ConfigError, match=names.replace("(", r"\(")):
        load_config(tmp_path)


def test_missing_model_and_missing_key_are_clear_errors(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"\[llm\] table"):
        get_writer("llm", make_config(tmp_path, "http://127.0.0.1:9/v1", model=""))
    monkeypatch.delenv("NOTEGRAPH_TEST_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"\$NOTEGRAPH_TEST_KEY"):
        get_writer("llm", make_config(tmp_path, "http://127.0.0.1:9/v1",
                                      api_key_env="NOTEGRAPH_TEST_KEY"))


# ------------------------------------------------------------------- reply format

def test_reply_parser_tolerates_fences_and_reasoning() -> None:
    text = "<think>let me see</think>\n```json\n" + grounded_reply() + "\n```\nHope it helps!"
    draft = parse_reply(text)
    assert [s.heading for s in draft.sections] == ["Starter", "Salt"]
    assert draft.sections[1].claims[0].cited == ("00:01:39",)
    assert draft.lead[0].text == LINES[1][1]


@pytest.mark.parametrize("reply, problem", [
    ("Sorry, I cannot help with that.", "no JSON object"),
    ('{"title": "x", "sections": [', "no JSON object"),
    ('{"title": "x", "sections": [}', "invalid JSON"),
    ('{"title": "x"}', "'sections' must be a non-empty list"),
    ('{"sections": [{"heading": "h", "sentences": "text"}]}', "must be a list"),
    ('{"sections": [{"heading": "h", "sentences": [{"cite": ["00:01:10"]}]}]}',
     "'text' string"),
    ('{"sections": [{"heading": "h", "sentences": [{"text": "t", "cite": 5}]}]}',
     "cite must be a list"),
])
def test_malformed_replies_are_named(reply: str, problem: str) -> None:
    with pytest.raises(MalformedReply, match=problem):
        parse_reply(reply)


def test_model_text_loses_html_and_invented_timestamps() -> None:
    text = ('The crust <script>alert(1)</script>sets <a class="yt-timestamp" '
            'data-t="00:09:59">[00:09:59]</a> at (12:30) once the lid is off.')
    assert clean_text(text) == "The crust alert(1)sets at once the lid is off."


# ------------------------------------------------------------------- the happy path

def test_grounded_reply_becomes_the_note_and_is_cached(tmp_path: Path, server: ChatServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTEGRAPH_TEST_KEY", "sk-test-123")
    server.script(Reply(content=grounded_reply()))
    config = make_config(tmp_path, server.base_url, api_key_env="NOTEGRAPH_TEST_KEY")
    _, (topic,) = write(config)

    assert topic.writer == "llm"
    assert topic.grounding is not None
    assert topic.grounding.to_dict() == {"kept": 3, "recited": 0, "dropped": 0}
    assert topic.title == "Sourdough starter and salt"
    assert [(s.heading, [p.start for p in s.points]) for s in topic.sections] == [
        ("Starter", [70.2]), ("Salt", [99.8])]
    assert all(is_real_start(p.start, SEGMENT.sentences, SEGMENT.start, SEGMENT.end)
               for s in topic.sections for p in s.points)
    # what the server saw: the key, the model, the topic's lines with their timestamps
    (request,) = server.requests
    assert request["authorization"] == "Bearer sk-test-123"
    assert request["body"]["model"] == "test-model"
    user = request["body"]["messages"][1]["content"]
    assert "Video: Baking bread at home (channel: Kitchen Radio)" in user
    assert f"[00:01:10] {LINES[2][1]}" in user
    assert f"[00:02:45] {LINES[15][1]}" in user

    # a re-run asks nothing: the reply is cached by (prompt, model, input)
    _, (again,) = write(config)
    assert len(server.requests) == 1
    assert again.sections == topic.sections


def test_prompt_template_can_be_overridden(tmp_path: Path, server: ChatServer) -> None:
    prompts = tmp_path / "templates" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "topic_note.txt").write_text(
        "CUSTOM {{ topic_title }}\n{% for l in lines %}{{ l.stamp }} {{ l.text }}\n{% endfor %}")
    server.script(Reply(content=grounded_reply()))
    write(make_config(tmp_path, server.base_url))
    user = server.requests[0]["body"]["messages"][1]["content"]
    assert user.startswith("CUSTOM ")
    assert "00:01:39 I use two percent salt" in user
    assert "Reply with exactly this JSON shape" not in user


# ------------------------------------------------------------------- failures

def _assert_all_extractive(topics: list, reason: str, count: int = 1) -> None:
    # One note per segment even when the LLM fails: an empty list must not pass.
    assert len(topics) == count
    for t in topics:
        assert t.writer == "extractive"
        assert reason in t.fallback
        assert t.grounding is None and t.provisional
        assert t.sections, "the extractive note is complete"


def test_bad_key_falls_back_once_for_every_topic(tmp_path: Path, server: ChatServer) -> None:
    server.script(error(401, "Incorrect API key provided"))
    reporter = RecordingReporter()
    _, topics = write(make_config(tmp_path, server.base_url, max_concurrency=1),
                           three_segments(), reporter)
    _assert_all_extractive(topics, "refused the API key (401)", count=3)
    assert len(server.requests) == 1, "a 401 is not retried, and stops the other topics"
    assert len(reporter.warnings) == 1 and "remaining topics" in reporter.warnings[0]


def test_rate_limit_waits_for_retry_after_then_succeeds(tmp_path: Path,
                                                        server: ChatServer) -> None:
    server.script(error(429, "slow down", **{"Retry-After": "1"}),
                  Reply(content=grounded_reply()))
    t0 = time.monotonic()
    _, (topic,) = write(make_config(tmp_path, server.base_url))
    assert time.monotonic() - t0 >= 1.0, "Retry-After was honoured"
    assert len(server.requests) == 2
    assert topic.writer == "llm"


def test_server_errors_are_retried_a_bounded_number_of_times(tmp_path: Path,
                                                             server: ChatServer) -> None:
    server.script(error(500, "model crashed"))
    reporter = RecordingReporter()
    _, topics = write(make_config(tmp_path, server.base_url), reporter=reporter)
    _assert_all_extractive(topics, "HTTP 500")
    assert len(server.requests) == 3  # one try and two retries
    assert "kept the extractive note" in reporter.warnings[0]


def test_malformed_reply_is_asked_again_then_falls_back(tmp_path: Path,
                                                        server: ChatServer) -> None:
    server.script(Reply(content="Here are some thoughts about bread."))
    config = make_config(tmp_path, server.base_url)
    _, topics = write(config)
    _assert_all_extractive(topics, "wrong format")
    assert len(server.requests) == 2
    assert not (config.cache_path / "llm").exists(), "an unusable reply is never cached"

    server.script(Reply(content='{"sections": 3}'), Reply(content=grounded_reply()))
    _, (topic,) = write(config)
    assert topic.writer == "llm"
    assert len(server.requests) == 4


def test_a_reply_that_is_not_a_chat_completion_falls_back(tmp_path: Path,
                                                          server: ChatServer) -> None:
    server.script(Reply(body="<html>502 Bad Gateway</html>"))
    _, topics = write(make_config(tmp_path, server.base_url))
    assert topics[0].writer == "extractive"


def test_slow_server_times_out(tmp_path: Path, server: ChatServer) -> None:
    server.script(Reply(content=grounded_reply(), delay=1.5))
    _, topics = write(make_config(tmp_path, server.base_url, timeout=0.3))
    _assert_all_extractive(topics, "no reply within 0.3 s")
    assert len(server.requests) == 3


def test_server_down_is_fatal_for_the_run(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reporter = RecordingReporter()
    _, topics = write(make_config(tmp_path, f"http://127.0.0.1:{port}/v1", max_concurrency=1),
                      three_segments(), reporter)
    _assert_all_extractive(topics, "cannot reach LLM server", count=3)
    assert len(reporter.warnings) == 1


def test_nothing_grounded_keeps_the_extractive_note(tmp_path: Path, server: ChatServer) -> None:
    invented = {"title": "Bread on Mars", "sections": [{"heading": "Space", "sentences": [
        {"text": "NASA astronauts baked focaccia aboard the International Space Station.",
         "cite": ["00:01:10"]}]}]}
    server.script(Reply(content=json.dumps(invented)))
    reporter = RecordingReporter()
    _, (topic,) = write(make_config(tmp_path, server.base_url), reporter=reporter)
    assert topic.writer == "extractive"
    assert "grounding check" in reporter.warnings[0]


@pytest.mark.parametrize("concurrency, overlap", [(1, False), (3, True)])
def test_topics_are_requested_concurrently_up_to_the_limit(tmp_path: Path, server: ChatServer,
                                                           concurrency: int,
                                                           overlap: bool) -> None:
    server.script(Reply(content=grounded_reply(), delay=0.4))
    _, topics = write(make_config(tmp_path, server.base_url, max_concurrency=concurrency),
                      three_segments())
    assert len(server.requests) == 3 and len(topics) == 3
    assert (server.max_in_flight > 1) is overlap


def test_chat_client_cache_key_depends_on_model_and_prompt(tmp_path: Path) -> None:
    config = make_config(tmp_path, "http://127.0.0.1:9/v1")
    a = ChatClient(config.llm, config.cache_path)
    other = make_config(tmp_path, "http://127.0.0.1:9/v1", model="other-model")
    b = ChatClient(other.llm, other.cache_path)
    msgs = [{"role": "user", "content": "hello"}]
    assert a.cache_key(msgs) != b.cache_key(msgs)
    assert a.cache_key(msgs) != a.cache_key([{"role": "user", "content": "hello!"}])
    assert a.cache_key(msgs) == ChatClient(config.llm, config.cache_path).cache_key(msgs)


def test_cli_writer_flag_reports_a_missing_model_in_one_line(tmp_path: Path) -> None:
    import dataclasses

    from click.testing import CliRunner

    from notegraph import store
    from notegraph.cli import cli
    from notegraph.models import Cue

    cues = tuple(Cue(start, start + 6.0, text) for start, text in LINES)
    store.save_transcript(load_config(tmp_path).transcripts_path,
                          dataclasses.replace(TRANSCRIPT, cues=cues))
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "notes", "--writer", "llm"])
    assert result.exit_code == 1
    assert "needs a model" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "content" / "notes").exists(), "nothing half-written"

    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "notes", "--writer", "gpt"])
    assert result.exit_code == 2 and "'gpt' is not one of" in result.output
