"""A real Ray head on 127.0.0.1 for the tests, and small real episodes to give it.

The head runs as `ray start --head --block` in its own process group, on free ports and
its own temp folder; it is stopped by signalling that process (and then its group),
never by `ray stop`, which would stop every Ray cluster on the machine, other users'
included.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RAY = Path(sys.executable).with_name("ray")
# Ray turns 127.0.0.1 into the machine's address unless told that this "cluster" is one
# machine: the head and the drivers then stay on the loopback interface.
LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
NOTEGRAPH = Path(sys.executable).with_name("notegraph")
# Short, chaptered episodes (cut to their first minutes below): enough for several topics,
# concepts and people each, quick to embed on a busy 2-core machine.
EPISODES = ("JN3KPFbWCy8", "NPtBkw5uD-0", "XpC7SVDXimg")
MINUTES = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker_ports() -> tuple[int, int]:
    """201 ports for Ray's workers below the kernel's ephemeral range: `free_port` picks
    from that range, and a component port inside the workers' range stops `ray start`
    ("worker_ports is trying to use a port number … used by other components"), which
    happened when the range was drawn from 20000–50200."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    span = max(1, low - 10000 - 201)
    base = 10000 + (os.getpid() * 37) % span
    return base, base + 200


@dataclass
class Head:
    """A running head: its GCS address and the process that holds it up."""

    address: str
    process: subprocess.Popen[bytes]
    temp_dir: Path

    def worker_pids(self) -> list[int]:
        """Pids of the notegraph actors' processes (`ray::EpisodeWorker...`) of this head."""
        out = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmd = (proc / "cmdline").read_bytes().decode(errors="replace")
                environ = (proc / "environ").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmd.startswith("ray::EpisodeWorker") and str(self.temp_dir) in environ + cmd:
                out.append(int(proc.name))
        return out


@contextlib.contextmanager
def ray_head(num_cpus: int = 2) -> Iterator[Head]:
    """Start a head (`ray start --head --num-cpus N --include-dashboard=false`) and stop it
    when the block ends, even when a test fails."""
    temp_dir = Path(tempfile.mkdtemp(prefix="ngray", dir="/tmp"))
    port = free_port()
    base, top = _worker_ports()
    args = [str(RAY), "start", "--head", "--block", f"--num-cpus={num_cpus}",
            "--include-dashboard=false", "--disable-usage-stats", "--node-ip-address=127.0.0.1",
            f"--port={port}", f"--temp-dir={temp_dir}",
            f"--node-manager-port={free_port()}", f"--object-manager-port={free_port()}",
            f"--ray-client-server-port={free_port()}", f"--metrics-export-port={free_port()}",
            f"--dashboard-agent-listen-port={free_port()}",
            f"--dashboard-agent-grpc-port={free_port()}",
            f"--runtime-env-agent-port={free_port()}",
            f"--min-worker-port={base}", f"--max-worker-port={top}"]
    env = {**os.environ, **LOOPBACK_ENV, "RAY_TMPDIR": str(temp_dir)}
    log = (temp_dir / "head.log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        _wait_for_port(port, proc, temp_dir / "head.log")
        yield Head(f"127.0.0.1:{port}", proc, temp_dir)
    finally:
        stop(proc)
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray start failed: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2)  # the GCS listens before the raylet has registered
                return
        time.sleep(0.5)
    raise RuntimeError("ray head did not come up in 120 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the `ray start --block` process (it stops its cluster), then kill whatever
    of its process group is left."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def write_episodes(source: Path, target: Path, minutes: int = MINUTES) -> list[Path]:
    """The chosen chaptered episodes cut to their first `minutes` (cues, chapters, speaker
    turns and duration alike), written as files to import."""
    target.mkdir(parents=True, exist_ok=True)
    out = []
    limit = minutes * 60
    for vid in EPISODES:
        data = json.loads((source / f"{vid}.json").read_text(encoding="utf-8"))
        for key in ("cues", "chapters", "speaker_turns"):
            data[key] = [x for x in data.get(key) or [] if float(x["start"]) < limit]
        data["duration"] = float(limit)
        path = target / f"{vid}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        out.append(path)
    return out


def vault_files(root: Path) -> dict[str, bytes]:
    """Every file of a project's vault (content/notes), by relative path."""
    notes = root / "content" / "notes"
    return {str(p.relative_to(notes)): p.read_bytes() for p in sorted(notes.rglob("*"))
            if p.is_file()}


def run_notegraph(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`notegraph --root ROOT ARGS...` in a child process (as a user runs it)."""
    env = {**os.environ, **LOOPBACK_ENV, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(NOTEGRAPH), "--root", str(root), *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)
