"""Compare what two versions of notegraph generate: the vault and the site, file by file.

A refactor must not change output. This script builds the same inputs with the notegraph
of a given checkout, through the CLI only (so it works across any change of module
layout), and compares two such snapshots:

    python scripts/compare_outputs.py snapshot OUT [--checkout DIR] [--embeddings DIR]
                                               [--only example|chaptered]
    python scripts/compare_outputs.py diff A B

`snapshot` builds two projects into OUT: `example/` (this repository's shipped content)
and `chaptered/` (every episode of ../shared/data/chaptered/, chapters kept; skipped with
a message when absent). It keeps each project's `content/notes/` and `site/`. The
embedding cache of the run is kept in OUT/embeddings; pass it to the next snapshot with
`--embeddings` so that only the code differs, not the model time (vectors are keyed by
text, so reusing them changes no output).

`diff` lists files only in A, only in B, and differing, and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERED = ROOT.parent / "shared" / "data" / "chaptered"


def _notegraph(checkout: Path, project: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-P", "-m", "notegraph", "--quiet", "--root", str(project), *args]
    subprocess.run(cmd, check=True, env=env)


def _build(checkout: Path, project: Path, out: Path, embeddings: Path | None,
           keep_embeddings: Path) -> None:
    cache = project / ".cache" / "notegraph" / "embeddings"
    if embeddings and embeddings.is_dir():
        shutil.copytree(embeddings, cache, dirs_exist_ok=True)
    _notegraph(checkout, project, "build")
    if cache.is_dir():
        shutil.copytree(cache, keep_embeddings, dirs_exist_ok=True)
    for part in ("content/notes", "site"):
        shutil.copytree(project / part, out / part)


def snapshot(out: Path, checkout: Path, embeddings: Path | None,
             projects: tuple[str, ...] = ("example", "chaptered")) -> None:
    """Build the example and the chaptered projects with `checkout`'s notegraph."""
    out.mkdir(parents=True, exist_ok=False)
    with tempfile.TemporaryDirectory(prefix="notegraph-compare-") as tmp:
        example = Path(tmp) / "example"
        shutil.copytree(checkout / "content", example / "content",
                        ignore=shutil.ignore_patterns("topics", "videos", "people",
                                                      "concepts", "channels", ".cache"))
        if "example" in projects:
            print("building the example project", file=sys.stderr)
            _build(checkout, example, out / "example", embeddings, out / "embeddings")
        files = sorted(CHAPTERED.glob("*.json")) if "chaptered" in projects else []
        if not files:
            if "chaptered" in projects:
                print(f"no episodes in {CHAPTERED}: chaptered/ skipped", file=sys.stderr)
            return
        chaptered = Path(tmp) / "chaptered"
        print(f"importing and building {len(files)} chaptered episodes", file=sys.stderr)
        _notegraph(checkout, chaptered, "import", "--no-notes", *map(str, files))
        _build(checkout, chaptered, out / "chaptered", embeddings, out / "embeddings")


def diff(a: Path, b: Path) -> int:
    """Print the differences between two snapshots; 1 if there are any."""
    only_a, only_b, changed = [], [], []

    def walk(cmp: filecmp.dircmp, rel: str) -> None:
        only_a.extend(f"{rel}{n}" for n in cmp.left_only)
        only_b.extend(f"{rel}{n}" for n in cmp.right_only)
        # shallow=False: compare bytes, not stat signatures
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                               shallow=False)
        changed.extend(f"{rel}{n}" for n in [*mismatch, *errors])
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{rel}{name}/")

    for part in ("example", "chaptered"):
        if (a / part).is_dir() and (b / part).is_dir():
            walk(filecmp.dircmp(a / part, b / part), f"{part}/")
    # Pagefind's filter files (and the hashes naming them) differ between any two clean
    # builds of the same pages: listed apart, not counted as a difference of ours.
    noise = [n for n in [*only_a, *only_b, *changed] if "/site/pagefind/" in n]
    total = 0
    for label, names in (("only in A", only_a), ("only in B", only_b), ("differ", changed)):
        for name in sorted(set(names) - set(noise)):
            print(f"{label}: {name}")
            total += 1
    if noise:
        print(f"({len(noise)} file(s) of Pagefind's index differ; it is not reproducible)")
    print(f"{total} difference(s)")
    return 1 if total else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot", help="build the example and chaptered projects")
    snap.add_argument("out", type=Path)
    snap.add_argument("--checkout", type=Path, default=ROOT,
                      help="the notegraph checkout to run (default: this one)")
    snap.add_argument("--embeddings", type=Path, help="an earlier snapshot's embeddings/")
    snap.add_argument("--only", choices=("example", "chaptered"),
                      help="build only this project")
    cmp = sub.add_parser("diff", help="compare two snapshots")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        projects = (args.only,) if args.only else ("example", "chaptered")
        snapshot(args.out, args.checkout.resolve(), args.embeddings, projects)
        return 0
    return diff(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
