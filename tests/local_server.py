"""A real HTTP server on 127.0.0.1 serving a folder: for built sites and podcast hosts."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    delay: Callable[[str], float] | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        if self.delay is not None:
            time.sleep(self.delay(self.path))  # each request has its own thread
        super().do_GET()


@contextmanager
def serve_folder(folder: Path, delay: Callable[[str], float] | None = None
                 ) -> Iterator[str]:
    """Serve `folder` over HTTP on a free port of 127.0.0.1; yields the base URL.

    `delay(path)` (seconds) holds back a request's answer: a slow network, file by file.
    """
    handler_class = _QuietHandler
    if delay is not None:
        handler_class = type("_SlowHandler", (_QuietHandler,), {"delay": staticmethod(delay)})
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
