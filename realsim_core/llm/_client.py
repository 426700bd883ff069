"""OpenAI-compatible endpoints: configuration, retries and token accounting.

One client for every backend (OpenAI, vLLM, Ollama, llama.cpp). The API key
lives only in memory: :class:`Endpoint` excludes it from ``model_dump`` and
``repr`` so it cannot leak into run metadata, DuckDB, logs or exports.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class EndpointError(RuntimeError):
    """The endpoint failed in a way retrying will not fix (or retries ran out)."""


class Endpoint(BaseModel):
    """Where and which model to call. Safe to store: the key is never dumped."""

    model_config = ConfigDict(frozen=True)

    base_url: str
    model: str
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    timeout: float = 120.0
    max_retries: int = 5

    @classmethod
    def from_env(cls, base_url: str | None = None, model: str | None = None, api_key: str | None = None) -> "Endpoint":
        """Flags win over ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` / ``OPENAI_MODEL``."""
        url = base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        key = api_key or os.environ.get("OPENAI_API_KEY")
        chosen = model or os.environ.get("OPENAI_MODEL")
        if not chosen:
            raise ValueError("no model given: pass --model (or set OPENAI_MODEL)")
        return cls(base_url=url, model=chosen, api_key=SecretStr(key) if key else None)

    def public(self) -> dict[str, Any]:
        """What may be recorded as provenance: endpoint and model, never the key."""
        return {"base_url": self.base_url, "model": self.model}

    def client(self) -> "ChatClient":
        return ChatClient(self)


@dataclass
class Usage:
    """Token counts accumulated over calls (thread-safe)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, prompt: int, completion: int) -> None:
        with self._lock:
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.calls += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "calls": self.calls,
            "retries": self.retries,
        }


class ChatClient:
    """Chat completions with exponential backoff on rate limits and server errors."""

    def __init__(self, endpoint: Endpoint) -> None:
        import openai

        self.endpoint = endpoint
        self.usage = Usage()
        self._openai = openai
        key = endpoint.api_key.get_secret_value() if endpoint.api_key else "not-needed"
        # The SDK's own retries are off: ours are visible and counted.
        self._client = openai.OpenAI(base_url=endpoint.base_url, api_key=key, timeout=endpoint.timeout, max_retries=0)

    def chat(
        self, messages: list[dict[str, str]], *, max_retries: int | None = None, **params: Any
    ) -> tuple[str, dict[str, int]]:
        """Return the reply text and this call's token usage.

        ``max_retries`` overrides the endpoint's for this call, e.g. 0 to probe
        whether a server accepts an option without waiting through backoff
        (llama-cpp-python answers a refused ``response_format`` with a 500).
        """
        openai = self._openai
        delay = 1.0
        retries = self.endpoint.max_retries if max_retries is None else max_retries
        for attempt in range(retries + 1):
            try:
                response = self._client.chat.completions.create(
                    model=self.endpoint.model, messages=messages, **params  # type: ignore[arg-type]
                )
                usage = response.usage
                prompt = usage.prompt_tokens if usage else 0
                completion = usage.completion_tokens if usage else 0
                self.usage.add(prompt, completion)
                text = response.choices[0].message.content or ""
                return text, {"prompt_tokens": prompt, "completion_tokens": completion}
            except (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError) as err:
                if attempt == retries:
                    raise EndpointError(f"{self.endpoint.base_url}: gave up after {attempt + 1} tries: {err}") from err
            except openai.APIConnectionError as err:
                if attempt == retries:
                    raise EndpointError(
                        f"cannot reach {self.endpoint.base_url} ({err}); is the server running?"
                    ) from err
            except (openai.AuthenticationError, openai.PermissionDeniedError) as err:
                raise EndpointError(f"{self.endpoint.base_url} refused the key: {err}") from err
            except openai.APIStatusError as err:
                raise EndpointError(f"{self.endpoint.base_url} answered {err.status_code}: {err}") from err
            with self.usage._lock:
                self.usage.retries += 1
            time.sleep(delay + random.uniform(0, delay / 2))
            delay = min(delay * 2, 30.0)
        raise EndpointError("unreachable")
