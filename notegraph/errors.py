"""Errors a user can cause. The CLI prints their message on one line and exits non-zero.

Each message names the input it is about and says what to do; nothing else is shown
(no traceback), so write messages for a person, not a developer.
"""


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
