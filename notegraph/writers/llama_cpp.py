"""The embedded LLM backend: a GGUF model run in this process by llama-cpp-python.

`[llm] backend = "llama-cpp"` with `model = "path/to/model.gguf"`: no server to run, no
network. The reply is constrained by a grammar made from the reply's JSON schema
(llama-cpp-python's `response_format={"type": "json_object", "schema": ...}`), so even a
small model answers with JSON of the right shape — whether its sentences say anything the
transcript supports is the grounding check's business.

The model is loaded on the first request, not when the writer is made: a missing file, a
file that is not GGUF or a model too big for the free memory is one `LLMError` marked
fatal (the writer keeps every extractive note and says so once), never a traceback. One
generation runs at a time (a `Llama` is not thread-safe).

llama-cpp-python is an optional extra (`pip install 'notegraph[llm-local]'`); it builds
llama.cpp from source. On CPUs where the default build crashes, build it with
`CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF"` (the Makefile does).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from notegraph.config import LLMConfig
from notegraph.errors import ConfigError, LLMError
from notegraph.writers.chat import CachedChat

GGUF_MAGIC = b"GGUF"
# Beyond the weights, a model needs its context (KV cache) and scratch buffers: refuse a
# file that alone would take more than this share of the memory available.
MEMORY_SHARE = 0.9
SEED = 1234  # fixed, so that a rerun of the same prompt gives the same note

_GIB = 1024 ** 3


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux `MemAvailable`), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_model_file(path: Path, memory: int | None) -> None:
    """Raise a fatal `LLMError` naming `path` when it cannot be a loadable GGUF model."""
    if not path.exists():
        raise LLMError(f"llm.model: no file {path}: set it to the path of a .gguf model "
                       "file (relative to the project root)", fatal=True)
    if not path.is_file():
        raise LLMError(f"llm.model: {path} is not a file: set it to a .gguf model file",
                       fatal=True)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise LLMError(f"llm.model: cannot read {path} ({exc.strerror})", fatal=True) from exc
    if magic != GGUF_MAGIC:
        raise LLMError(f"llm.model: {path} is not a GGUF model (llama.cpp's format): "
                       "download the model's .gguf build or convert it with llama.cpp's "
                       "convert_hf_to_gguf.py", fatal=True)
    size = path.stat().st_size
    if memory is not None and size > MEMORY_SHARE * memory:
        raise LLMError(f"out of memory: {path.name} needs {size / _GIB:.1f} GiB and only "
                       f"{memory / _GIB:.1f} GiB are available: use a smaller or more "
                       "quantized model (e.g. Q4_K_M), or free memory", fatal=True)


def _model_path(root: Path, model: str) -> Path:
    path = Path(model).expanduser()
    return path if path.is_absolute() else root / path


class LlamaCppClient(CachedChat):
    """Replies from a GGUF model run in-process, with the shared reply cache."""

    # the grammar holds every reply to the schema: the prompt needs no example of it
    enforces_schema = True

    def __init__(self, llm: LLMConfig, cache_dir: Path | None, *, root: Path) -> None:
        super().__init__(llm, cache_dir)
        try:
            import llama_cpp  # noqa: F401  (imported here: it is an optional extra)
        except ImportError as exc:
            raise ConfigError(
                "llm.backend = \"llama-cpp\" needs llama-cpp-python: pip install "
                "'notegraph[llm-local]' (it builds llama.cpp, a few minutes), or use "
                "backend = \"http\" with a server") from exc
        self.path = _model_path(root, llm.model)
        self._llama: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        """The model, loaded once (the caller holds the lock)."""
        if self._llama is not None:
            return self._llama
        check_model_file(self.path, available_memory())
        import llama_cpp

        try:
            self._llama = llama_cpp.Llama(
                model_path=str(self.path), n_ctx=self.llm.context_size,
                n_threads=self.llm.threads or None, seed=SEED, verbose=False)
        except MemoryError as exc:
            raise LLMError(f"out of memory loading {self.path.name}: use a smaller model or "
                           "a smaller llm.context_size", fatal=True) from exc
        except ValueError as exc:
            if "context" in str(exc):
                raise LLMError(f"llama.cpp could not make a context of "
                               f"{self.llm.context_size} tokens for {self.path.name} (out of "
                               "memory?): lower llm.context_size", fatal=True) from exc
            raise LLMError(f"llama.cpp could not load {self.path} (a damaged file, or a "
                           "model architecture this llama-cpp-python does not know): "
                           "re-download it or upgrade llama-cpp-python", fatal=True) from exc
        return self._llama

    def _request(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        with self._lock:
            llama = self._load()
            started = time.monotonic()
            result = self._generate(llama, messages, schema)
            self.usage.seconds += time.monotonic() - started
        usage = result.get("usage") or {}
        prompt, reply = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        self.requests += 1
        self.usage.replies += 1
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += reply
        choice = result["choices"][0]
        if choice.get("finish_reason") == "length":
            # a cut-off reply is never valid JSON: say what to raise instead of retrying
            if prompt + reply >= self.llm.context_size - 1:
                raise self._too_long(prompt)
            raise LLMError(f"the reply of {self.path.name} was cut off at llm.max_tokens = "
                           f"{self.llm.max_tokens} tokens: raise llm.max_tokens")
        content = choice["message"].get("content")
        return content if isinstance(content, str) else ""

    def _generate(self, llama: Any, messages: list[dict[str, str]],
                  schema: dict[str, Any] | None) -> dict[str, Any]:
        max_tokens = self.llm.max_tokens or None
        try:
            return llama.create_chat_completion(  # type: ignore[no-any-return]
                messages=messages, temperature=self.llm.temperature, max_tokens=max_tokens,
                response_format=({"type": "json_object", "schema": schema}
                                 if schema is not None else None))
        except MemoryError as exc:
            raise LLMError(f"out of memory running {self.path.name}: use a smaller model or "
                           "a smaller llm.context_size", fatal=True) from exc
        except ValueError as exc:
            found = re.search(r"Requested tokens \((\d+)\)", str(exc))
            if found:
                raise self._too_long(int(found.group(1))) from exc
            raise LLMError(f"llama.cpp failed on this topic: {exc}") from exc
        except RuntimeError as exc:  # llama_decode errors (e.g. no memory for the batch)
            raise LLMError(f"llama.cpp failed on this topic ({exc}): lower "
                           "llm.context_size or use a smaller model") from exc

    def _too_long(self, prompt_tokens: int) -> LLMError:
        return LLMError(f"this topic does not fit the model's context: its prompt takes "
                        f"{prompt_tokens} tokens, llm.context_size is "
                        f"{self.llm.context_size}, and a reply of up to llm.max_tokens must "
                        "fit too: raise llm.context_size")

    def close(self) -> None:
        """Free the model's memory (it is loaded again if asked for another reply)."""
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None
