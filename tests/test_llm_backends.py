"""How the LLM writer asks for its reply schema, and its errors, without a real model.

Against the scripted server of tests/chat_server.py on 127.0.0.1: the schema travels as
`response_format`, a server that refuses a format is asked the next way, a topic too long
for the server's context and a server that hangs each cost one clear warning while every
extractive note is kept. The embedded backend's file checks (missing, not GGUF, too big
for the memory) run before llama.cpp is touched; a damaged GGUF reaches llama.cpp itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chat_server import ChatServer, Reply, error
from llm_fixtures import grounded_reply
from recording_reporter import InfoReporter, RecordingReporter
from test_llm_writer import make_config, three_segments, write

from notegraph.config import load_config
from notegraph.errors import ConfigError
from notegraph.writers.reply_schema import REPLY_SCHEMA, reply_schema, shape


@pytest.fixture
def server():
    with ChatServer() as s:
        yield s


def _formats(server: ChatServer) -> list[str | None]:
    return [(r["body"].get("response_format") or {}).get("type") for r in server.requests]


def _assert_extractive(topics: list, reason: str, count: int) -> None:
    assert len(topics) == count
    for t in topics:
        assert t.writer == "extractive" and reason in t.fallback
        assert t.sections


# ------------------------------------------------------------------- configuration

def test_backend_and_limits_are_read_and_validated(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text(
        'writer = "llm"\n[llm]\nbackend = "llama-cpp"\nmodel = "models/m.gguf"\n'
        'context_size = 4096\nmax_tokens = 512\nthreads = 2\n')
    llm = load_config(tmp_path).llm
    assert (llm.backend, llm.model, llm.context_size, llm.max_tokens, llm.threads) == (
        "llama-cpp", "models/m.gguf", 4096, 512, 2)
    assert load_config(tmp_path / "nowhere").llm.backend == "http"


@pytest.mark.parametrize("text, names", [
    ('[llm]\nbackend = "ollama"\n', "'llm.backend' must be one of http, llama-cpp"),
    ('[llm]\ncontext_size = 100\n', "'llm.context_size' must be an integer from 512"),
    ('[llm]\nmax_tokens = -1\n', "'llm.max_tokens' must be an integer from 0"),
    ('[llm]\nthreads = 1.5\n', "'llm.threads' must be an integer"),
])
def test_bad_backend_settings_name_the_key(tmp_path: Path, text: str, names: str) -> None:
    (tmp_path / "notegraph.toml").write_text(text)
    with pytest.raises(ConfigError, match=names):
        load_config(tmp_path)


# ------------------------------------------------------------------- the schema over HTTP

def test_http_backend_sends_the_reply_schema(tmp_path: Path, server: ChatServer) -> None:
    server.script(Reply(content=grounded_reply()))
    _, (topic,) = write(make_config(tmp_path, server.base_url, max_tokens=700))
    assert topic.writer == "llm"
    (request,) = server.requests
    fmt = request["body"]["response_format"]
    assert fmt == {"type": "json_schema",
                   "json_schema": {"name": "topic_note", "schema": reply_schema(700)}}
    assert request["body"]["max_tokens"] == 700


def test_a_refused_schema_format_is_asked_the_next_way_once(tmp_path: Path,
                                                            server: ChatServer) -> None:
    # what llama-cpp-python's own server says to a json_schema response_format
    server.script(error(422, "body.response_format.type: Input should be 'text' or "
                             "'json_object'"), Reply(content=grounded_reply()))
    reporter = InfoReporter()
    writer, topics = write(make_config(tmp_path, server.base_url, max_concurrency=1),
                           three_segments(), reporter)
    # the scripted reply cites the first two topics' moments: the third has nothing grounded
    assert [t.writer for t in topics] == ["llm", "llm", "extractive"]
    assert _formats(server) == ["json_schema", "json_object", "json_object", "json_object"]
    assert server.requests[1]["body"]["response_format"]["schema"] == reply_schema(1024)
    assert writer.client.schema_refused.startswith("json_schema: ")
    assert sum("does not take our reply schema" in m for m in reporter.infos) == 1


def test_a_500_naming_the_format_is_a_refusal_too(tmp_path: Path, server: ChatServer) -> None:
    # llama-cpp-python 0.3.36's server: a validation error of the request, sent as a 500
    server.script(*[error(500, "1 validation error: ('body', 'response_format', 'type') "
                               "Input should be 'text' or 'json_object'")] * 3,
                  Reply(content=grounded_reply()))
    _, (topic,) = write(make_config(tmp_path, server.base_url))
    assert topic.writer == "llm"
    assert _formats(server) == ["json_schema"] * 3 + ["json_object"]  # the client retries 5xx


def test_a_server_refusing_every_format_gets_the_prompt_alone(tmp_path: Path,
                                                              server: ChatServer) -> None:
    server.script(error(400, "Unrecognized request argument supplied: response_format"),
                  error(400, "response_format json_object is not supported"),
                  Reply(content=grounded_reply()))
    _, topics = write(make_config(tmp_path, server.base_url, max_concurrency=1),
                      three_segments())
    assert [t.writer for t in topics][:2] == ["llm", "llm"]
    assert _formats(server) == ["json_schema", "json_object", None, None, None]


@pytest.mark.parametrize("max_tokens", [256, 512, 1024, 2048, 4096, 0])
def test_the_schema_shape_fits_the_reply_budget(max_tokens: int) -> None:
    from notegraph.writers import reply_schema as rs

    lead, sections, sentences = shape(max_tokens)
    assert lead >= 1 and sections >= 1 and sentences >= 1
    claims = lead + sections * sentences
    if max_tokens >= rs.FIXED_TOKENS + 2 * rs.CLAIM_TOKENS:
        assert rs.FIXED_TOKENS + claims * rs.CLAIM_TOKENS <= max_tokens
    if max_tokens in (0, 4096):
        assert (lead, sections, sentences) == (2, 4, 5)  # all the prompt asks for
    schema = reply_schema(max_tokens)
    assert schema["properties"]["sections"]["maxItems"] == sections
    assert (schema == REPLY_SCHEMA) is ((lead, sections, sentences) == (2, 4, 5))


# ------------------------------------------------------------------- errors

def test_a_topic_too_long_for_the_server_context_keeps_its_note(tmp_path: Path,
                                                                 server: ChatServer) -> None:
    too_long = error(400, "This model's maximum context length is 4096 tokens. However, "
                          "your messages resulted in 9000 tokens.")
    server.script(too_long, Reply(content=grounded_reply()))
    reporter = RecordingReporter()
    _, topics = write(make_config(tmp_path, server.base_url, max_concurrency=1),
                      three_segments(), reporter)
    assert [t.writer for t in topics][:2] == ["extractive", "llm"]
    assert "does not fit the context window" in topics[0].fallback
    assert _formats(server) == ["json_schema"] * 3, "a long topic is no refused schema"
    warning = reporter.warnings[0]
    assert "\n" not in warning and "kept the extractive note" in warning


def test_a_hanging_server_costs_one_topic_and_one_line(tmp_path: Path,
                                                       server: ChatServer) -> None:
    server.script(Reply(content=grounded_reply(), delay=30))  # accepts, never answers in time
    reporter = RecordingReporter()
    _, topics = write(make_config(tmp_path, server.base_url, timeout=0.3, max_concurrency=1),
                      three_segments(), reporter)
    _assert_extractive(topics, "no reply within 0.3 s", 3)
    assert len(server.requests) == 3, "one topic's tries, then the run stops asking"
    (warning,) = reporter.warnings
    assert "remaining topics" in warning and "\n" not in warning


# ------------------------------------------------------------------- embedded backend files

def _llama_config(root: Path, model: str):
    return load_config(root, {"writer": "llm", "llm": {"backend": "llama-cpp", "model": model}})


def _write_llama(root: Path, model: str, reporter: RecordingReporter) -> list:
    from test_llm_writer import make_context

    from notegraph.writers import get_writer

    writer = get_writer("llm", _llama_config(root, model), reporter)
    return writer.write_topics(three_segments(), make_context())


@pytest.mark.parametrize("content, problem", [
    (None, "llm.model: no file"),
    (b"<html>404 Not Found</html>\n", "is not a GGUF model"),
])
def test_a_missing_or_foreign_model_file_keeps_every_note(tmp_path: Path, content: bytes | None,
                                                          problem: str) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed "
                                            "(pip install '.[llm-local]')")
    if content is not None:
        (tmp_path / "model.gguf").write_bytes(content)
    reporter = RecordingReporter()
    topics = _write_llama(tmp_path, "model.gguf", reporter)
    _assert_extractive(topics, problem, 3)
    (warning,) = reporter.warnings
    assert str(tmp_path / "model.gguf") in warning and "\n" not in warning


def test_a_model_bigger_than_the_free_memory_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from notegraph.writers import llama_cpp

    (tmp_path / "big.gguf").write_bytes(b"GGUF" + bytes(4 * 1024 * 1024))
    monkeypatch.setattr(llama_cpp, "available_memory", lambda: 1024 * 1024)
    reporter = RecordingReporter()
    topics = _write_llama(tmp_path, "big.gguf", reporter)
    _assert_extractive(topics, "out of memory: big.gguf needs", 3)
    assert len(reporter.warnings) == 1


def test_a_damaged_gguf_is_reported_by_llama_cpp_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    (tmp_path / "cut.gguf").write_bytes(b"GGUF" + bytes(range(256)) * 16)
    reporter = RecordingReporter()
    topics = _write_llama(tmp_path, "cut.gguf", reporter)
    _assert_extractive(topics, "llama.cpp could not load", 3)
    assert len(reporter.warnings) == 1


def test_embedded_backend_without_llama_cpp_is_a_config_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from notegraph.writers import get_writer

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if it were not installed
    with pytest.raises(ConfigError, match=r"notegraph\[llm-local\]"):
        get_writer("llm", _llama_config(tmp_path, "m.gguf"))
