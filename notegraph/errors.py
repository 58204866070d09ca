"""Errors a user can cause. The CLI prints their message on one line and exits non-zero.

Each message names the input it is about and says what to do; nothing else is shown
(no traceback), so write messages for a person, not a developer.
"""


import errno
import sqlite3

# What to do about the environment faults a run can meet, by errno.
_ADVICE = {
    errno.ENOSPC: "free some disk space and run it again",
    errno.EDQUOT: "free some space in your quota and run it again",
    errno.EROFS: "make it writable or use another folder",
    errno.EACCES: "check the permissions of that path",
    errno.EPERM: "check the permissions of that path",
    errno.ENAMETOOLONG: "use a shorter path",
}


def describe_environment_fault(exc: OSError | sqlite3.Error) -> str:
    """One line for a fault of the machine, not of the input (full disk, read-only or
    unwritable folder): the path, the cause and what to do. The CLI's last resort."""
    if isinstance(exc, sqlite3.Error):
        cause = " ".join(str(exc).split()) or type(exc).__name__
        if "full" in cause:
            return f"a cache database: {cause}; free some disk space and run it again"
        return f"a cache database: {cause}; delete the project's cache folder and run again"
    where = exc.filename if exc.filename is not None else "a file"
    cause = exc.strerror or str(exc) or type(exc).__name__
    advice = _ADVICE.get(exc.errno or 0, "check that path and run it again")
    return f"{where}: {cause}; {advice} (files already written are complete)"


class NotegraphError(Exception):
    """Base of every error the CLI reports as a one-line message."""

    exit_code = 1


class ConfigError(NotegraphError):
    """notegraph.toml is unreadable or holds a bad key or value."""


class SourceError(NotegraphError):
    """A remote source (YouTube) could not give us a transcript."""


class ParseError(NotegraphError):
    """A local transcript file is empty, binary, malformed or of an unknown layout."""


class InputError(NotegraphError):
    """A bad argument: an ID with path characters, a missing file, and the like."""


class NoteError(NotegraphError):
    """A note could not be generated or written."""


class SiteError(NotegraphError):
    """The site could not be rendered, e.g. a template is broken."""


class LockError(NotegraphError):
    """Another notegraph run kept the project's write lock for too long."""


class LLMError(NotegraphError):
    """The language-model server failed or replied with something unusable.

    `fatal` means no later request can succeed either (bad key, unknown model, server
    down): the writer stops asking and falls back for the rest of the run.
    """

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal
