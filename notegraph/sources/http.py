"""HTTP downloads for feeds: one session, size limits, one-line errors naming the URL."""

from __future__ import annotations

from pathlib import Path

import requests

from notegraph import __version__
from notegraph.errors import SourceError

TIMEOUT = 30  # seconds to connect and between bytes
_CHUNK = 1 << 16


def new_session() -> requests.Session:
    """A session for one `add` run (connection reuse; an honest User-Agent)."""
    session = requests.Session()
    session.headers["User-Agent"] = f"notegraph/{__version__} (podcast feed reader)"
    return session


def get_bytes(session: requests.Session, url: str, limit: int, what: str) -> bytes:
    """The body at `url`, at most `limit` bytes; `what` says what it is in messages."""
    with _open(session, url, what) as resp:
        data = bytearray()
        for chunk in resp.iter_content(_CHUNK):
            data += chunk
            if len(data) > limit:
                raise SourceError(f"{url}: the {what} is larger than {limit >> 20} MB; "
                                  "is this the right URL?")
        return bytes(data)


def download(session: requests.Session, url: str, dest: Path, limit: int, what: str) -> None:
    """Stream `url` into the file `dest` (the caller removes it), at most `limit` bytes."""
    size = 0
    with _open(session, url, what) as resp, dest.open("wb") as fh:
        for chunk in resp.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError(f"{url}: the {what} is larger than {limit >> 30} GB; "
                                  "is this the right URL?")
            fh.write(chunk)


def _open(session: requests.Session, url: str, what: str) -> requests.Response:
    try:
        resp = session.get(url, timeout=TIMEOUT, stream=True)
    except requests.RequestException as exc:
        raise SourceError(f"{url}: cannot fetch the {what} ({_reason(exc)}); check the URL "
                          "and your connection, then run the command again") from exc
    if resp.status_code != 200:
        resp.close()
        hint = ("check the URL" if resp.status_code in (404, 410)
                else "try again later")
        raise SourceError(f"{url}: cannot fetch the {what} (HTTP {resp.status_code} "
                          f"{resp.reason or ''}".rstrip() + f"); {hint}")
    return resp


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "invalid URL"
    return type(exc).__name__
