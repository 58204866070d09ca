"""`notegraph notes --executor ray` on a real Ray head on 127.0.0.1 (issue 15).

The same chaptered episodes (cut short, chapters kept) are turned into notes by the local
executor and by the Ray executor, each in its own project with an empty embedding cache;
the two vaults must be byte-identical. One run has its worker killed in the middle: Ray
restarts it and retries the episode, and the vault is still complete and identical.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import SHARED
from ray_cluster import (
    EPISODES,
    LOOPBACK_ENV,
    Head,
    ray_head,
    run_notegraph,
    vault_files,
    write_episodes,
)

pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'notegraph[ray]'")

pytestmark = [pytest.mark.slow, pytest.mark.shared]


@pytest.fixture(scope="module")
def episodes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    data = SHARED / "data" / "chaptered"
    if not all((data / f"{vid}.json").exists() for vid in EPISODES):
        pytest.skip(f"real chaptered episodes not available under {data}")
    return write_episodes(data, tmp_path_factory.mktemp("episodes"))


def project(root: Path, episodes: list[Path]) -> Path:
    """A new project holding the episodes' transcripts (no notes yet)."""
    root.mkdir(parents=True, exist_ok=True)
    done = run_notegraph(root, "import", *map(str, episodes), "--no-notes")
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def local_vault(tmp_path_factory: pytest.TempPathFactory, episodes: list[Path]
                ) -> dict[str, bytes]:
    root = project(tmp_path_factory.mktemp("local"), episodes)
    done = run_notegraph(root, "notes")
    assert done.returncode == 0, done.stderr
    files = vault_files(root)
    assert sum(1 for name in files if name.startswith("topics/")) >= 2 * len(EPISODES)
    return files


@pytest.fixture(scope="module")
def head() -> Iterator[Head]:
    with ray_head(num_cpus=2) as h:
        yield h


def test_ray_vault_is_identical_to_local(tmp_path: Path, episodes: list[Path],
                                         local_vault: dict[str, bytes], head: Head) -> None:
    root = project(tmp_path / "ray", episodes)
    done = run_notegraph(root, "notes", "--executor", "ray", "--address", head.address)
    assert done.returncode == 0, done.stderr
    files = vault_files(root)
    assert sorted(files) == sorted(local_vault)
    assert [n for n in files if files[n] != local_vault[n]] == []
    # one "N topics" line per episode, in whatever order the cluster finished them
    assert sorted(line.split(":")[0] for line in done.stderr.splitlines()
                  if line.endswith("topics")) == sorted(EPISODES)
    # a second run has nothing to do and changes nothing
    again = run_notegraph(root, "notes", "--executor", "ray", "--address", head.address)
    assert again.returncode == 0, again.stderr
    assert vault_files(root) == files


def test_killed_worker_is_retried_and_vault_complete(tmp_path: Path, episodes: list[Path],
                                                     local_vault: dict[str, bytes],
                                                     head: Head) -> None:
    root = project(tmp_path / "killed", episodes)
    (root / "notegraph.toml").write_text(
        f'[executor]\nkind = "ray"\naddress = "{head.address}"\nworkers = 1\n',
        encoding="utf-8")
    killed: list[int] = []

    def kill_first_worker() -> None:
        # the one worker, as soon as it is working on an episode (its model is loaded
        # lazily, so the first episode is always in progress for a few seconds)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            pids = [p for p in head.worker_pids() if _busy(p)]
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
            time.sleep(0.2)

    killer = threading.Thread(target=kill_first_worker, daemon=True)
    killer.start()
    done = run_notegraph(root, "notes")
    killer.join(timeout=5)
    assert killed, "no worker was seen working: nothing was killed"
    assert done.returncode == 0, done.stderr
    assert vault_files(root) == local_vault


def _busy(pid: int) -> bool:
    """Whether an actor process runs an episode now (its title names the method)."""
    try:
        return b"process" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_fetches_on_ray_keep_the_rate_limit_and_overlap(head: Head) -> None:
    probe = Path(__file__).with_name("ray_fetch_probe.py")
    env = {**os.environ, **LOOPBACK_ENV}
    done = subprocess.run([sys.executable, str(probe), head.address], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["ids"] == sorted(got["asked"]) and len(got["ids"]) >= 4
    starts, slots = got["starts"], got["slots"]
    assert len(slots) == len(starts)  # one slot per video, all from the one limiter
    # one limiter for every task on the cluster: its slots are an interval apart ...
    assert min(b - a for a, b in pairwise(slots)) >= got["interval"] - 1e-6
    # ... and no task starts before its slot (sorted, the k-th start is not before the
    # k-th slot). The starts' own gaps are not asserted: a task woken late under load
    # shortens the gap after it while the limiter is right.
    assert all(start >= slot - 0.005 for start, slot in zip(starts, slots, strict=True))
    assert starts[-1] - starts[0] < (len(starts) - 1) * got["delay"]  # they overlapped
