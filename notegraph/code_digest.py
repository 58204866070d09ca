"""A digest of notegraph's own source code, for keying build caches.

A cache keyed only by its input and a hand-bumped version constant (`PARSER_VERSION`,
`RENDER_VERSION`, ...) goes stale when the code that filled it changes and nobody bumps
the constant: a warm build then serves old results and differs from a cold build of the
same input. Keying each cache by the source of the modules that produce its values as
well makes that impossible; a user upgrading notegraph just gets fresh caches.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=64)
def code_digest(*modules: str) -> str:
    """Hash of the source files of `modules` (dotted names under `notegraph`).

    With no argument: every `.py` file of the package. Reads a few small files once per
    process (cached), so it costs nothing measurable in a build.
    """
    if modules:
        files = [PACKAGE_DIR.joinpath(*m.split(".")[1:]).with_suffix(".py") for m in modules]
    else:
        files = sorted(PACKAGE_DIR.rglob("*.py"))
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
