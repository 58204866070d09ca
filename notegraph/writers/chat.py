"""Talk to an OpenAI-compatible chat-completions server; cache the replies it gives.

One client covers Ollama, llama.cpp server, vLLM, LM Studio and OpenAI: they all speak
`POST {base_url}/chat/completions`. The official `openai` package does the HTTP and
retries transient failures (429 honouring `Retry-After`, 5xx, timeouts, dropped
connections) with bounded exponential backoff; this module adds:

- a reply cache keyed by (prompt, model, temperature): a re-run costs no request;
- a bounded retry when the reply is malformed (fails the caller's `parse`);
- one `LLMError` per failure with a message a person can act on, marked `fatal` when
  retrying later in the run is pointless (bad key, unknown model, server unreachable).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from notegraph import store
from notegraph.config import LLMConfig
from notegraph.errors import ConfigError, LLMError

T = TypeVar("T")

# Retries of transient HTTP failures, done by the openai client (backoff 0.5 s, 1 s, …,
# or the server's Retry-After up to 2 minutes).
HTTP_RETRIES = 2
# Extra attempts when the reply arrives but cannot be parsed.
MALFORMED_RETRIES = 1
CACHE_VERSION = "chat-v1"
# The ways of asking for a reply in a JSON schema, best first; None = plain prompt only.
RESPONSE_FORMATS: tuple[str | None, ...] = ("json_schema", "json_object", None)
# how servers say a prompt is longer than the model's context (llama.cpp, vLLM, OpenAI)
_FORMAT_RE = re.compile(r"response_format|json_schema|json_object|schema", re.IGNORECASE)
_CONTEXT_RE = re.compile(r"context|too many tokens|maximum.{0,20}length", re.IGNORECASE)


class _FormatRefused(Exception):
    """The server refused a request because of its `response_format` (400/422, or the
    500 of llama-cpp-python's server)."""


class MalformedReply(ValueError):
    """Raised by a `parse` function: the reply is not in the requested format."""


def api_key(llm: LLMConfig) -> str:
    """The key from the environment variable named by `llm.api_key_env`.

    Servers without keys (Ollama, llama.cpp) get a placeholder: the client insists on one.
    """
    if not llm.api_key_env:
        return "no-key"
    value = os.environ.get(llm.api_key_env, "")
    if not value:
        raise ConfigError(
            f"llm.api_key_env names ${llm.api_key_env}, but it is not set: export it, or "
            "set api_key_env = \"\" for a server that needs no key"
        )
    return value


@dataclass
class Usage:
    """What the model did so far: replies, tokens, seconds spent waiting (for reports)."""

    replies: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


class CachedChat:
    """The reply cache and the parse-and-retry loop shared by every backend.

    A backend implements `_request(messages, schema) -> str` (one reply, or `LLMError`);
    `schema` is the JSON schema the reply must follow (None: free text).
    """

    def __init__(self, llm: LLMConfig, cache_dir: Path | None) -> None:
        if not llm.model:
            raise ConfigError(
                "writer = \"llm\" needs a model: set model = \"...\" in the [llm] table of "
                "notegraph.toml (e.g. \"llama3.1:8b\" for Ollama, or the path of a .gguf "
                "file with backend = \"llama-cpp\")"
            )
        self.llm = llm
        self.cache_dir = cache_dir / "llm" if cache_dir else None
        self.requests = 0  # requests that produced a reply (for tests and reports)
        self.usage = Usage()

    def cache_key(self, messages: list[dict[str, str]],
                  schema: dict[str, Any] | None = None) -> str:
        """Hash of everything that determines the reply: prompt, model, temperature, the
        reply's schema and length limit."""
        parts = [CACHE_VERSION, self.llm.model, repr(self.llm.temperature),
                 json.dumps(messages, ensure_ascii=False, sort_keys=True)]
        if schema is not None:  # replies asked for before schemas were sent keep their key
            parts += [json.dumps(schema, sort_keys=True), str(self.llm.max_tokens)]
        return store.content_hash(*parts)

    def _cache_path(self, key: str) -> Path | None:
        return store.safe_join(self.cache_dir, key[:2], f"{key}.json") if self.cache_dir else None

    def _cached(self, key: str) -> str | None:
        path = self._cache_path(key)
        if path is None or not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return str(data["content"])
        except (OSError, ValueError, KeyError, TypeError):  # corrupt entry: ask again
            return None

    def complete(self, messages: list[dict[str, str]], parse: Callable[[str], T],
                 schema: dict[str, Any] | None = None) -> T:
        """The parsed reply to `messages`; from the cache when this exact prompt was answered.

        `schema` (a JSON schema) is sent to constrain the reply where the backend can.
        `parse` raises `MalformedReply` for an unusable reply: the request is repeated up
        to MALFORMED_RETRIES times, then an `LLMError` is raised. Only replies that parse
        are cached.
        """
        key = self.cache_key(messages, schema)
        cached = self._cached(key)
        if cached is not None:
            try:
                return parse(cached)
            except MalformedReply:
                pass  # a cache written by another parser version: ask again
        problem = ""
        for _attempt in range(1 + MALFORMED_RETRIES):
            content = self._request(messages, schema)
            try:
                if not content.strip():
                    raise MalformedReply("empty reply")
                result = parse(content)
            except MalformedReply as exc:
                problem = str(exc)
                continue
            path = self._cache_path(key)
            if path is not None:
                store.atomic_write_json(path, {"model": self.llm.model, "content": content})
            return result
        raise LLMError(f"model {self.llm.model!r} replied in the wrong format "
                       f"{1 + MALFORMED_RETRIES} times ({problem})")

    def _request(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        """One reply to `messages` (following `schema` when given); `LLMError` on failure."""
        raise NotImplementedError


class ChatClient(CachedChat):
    """Chat completions against `llm.base_url` with a reply cache under `cache_dir`."""

    def __init__(self, llm: LLMConfig, cache_dir: Path | None, *,
                 http_retries: int = HTTP_RETRIES) -> None:
        super().__init__(llm, cache_dir)
        try:
            import openai  # imported here: the extractive default never pays for it
        except ImportError as exc:
            raise ConfigError("writer = \"llm\" needs the 'openai' package: pip install "
                              "openai (or use writer = \"extractive\")") from exc
        # index into RESPONSE_FORMATS of the first one the server has not refused
        self._format = 0
        self._format_lock = threading.Lock()
        self.schema_refused: str | None = None  # the server's last refusal, for reports
        self._client = openai.OpenAI(base_url=llm.base_url, api_key=api_key(llm),
                                     timeout=llm.timeout, max_retries=http_retries)

    def _request(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        """One chat completion (with the client's own transient retries) → reply text.

        The schema goes as a `response_format`, in the first of `RESPONSE_FORMATS` the
        server accepts: a format refused (an HTTP error naming it) is not offered again this
        run; the last resort is the prompt alone (the reply is validated either way).
        """
        if schema is None:
            return self._create(messages, None)
        while True:
            kind = RESPONSE_FORMATS[self._format]
            try:
                return self._create(messages, _response_format(kind, schema))
            except _FormatRefused as exc:
                with self._format_lock:
                    self._format = max(self._format, RESPONSE_FORMATS.index(kind) + 1)
                    self.schema_refused = f"{kind}: {exc}"

    def _create(self, messages: list[dict[str, str]],
                response_format: dict[str, Any] | None) -> str:
        import openai

        where = f"LLM server {self.llm.base_url}"
        extra: dict[str, Any] = {}
        if response_format is not None:
            extra["response_format"] = response_format
        if self.llm.max_tokens:
            extra["max_tokens"] = self.llm.max_tokens
        started = time.monotonic()
        try:
            response = self._client.chat.completions.create(
                model=self.llm.model, messages=messages,  # type: ignore[arg-type]
                temperature=self.llm.temperature, **extra,
            )
        except openai.AuthenticationError as exc:
            raise LLMError(f"{where} refused the API key (401): put a valid key in the "
                           "environment variable named by llm.api_key_env", fatal=True) from exc
        except openai.PermissionDeniedError as exc:
            raise LLMError(f"{where} denied access (403) to model {self.llm.model!r}: check "
                           "the key's permissions", fatal=True) from exc
        except openai.NotFoundError as exc:
            raise LLMError(f"{where} has no model {self.llm.model!r} (404): check llm.model "
                           "(for Ollama: `ollama pull` it) and llm.base_url (usually ends in "
                           "/v1)", fatal=True) from exc
        except openai.RateLimitError as exc:
            raise LLMError(f"{where} is rate-limiting us (429) even after "
                           f"{HTTP_RETRIES} retries: lower llm.max_concurrency or try later"
                           ) from exc
        except openai.APITimeoutError as exc:
            # three waits of llm.timeout: the server hangs or is far too slow for this
            # model; every other topic would wait as long, so the run stops asking
            raise LLMError(f"{where} gave no reply within {self.llm.timeout:g} s "
                           f"({1 + HTTP_RETRIES} tries): raise llm.timeout or use a smaller "
                           "model", fatal=True) from exc
        except openai.APIConnectionError as exc:
            raise LLMError(f"cannot reach {where}: is it running? (check llm.base_url)",
                           fatal=True) from exc
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            if response_format is not None and _FORMAT_RE.search(str(exc.message)):
                raise _FormatRefused(_short(exc.message)) from exc
            if _CONTEXT_RE.search(str(exc.message)):
                raise LLMError(f"this topic does not fit the context window of model "
                               f"{self.llm.model!r} on {where} ({_short(exc.message, 120)}): "
                               "give the server a larger context (e.g. llama.cpp -c 16384, "
                               "Ollama num_ctx)") from exc
            raise LLMError(f"{where} refused the request (HTTP {exc.status_code}): "
                           f"{_short(exc.message)}") from exc
        except openai.APIStatusError as exc:
            # llama-cpp-python's server answers an unknown response_format with a 500
            if response_format is not None and "response_format" in str(exc.message):
                raise _FormatRefused(_short(exc.message)) from exc
            raise LLMError(f"{where} failed with HTTP {exc.status_code} after "
                           f"{HTTP_RETRIES} retries: {_short(exc.message)}") from exc
        except (openai.OpenAIError, ValueError) as exc:  # a body that is not a completion
            raise LLMError(f"{where} sent an unusable reply: {_short(str(exc))}") from exc
        self.requests += 1
        self.usage.replies += 1
        self.usage.seconds += time.monotonic() - started
        usage = getattr(response, "usage", None)
        self.usage.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.usage.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError, TypeError):
            content = None
        return content if isinstance(content, str) else ""


def _response_format(kind: str | None, schema: dict[str, Any]) -> dict[str, Any] | None:
    if kind == "json_schema":  # OpenAI, llama.cpp's llama-server, Ollama, vLLM, LM Studio
        return {"type": "json_schema",
                "json_schema": {"name": str(schema.get("title", "reply")), "schema": schema}}
    if kind == "json_object":  # llama-cpp-python's server, and JSON mode elsewhere
        return {"type": "json_object", "schema": schema}
    return None


def _short(text: Any, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"
