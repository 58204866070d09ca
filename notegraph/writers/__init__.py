"""Writers by name: the built-ins and any installed plug-in, found the same way.

A writer is registered under a name with a factory — `(config, reporter) -> Writer`, or
no arguments for a writer that needs no settings. The built-ins (`extractive`, `llm`)
and third-party packages declare theirs as entry points in the `notegraph.writers`
group (`[project.entry-points."notegraph.writers"] name = "package.module:factory"`);
`register_writer` adds one at run time. `writer = "name"` in notegraph.toml picks one.
The writer protocol itself lives in `notegraph.writers.base`.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from notegraph.errors import ConfigError
from notegraph.report import Reporter, SilentReporter
from notegraph.writers.base import Writer

if TYPE_CHECKING:
    from notegraph.config import Config

DEFAULT_WRITER = "extractive"
ENTRY_POINT_GROUP = "notegraph.writers"
# The built-ins, as their entry points name them: found even when notegraph runs from a
# checkout that was never installed (no entry-point metadata).
BUILTIN_WRITERS = {"extractive": "notegraph.writers.extractive:ExtractiveWriter",
                   "llm": "notegraph.writers.llm:make_writer"}

# (config, reporter) -> Writer, or () -> Writer
WriterFactory = Callable[..., Writer]
_REGISTRY: dict[str, WriterFactory | str] = {}


def register_writer(name: str, factory: WriterFactory) -> None:
    """Make a writer available under `name` (a later registration replaces it)."""
    _REGISTRY[name] = factory


def _discover() -> dict[str, WriterFactory | str]:
    """Built-ins, then entry points (installed plug-ins), then run-time registrations."""
    found: dict[str, WriterFactory | str] = dict(BUILTIN_WRITERS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    found.update(_REGISTRY)
    return found


def available_writers() -> list[str]:
    """Names of every writer that `writer = "..."` may name."""
    return sorted(_discover())


def _load(name: str, ref: WriterFactory | str) -> WriterFactory:
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    try:
        factory: Any = importlib.import_module(module)
        for part in attr.split("."):
            factory = getattr(factory, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"note writer {name!r} ({ref}) cannot be loaded ({exc}); "
                          "reinstall the package that provides it") from exc
    return factory


def get_writer(name: str = DEFAULT_WRITER, config: Config | None = None,
               reporter: Reporter | None = None) -> Writer:
    """A writer by name, made for `config`; an unknown name is a ConfigError listing the
    known ones."""
    known = _discover()
    name = name or DEFAULT_WRITER
    if name not in known:
        raise ConfigError(f"unknown note writer {name!r}; available: {', '.join(sorted(known))}")
    factory = _load(name, known[name])
    args = (config, reporter or SilentReporter())
    try:
        inspect.signature(factory).bind(*args)
    except TypeError:  # a factory that takes no settings
        writer = factory()
    except ValueError:  # no signature to inspect (some builtins): assume the full one
        writer = factory(*args)
    else:
        if config is None:
            raise ConfigError(f"note writer {name!r} needs the project's settings")
        writer = factory(*args)
    if not isinstance(writer, Writer):
        raise ConfigError(f"note writer {name!r} does not implement the writer protocol "
                          "(name, write_topic, write_topics); see notegraph.writers.base")
    return writer
