"""Benchmark `notegraph build` on synthetic vaults, side by side with MkDocs and Hugo.

    python scripts/bench_site.py                    # 1,000 and 10,000 notes
    python scripts/bench_site.py --sizes 1000       # quicker
    python scripts/bench_site.py --json out.json    # also write the numbers

For each size it writes one synthetic vault (about 600 words and 14 wikilinks per
note, linked mostly within clusters, like a real vault) and builds it with:

- notegraph: cold (no caches: every note parsed, embedded once, laid out), warm
  (`site/` deleted, caches kept), no-change (nothing touched), add-note (one new note
  linking four others, caches warm: the incremental path);
- MkDocs (with `mkdocs-roamlinks-plugin` resolving the same `[[wikilinks]]`), when
  `mkdocs` is importable — it is not a notegraph dependency: `pip install mkdocs
  mkdocs-roamlinks-plugin` into the environment to compare;
- Hugo (Debian package `hugo`), when on PATH; Hugo has no wikilinks, so its copy of the
  vault has each `[[slug|label]]` turned into `[label]({{< ref "slug" >}})` (resolved
  and checked by Hugo, like a wikilink).

Every build is a separate process; wall time, ratios against notegraph's and two memory
figures are reported: the peak RSS of the largest single process of the build (what
`wait4` and `/usr/bin/time` report: the build, or one of its children such as Pagefind
or a page worker) and the peak memory of all its processes at once (the sum of their
PSS, sampled every 0.1 s, so pages that forked workers share with the build are counted
once). Tools that are missing are skipped with a note. Numbers
depend on the machine and its load: compare within one run, never across machines.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_NOTE = 600
LINKS_PER_NOTE = 14
CLUSTER = 120  # notes per topic cluster; 80% of links stay inside it


@dataclass
class Run:
    tool: str
    size: int
    phase: str  # cold, warm, no-change, add-note (notegraph only)
    seconds: float | None
    peak_rss_mb: float | None  # the largest single process of the build (wait4)
    note: str = ""
    peak_tree_mb: float | None = None  # the build's whole process tree at once (PSS)


# ------------------------------------------------------------------ the synthetic vault

def _vocabulary(rng: random.Random, n: int = 3000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "ta", "vo", "shi", "mu", "pe", "dra", "no", "el",
                 "qui", "sa", "tor", "ba", "lin", "ge", "for", "um", "zi", "ha", "co", "rev"]
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def make_vault(size: int, seed: int = 1) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(slug, title, body-with-placeholders, links) per note; links are (slug, label)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    common = vocab[:300]  # a Zipf-ish mix: frequent words, then the long tail
    titles = []
    seen: set[str] = set()
    for i in range(size):
        title = " ".join(rng.choice(vocab).capitalize() if j == 0 else rng.choice(vocab)
                         for j in range(rng.randint(2, 4)))
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") + f"_{i:05d}"
        seen.add(slug)
        titles.append((slug, title))
    notes = []
    for i, (slug, title) in enumerate(titles):
        cluster = i // CLUSTER
        lo, hi = cluster * CLUSTER, min(size, (cluster + 1) * CLUSTER)
        targets: list[int] = []
        while len(targets) < LINKS_PER_NOTE:
            j = rng.randrange(lo, hi) if rng.random() < 0.8 else rng.randrange(size)
            if j != i and j not in targets:
                targets.append(j)
        links = [(titles[j][0], titles[j][1]) for j in targets]
        words = [rng.choice(common) if rng.random() < 0.6 else rng.choice(vocab)
                 for _ in range(WORDS_PER_NOTE - 3 * LINKS_PER_NOTE)]
        # place the links evenly; @@0@@..@@13@@ are filled in per tool's link syntax
        # (a placeholder that capitalising a paragraph cannot change)
        step = len(words) // (LINKS_PER_NOTE + 1)
        for k in range(LINKS_PER_NOTE):
            words.insert((k + 1) * step + k, f"@@{k}@@")
        paragraphs, para = [], []
        for n, w in enumerate(words, 1):
            para.append(w)
            if n % 70 == 0:
                paragraphs.append(" ".join(para).capitalize() + ".")
                para = []
        if para:
            paragraphs.append(" ".join(para).capitalize() + ".")
        body = []
        for p, text in enumerate(paragraphs):
            if p % 3 == 0:
                body.append(f"## {rng.choice(vocab).capitalize()} {rng.choice(vocab)}")
            body.append(text)
        notes.append((slug, title, "\n\n".join(body) + "\n", links))
    return notes


def _fill(body: str, links: list[tuple[str, str]], fmt) -> str:
    for k, (slug, label) in enumerate(links):
        body = body.replace(f"@@{k}@@", fmt(k, slug, label), 1)
    assert "@@" not in body, "a link placeholder was left unfilled"
    return body


def _wikilink(k: int, slug: str, label: str) -> str:
    return f"[[{slug}|{label}]]" if k % 2 else f"[[{slug}]]"


def write_notegraph(root: Path, notes) -> None:
    d = root / "content" / "notes"
    d.mkdir(parents=True)
    for slug, title, body, links in notes:
        text = f"---\ntitle: {title}\n---\n\n{_fill(body, links, _wikilink)}"
        (d / f"{slug}.md").write_text(text, encoding="utf-8")


def add_note(root: Path) -> None:
    """One new note linking four existing ones: what `add-note` (the incremental path,
    e.g. one new talk's topic) rebuilds."""
    d = root / "content" / "notes"
    slugs = sorted(p.stem for p in d.glob("*.md"))
    links = " and ".join(f"[[{s}]]" for s in slugs[:: max(1, len(slugs) // 4)][:4])
    (d / "zz_added_note.md").write_text(
        f"---\ntitle: An added note\n---\n\nA new note that links {links}.\n",
        encoding="utf-8")


def write_mkdocs(root: Path, notes) -> None:
    d = root / "docs"
    d.mkdir(parents=True)
    (d / "index.md").write_text("# Synthetic vault\n", encoding="utf-8")
    for slug, title, body, links in notes:
        (d / f"{slug}.md").write_text(f"# {title}\n\n{_fill(body, links, _wikilink)}",
                                      encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: bench\nplugins:\n  - roamlinks\n",
                                     encoding="utf-8")


HUGO_LAYOUT = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title>
</head><body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""


def write_hugo(root: Path, notes) -> None:
    d = root / "content"
    d.mkdir(parents=True)
    for slug, title, body, links in notes:
        def ref(k: int, s: str, label: str) -> str:
            return f'[{label if k % 2 else s}]({{{{< ref "{s}" >}}}})'
        (d / f"{slug}.md").write_text(f'---\ntitle: "{title}"\n---\n\n{_fill(body, links, ref)}',
                                      encoding="utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")


# ------------------------------------------------------------------ measuring

TIMEOUT = 900.0  # seconds one build may take before it is stopped and reported as such


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of `pid` and all its descendants, in kB (0 once gone).

    PSS splits each shared page between the processes mapping it, so forked workers
    sharing their parent's memory copy-on-write are not counted twice (RSS would be).
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


class TreeMemory(threading.Thread):
    """Samples the PSS of a process tree every 0.1 s and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, _tree_pss_kb(self.pid))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def measure(cmd: list[str], cwd: Path, env: dict[str, str]
            ) -> tuple[float, float, str, float | None]:
    """(seconds, peak RSS in MB, error text, peak tree PSS in MB) of one finished process.

    Peak RSS is that of the largest single process (the build or one of its children,
    as `wait4` reports it); the tree figure is sampled, where /proc allows it.
    """
    start = time.perf_counter()
    # its own process group: a build stopped at the timeout takes its children (the
    # model process, Pagefind, page workers) with it instead of leaving them running
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stderr is not None
    # a quadratic plugin must not stall the run
    timer = threading.Timer(TIMEOUT, _kill_group, (proc.pid,))
    timer.start()
    sampler = TreeMemory(proc.pid)
    if Path(f"/proc/{proc.pid}/smaps_rollup").exists():
        sampler.start()
    # wait4 gives this child's own rusage (peak RSS of exactly this build)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.done.set()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    text = err.decode("utf-8", "replace").strip()
    if proc.returncode and seconds >= TIMEOUT:
        text = f"did not finish within {TIMEOUT:.0f} s (stopped)"
    elif proc.returncode and not text:
        text = f"failed or stopped (exit code {proc.returncode}) after {seconds:.0f} s"
    tree = sampler.peak_kb / 1024 if sampler.peak_kb else None
    return seconds, usage.ru_maxrss / 1024, (text[-400:] if proc.returncode else ""), tree


def bench_notegraph(root: Path, size: int) -> list[Run]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "notegraph", "--quiet", "--root", str(root), "build"]
    runs = []
    for phase in ("cold", "warm", "no-change", "add-note"):
        if phase == "cold":
            shutil.rmtree(root / ".cache", ignore_errors=True)
        if phase in ("cold", "warm"):
            shutil.rmtree(root / "site", ignore_errors=True)
        if phase == "add-note":
            add_note(root)
        s, rss, err, tree = measure(cmd, root, env)
        runs.append(Run("notegraph", size, phase, None if err else s, rss, err, tree))
        print(f"  notegraph {phase:9s} {s:8.1f} s  {rss:7.0f} MB  tree {tree or 0:7.0f} MB "
              f"{err[:200]}", flush=True)
    return runs


def bench_mkdocs(root: Path, size: int) -> list[Run]:
    try:
        importlib.metadata.distribution("mkdocs")
        importlib.metadata.distribution("mkdocs-roamlinks-plugin")
    except importlib.metadata.PackageNotFoundError:
        return [Run("mkdocs", size, "cold", None, None,
                    "skipped: pip install mkdocs mkdocs-roamlinks-plugin to compare")]
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", "site"]
    runs = []
    for phase in ("cold", "warm", "no-change"):
        if phase in ("cold", "warm"):
            shutil.rmtree(root / "site", ignore_errors=True)
        s, rss, err, tree = measure(cmd, root, dict(os.environ))
        runs.append(Run("mkdocs", size, phase, None if err else s, rss,
                        err or "no incremental mode: every build is a full build", tree))
        print(f"  mkdocs    {phase:9s} {s:8.1f} s  {rss:7.0f} MB {err[:200]}", flush=True)
    return runs


def bench_hugo(root: Path, size: int) -> list[Run]:
    hugo = shutil.which("hugo")
    if not hugo:
        return [Run("hugo", size, "cold", None, None,
                    "skipped: install Debian's hugo (apt-get install hugo) to compare")]
    runs = []
    for phase in ("cold", "warm", "no-change"):
        if phase == "cold":
            shutil.rmtree(root / "resources", ignore_errors=True)
        if phase in ("cold", "warm"):
            shutil.rmtree(root / "public", ignore_errors=True)
        s, rss, err, tree = measure([hugo, "--quiet"], root, dict(os.environ))
        runs.append(Run("hugo", size, phase, None if err else s, rss,
                        err or "renders pages only: no backlinks, graph or search index", tree))
        print(f"  hugo      {phase:9s} {s:8.1f} s  {rss:7.0f} MB {err[:200]}", flush=True)
    return runs


def report(runs: list[Run]) -> str:
    """A markdown table with times, peak RSS and ratios to notegraph."""
    ours = {(r.size, r.phase): r for r in runs if r.tool == "notegraph"}
    lines = ["| notes | tool | phase | time (s) | peak RSS, largest process (MB) | "
             "peak memory, all processes (MB) | notegraph time ÷ this | note |",
             "|---:|---|---|---:|---:|---:|---:|---|"]
    for r in runs:
        base = ours.get((r.size, r.phase))
        ratio = ""
        if r.tool != "notegraph" and r.seconds and base and base.seconds:
            ratio = f"{base.seconds / r.seconds:.2f}×"
        t = f"{r.seconds:.1f}" if r.seconds is not None else "—"
        m = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb else "—"
        tree = f"{r.peak_tree_mb:.0f}" if r.peak_tree_mb else "—"
        lines.append(f"| {r.size:,} | {r.tool} | {r.phase} | {t} | {m} | {tree} | {ratio} | "
                     f"{r.note.splitlines()[0][:90] if r.note else ''} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--tools", default="notegraph,mkdocs,hugo",
                    help="comma-separated subset of notegraph,mkdocs,hugo")
    ap.add_argument("--workdir", type=Path, help="keep the vaults here (default: a temp dir)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    ap.add_argument("--timeout", type=float, default=TIMEOUT,
                    help="seconds one build may take before it is stopped (default 900)")
    args = ap.parse_args()
    globals()["TIMEOUT"] = args.timeout
    tools = set(args.tools.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="notegraph-bench-"))
    runs: list[Run] = []
    for size in args.sizes:
        print(f"{size:,} notes: writing the vault…", flush=True)
        notes = make_vault(size)
        base = work / f"vault-{size}"
        shutil.rmtree(base, ignore_errors=True)
        if "notegraph" in tools:
            write_notegraph(base / "notegraph", notes)
            runs += bench_notegraph(base / "notegraph", size)
        if "mkdocs" in tools:
            write_mkdocs(base / "mkdocs", notes)
            runs += bench_mkdocs(base / "mkdocs", size)
        if "hugo" in tools:
            write_hugo(base / "hugo", notes)
            runs += bench_hugo(base / "hugo", size)
    print()
    print(report(runs))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1) + "\n",
                             encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
