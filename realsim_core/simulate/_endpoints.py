"""Pick the simulator's and the assistant's endpoints, starting the local model when none is given.

Offline is the default: with no base URL for a side, that side talks to a
llama.cpp server (SmolLM2-135M-Instruct) started for this run on 127.0.0.1
and stopped afterwards. Both sides share one server. API keys stay inside
:class:`~realsim_core.llm.Endpoint`, which never dumps them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from realsim_core.llm import LOCAL_MODEL_NAME, Endpoint, LocalServer


@dataclass(frozen=True)
class EndpointPair:
    """The two sides of a simulated conversation and, if started, the local server."""

    user: Endpoint
    assistant: Endpoint
    local_server: dict[str, Any] | None = None


def _remote(side: str, model: str | None, base_url: str, api_key: str | None, timeout: float) -> Endpoint:
    if not model:
        raise ValueError(f"--{side}-base-url is set but --{side}-model is not: name the model to call")
    return Endpoint(base_url=base_url, model=model, api_key=SecretStr(api_key) if api_key else None, timeout=timeout)


def _check_local(side: str, model: str | None) -> None:
    if model and model != LOCAL_MODEL_NAME:
        raise ValueError(
            f"--{side}-model {model} needs --{side}-base-url (an OpenAI-compatible endpoint serving it); "
            f"without one the local {LOCAL_MODEL_NAME} is used"
        )


@contextmanager
def open_endpoints(
    *,
    user_model: str | None = None,
    user_base_url: str | None = None,
    assistant_model: str | None = None,
    assistant_base_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 120.0,
    server_log: Path | None = None,
) -> Iterator[EndpointPair]:
    """Yield the endpoint pair; a local server started here is stopped on exit."""
    if not user_base_url:
        _check_local("user", user_model)
    if not assistant_base_url:
        _check_local("assistant", assistant_model)
    user = _remote("user", user_model, user_base_url, api_key, timeout) if user_base_url else None
    assistant = (
        _remote("assistant", assistant_model, assistant_base_url, api_key, timeout) if assistant_base_url else None
    )
    if user is not None and assistant is not None:
        yield EndpointPair(user, assistant)
        return
    with LocalServer(log_path=server_log) as server:
        local = server.endpoint()
        local = Endpoint(base_url=local.base_url, model=local.model, api_key=local.api_key, timeout=timeout)
        info = {
            "model": LOCAL_MODEL_NAME,
            "model_file": server.model_path.name,
            "n_ctx": server.n_ctx,
            "n_threads": server.n_threads,
        }
        yield EndpointPair(user or local, assistant or local, info)
