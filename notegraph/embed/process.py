"""The embedding model in a child process, so PyTorch's memory goes away with it.

Importing torch and sentence-transformers and loading MiniLM costs ~450 MB of RSS that
glibc and PyTorch never hand back. In the process that also holds a 10,000-note vault
(and later runs Pagefind beside it) that pushed a cold build past 1 GB. So the model
lives in `python -m notegraph.embed.process MODEL`: started on the first text that is
not in the embedding cache (or earlier, by `start`, so the model loads while the parent
works on), fed chunks of texts over a pipe, and stopped when the embedder is closed (or
this process exits). Warm builds never start it.

Protocol (pickles over the child's stdin/stdout, one request at a time):
request `list[str]` → reply `("ok", float32 array)` or `("error", message)`.
The child's own prints and warnings go to a log file, named in errors.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from notegraph.errors import ConfigError, NotegraphError

# Texts per forward pass. Attention memory grows with batch × length²: for note openings
# (~500 characters, up to MiniLM's 256 tokens) a batch of 32 peaked ~130 MB higher than
# one of 8 at no gain in CPU time; short sentences keep the larger batch.
BATCH_SIZE = 32
LONG_TEXT_BATCH_SIZE = 8
LONG_TEXT = 300  # characters, on average over a request


def batch_size(texts: list[str]) -> int:
    """The forward-pass batch for `texts` (smaller for long texts, see above)."""
    mean = sum(map(len, texts)) / max(1, len(texts))
    return LONG_TEXT_BATCH_SIZE if mean > LONG_TEXT else BATCH_SIZE


class ModelProcessError(NotegraphError):
    """The embedding process died or could not be started."""


class ModelProcess:
    """An `encode(texts) -> array` backed by a child process (started lazily)."""

    def __init__(self, model_ref: str) -> None:
        self.model_ref = model_ref
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Vectors (normalised by the model) for `texts`."""
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                pickle.dump(list(texts), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
                status, payload = pickle.load(proc.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                said = self._last_words()
                self._stop()
                raise ModelProcessError(
                    f"the embedding process for {self.model_ref!r} ended unexpectedly "
                    f"({said or exc}); try again, or report it") from exc
        if status == "error":
            raise ConfigError(payload)
        return payload

    def start(self) -> None:
        """Start the child now (it loads the model at once) without waiting for it."""
        with self._lock:
            self._start()

    def close(self) -> None:
        """Stop the child (its memory is freed); a later call starts a new one."""
        with self._lock:
            self._stop()

    @property
    def running(self) -> bool:
        """Whether a child process is alive now."""
        return self._proc is not None and self._proc.poll() is None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop()
        # open as long as the child runs (its stderr), so no `with`
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="notegraph-model-", suffix=".log", delete=False)
        env = {**os.environ, "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}
        # the child imports notegraph from where this process did (a checkout or a wheel)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
        try:
            # -P: not the working directory first on sys.path, where another notegraph
            # checkout could shadow this one
            self._proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "notegraph.embed.process", self.model_ref],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env)
        except OSError as exc:
            raise ModelProcessError(f"cannot start the embedding process ({exc})") from exc
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):  # a dead child: nothing to flush to
                        stream.close()  # EOF on stdin: the child's loop ends
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            name = self._log.name
            self._log.close()
            self._log = None
            Path(name).unlink(missing_ok=True)

    def _last_words(self) -> str:
        """The last line the child wrote to its log (e.g. the error it died of)."""
        if self._log is None:
            return ""
        try:
            lines = Path(self._log.name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        last = [line.strip() for line in lines.splitlines() if line.strip()]
        return last[-1][:300] if last else ""


def release_freed_memory() -> None:
    """Give the heap PyTorch freed back to the OS (glibc only; elsewhere a no-op).

    Batches of different sequence lengths leave glibc's heap fragmented: without this a
    process embedding 10k notes grew by ~15 MB per 100 texts although nothing was kept.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def load_sentence_transformer(model_ref: str) -> Any:
    """Load a sentence-transformers model offline (in the model process, see below)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on stderr

    # The machines this runs on are small and shared: never more threads than cores,
    # and at most 4 (MiniLM gains little beyond that), unless the user said otherwise.
    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    try:
        return SentenceTransformer(model_ref, device="cpu")
    except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load it"
        raise ConfigError(
            f"embedding model {model_ref!r} cannot be loaded offline ({exc}); set 'model' "
            "in notegraph.toml to a local sentence-transformers path or leave it empty"
        ) from exc


def serve(model_ref: str, requests: BinaryIO, replies: BinaryIO) -> None:
    """The child's loop: load the model at once (while the parent works on), then answer
    requests until EOF. A model that cannot be loaded is the answer to every request."""
    model, failure = None, ""
    try:
        model = load_sentence_transformer(model_ref)
    except ConfigError as exc:
        failure = str(exc)
    while True:
        try:
            texts = pickle.load(requests)
        except EOFError:
            return
        if model is None:
            pickle.dump(("error", failure), replies, protocol=pickle.HIGHEST_PROTOCOL)
            replies.flush()
            continue
        try:
            vectors = model.encode(texts, batch_size=batch_size(texts), convert_to_numpy=True,
                                   normalize_embeddings=True, show_progress_bar=False)
            reply: tuple[str, Any] = ("ok", np.asarray(vectors, dtype=np.float32))
            release_freed_memory()
        except Exception as exc:  # the model failed on these texts: say so, keep serving
            reply = ("error", f"embedding model {model_ref!r} failed ({exc})")
        pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


def main() -> None:
    """`python -m notegraph.embed.process MODEL_REF` (started by `ModelProcess`)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of the libraries must not corrupt the reply stream
    serve(sys.argv[1], sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
