"""A real HTTP server on 127.0.0.1 speaking the chat-completions API, with scripted replies.

Tests queue `Reply`s; each POST to `/v1/chat/completions` takes the next one (the last
one repeats when the queue runs dry) and the request is recorded, so a test can check what
the `openai` client sent and how many times it retried.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer: a chat completion whose message is `content`, or a raw
    `body` with any `status`, after `delay` seconds."""

    content: str | None = None
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def payload(self, model: str) -> bytes:
        if self.body is not None:
            return (self.body if isinstance(self.body, str) else json.dumps(self.body)).encode()
        return json.dumps({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }).encode()


def error(status: int, message: str, **headers: str) -> Reply:
    """An OpenAI-style error body with `status`."""
    return Reply(status=status, headers=headers,
                 body={"error": {"message": message, "type": "error", "code": status}})


class ChatServer:
    """Start with `with ChatServer() as server:`; `server.base_url` ends in /v1."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0  # how many requests were answered at the same time, at most
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with outer._lock:
                    outer.requests.append({"path": self.path, "body": body,
                                           "authorization": self.headers.get("Authorization")})
                    reply = (outer.replies.pop(0) if len(outer.replies) > 1
                             else outer.replies[0] if outer.replies else Reply(content="{}"))
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    self._answer(reply, body)
                finally:
                    with outer._lock:
                        outer.in_flight -= 1

            def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    reply = error(404, f"no route {self.path}")
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.payload(str(body.get("model", "")))
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests (replacing any left over)."""
        with self._lock:
            self.replies = list(replies)

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
