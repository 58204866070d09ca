"""`notegraph serve`: the built site on localhost, rebuilt when its inputs change.

Change detection polls file sizes and mtimes (`build.input_signature`): no watcher
dependency, a few thousand `stat` calls per second at most.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from typing import Any

from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.report import Reporter
from notegraph.site.build import input_signature


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not worth a line each


def serve_site(config: Config, reporter: Reporter, *, host: str, port: int, poll: float,
               stop: threading.Event | None, max_seconds: float | None,
               build: Callable[..., Any]) -> None:
    """Build once, serve `config.site_path`, rebuild on change until stopped."""
    stop = stop or threading.Event()
    build(config, reporter)
    handler = functools.partial(_QuietHandler, directory=str(config.site_path))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise NotegraphError(f"cannot serve on {host}:{port} ({exc}); "
                             "pick another port with --port") from exc
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    reporter.info(f"serving {config.site_path} at http://{host}:{server.server_port}/ "
                  "(Ctrl-C to stop)")
    deadline = time.monotonic() + max_seconds if max_seconds else None
    signature = input_signature(config)
    try:
        while not stop.wait(poll):
            if deadline is not None and time.monotonic() > deadline:
                break
            current = input_signature(config)
            if current != signature:
                signature = current
                try:
                    build(config, reporter)
                except NotegraphError as exc:  # keep serving the last good site
                    reporter.error(str(exc))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
