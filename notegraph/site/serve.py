"""`notegraph serve`: the built site on localhost, rebuilt when its inputs change.

Change detection polls file sizes and mtimes (`build.input_signature`): no watcher
dependency, a few thousand `stat` calls per second at most.

Live reload: HTML pages are served with a small script (added on the fly, never written
to `site/`) that polls `RELOAD_PATH` once a second; that answers the number of builds
done, so an open page reloads itself after each rebuild.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from notegraph.config import Config
from notegraph.errors import NotegraphError
from notegraph.report import Reporter
from notegraph.site.build import input_signature

RELOAD_PATH = "/__notegraph/builds"
RELOAD_SCRIPT = (
    "<script>(function(){var seen=null;setInterval(function(){"
    f"fetch('{RELOAD_PATH}',{{cache:'no-store'}}).then(function(r){{return r.text();}})"
    ".then(function(n){if(seen!==null&&n!==seen)location.reload();seen=n;})"
    ".catch(function(){});},1000);})();</script>")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `site/`, with the live-reload script in HTML pages and the build count."""

    builds: ClassVar[list[int]] = [0]  # replaced per server: [number of builds done]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not worth a line each

    def do_GET(self) -> None:
        if self.path.split("?")[0] == RELOAD_PATH:
            self._send(str(self.builds[0]).encode(), "text/plain")
            return
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if path.endswith(".html") and os.path.isfile(path) and self.path.split("?")[0].endswith(
                ("/", ".html")):
            with open(path, "rb") as f:
                page = f.read()
            at = page.rfind(b"</body>")
            page = page[:at] + RELOAD_SCRIPT.encode() + page[at:] if at >= 0 else page
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve_site(config: Config, reporter: Reporter, *, host: str, port: int, poll: float,
               stop: threading.Event | None, max_seconds: float | None,
               build: Callable[..., Any]) -> None:
    """Build once, serve `config.site_path`, rebuild on change until stopped."""
    stop = stop or threading.Event()
    build(config, reporter)
    builds = [1]
    handler_class = type("Handler", (_QuietHandler,), {"builds": builds})
    handler = functools.partial(handler_class, directory=str(config.site_path))
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
                    builds[0] += 1  # open pages reload
                except NotegraphError as exc:  # keep serving the last good site
                    reporter.error(str(exc))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
