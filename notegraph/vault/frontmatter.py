"""Frontmatter: the one rule for the YAML block at the top of a note.

Used for every note notegraph reads: hand-written, generated and foreign ones alike.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # libyaml is ~10x faster; fall back to the pure-Python loader when it is absent.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

_OPENER_RE = re.compile(r"---[ \t]*(?:\n|\Z)")
_FRONTMATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?",
                             re.DOTALL | re.MULTILINE)


def split_frontmatter(text: str, problems: list[str] | None = None
                      ) -> tuple[dict[str, Any], str]:
    """(frontmatter, body) of a note's text: the one frontmatter rule of notegraph.

    Frontmatter opens with `---` on the first line and closes with `---` or `...` on a
    line of its own (the file may end right there). A BOM and CRLF line endings (an
    editor on Windows) are accepted; the body comes back with LF endings, the blank
    line after the closing `---` included. Without frontmatter it is `{}` and the body is
    the whole text; when the block is unclosed, not YAML or not a mapping it is also `{}`
    and what is wrong is appended to `problems`.
    """
    problems = [] if problems is None else problems
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not _OPENER_RE.match(text):  # `----` or `--- text` is a rule or text, as in Obsidian
        return {}, text
    m = _FRONTMATTER_RE.match(text)
    if not m:
        problems.append("frontmatter starts with '---' but is never closed; shown as text")
        return {}, text
    body = text[m.end():]
    try:
        data = yaml.load(m.group(1), Loader=_YamlLoader) if m.group(1).strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problems.append(f"frontmatter is not valid YAML{where}; it was ignored")
        return {}, body
    except (ValueError, OverflowError, RecursionError) as exc:
        # YAML's own constructors: `date: 2026-13-45`, a float too big, deep nesting
        problems.append(f"frontmatter has a value YAML cannot read ({_one_line(exc)}); "
                        "it was ignored")
        return {}, body
    if not isinstance(data, dict):
        problems.append("frontmatter is not a mapping of keys to values; it was ignored")
        return {}, body
    if _too_many_values(data, MAX_FRONTMATTER_VALUES):
        # an alias bomb (`a: &a [x, x]`, `b: &b [*a, *a]`…) is a few bytes of YAML and
        # billions of values once expanded into tags or lists
        problems.append(f"frontmatter holds more than {MAX_FRONTMATTER_VALUES} values "
                        "(YAML aliases?); it was ignored")
        return {}, body
    return {str(k): v for k, v in data.items()}, body


# Far more than any note's frontmatter; a YAML alias bomb expands to far more.
MAX_FRONTMATTER_VALUES = 10_000


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _too_many_values(data: Any, limit: int) -> bool:
    """True when `data`, with every alias expanded, holds more than `limit` values."""
    count, stack = 0, [data]
    while stack:
        value = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return False


def str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*,\s*", value) if v]
    if not isinstance(value, (list, tuple)):
        value = [value]
    # unquoted `people: [[Maya Okafor]]` is YAML for a list in a list: read it as meant
    value = [x for v in value for x in (v if isinstance(v, (list, tuple)) else [v])]
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
