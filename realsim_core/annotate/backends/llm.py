"""LLM backend for intent, feedback, identity and knowledge.

Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp). One
annotator per dimension; each dialogue is one call (intent: two, see below)
whose reply is constrained by a JSON schema and validated again with pydantic.
An invalid reply is sent back with the reason and retried a bounded number of
times; after that the dialogue's value is an :class:`AnnotationFailure` naming
the problem, never a guess.

Intent follows the method's two steps: first the requests in each user turn
are extracted, then each request is tagged and a turn's intent is the union of
its requests' tags. Doing it in one call lets a model tag a turn by its topic
instead of by what is asked; two calls cost about twice the output tokens.

Errors of the endpoint itself (unreachable, bad key, model unknown, rate limit
or server errors after :class:`ChatClient`'s backoff) abort the batch with
:class:`EndpointError` instead of becoming per-dialogue failures: failures are
cached, and an outage must not be remembered as "this dialogue cannot be
annotated". The runner has already saved earlier batches, so re-running
resumes where it stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import openai

from realsim_core.annotate._registry import AnnotationFailure, AnnotatorSpec
from realsim_core.annotate.backends import _schemas as sch
from realsim_core.annotate.backends._estimate import COMPLETION_TOKENS, cost_usd
from realsim_core.annotate.backends._prompts import (
    MAX_REPLY_CHARS,
    MAX_USER_CHARS,
    PROMPT_VERSION,
    build_messages,
    prompt_digest,
    requests_block,
)
from realsim_core.llm import ChatClient, Endpoint, EndpointError
from realsim_core.schema import Dialogue

log = logging.getLogger(__name__)
T = TypeVar("T")

LLM_DIMENSIONS = ("intent", "feedback", "identity", "knowledge")
_STEPS = {"intent": ("intent_requests", "intent_tags"), "feedback": ("feedback",),
          "knowledge": ("knowledge",), "identity": ("identity",)}
OPTION_DEFAULTS: dict[str, Any] = {
    "temperature": 0.0, "max_reply_chars": MAX_REPLY_CHARS, "max_user_chars": MAX_USER_CHARS, "seed": None,
}
# response_format variants, best first: OpenAI/vLLM json_schema; llama-cpp-python's json_object
# with a "schema" (still grammar-constrained); plain JSON mode (pydantic validation only).
_FORMATS = ("json_schema", "json_object+schema", "json_object")
_FATAL = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)
# Client-side 4xx answers that say the request (not the endpoint) is wrong for this dialogue.
_PER_DIALOGUE = (openai.BadRequestError, openai.UnprocessableEntityError)


class _StepFailed(Exception):
    """A step gave no valid reply within ``max_attempts``."""


class LLMAnnotator:
    """Annotates one dimension through a chat endpoint (see module docstring)."""

    def __init__(self, dimension: str, endpoint: Endpoint, concurrency: int, max_attempts: int,
                 options: dict[str, Any]) -> None:
        self.dimension = dimension
        self.endpoint = endpoint
        self.client: ChatClient = endpoint.client()
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.options = options
        self.spec = AnnotatorSpec(
            dimension=dimension, backend="llm", version=PROMPT_VERSION, model=endpoint.model,
            params={
                "base_url": endpoint.base_url,
                "prompts": {step: prompt_digest(step) for step in _STEPS[dimension]},
                **{k: v for k, v in options.items() if v is not None},
            },
        )
        # Request options an endpoint refused (json_schema on llama-cpp-python, temperature on o-series).
        self._format = "json_schema"
        self._confirmed = False
        self._dropped_params: set[str] = set()
        self._lock = threading.Lock()
        self.stats = {"dialogues": 0, "failures": 0, "invalid_replies": 0, "dropped_quotes": 0}
        self.notes: list[str] = []

    # -- public -------------------------------------------------------------------------------
    def annotate(self, dialogues: Sequence[Dialogue]) -> list[Any]:
        """One value or :class:`AnnotationFailure` per dialogue, in order (threads: ``concurrency``)."""
        if not dialogues:
            return []
        pool = ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(dialogues))))
        try:
            futures = [pool.submit(self._annotate_one, d) for d in dialogues]
            return [f.result() for f in futures]
        finally:
            # On an endpoint error, dialogues not yet started are dropped, not sent.
            pool.shutdown(wait=True, cancel_futures=True)

    def report(self) -> dict[str, Any]:
        """Actual usage after a run: tokens, calls, retries, list-price cost, validation counts."""
        usage = self.client.usage.as_dict()
        return {
            "dimension": self.dimension, "model": self.endpoint.model, **usage,
            "cost_usd": cost_usd(self.endpoint.model, usage["prompt_tokens"], usage["completion_tokens"]),
            **self.stats, "response_format": self._format, "notes": list(self.notes),
        }

    # -- per dialogue -------------------------------------------------------------------------
    def _annotate_one(self, dialogue: Dialogue) -> Any:
        users = dialogue.user_messages
        n = len(users)
        try:
            if n == 0:
                value: Any = {c: [] for c in sch.IDENTITY_CATEGORIES} if self.dimension == "identity" else []
            elif self.dimension == "intent":
                value = self._intent(dialogue, n)
            elif self.dimension == "feedback":
                value = self._step("feedback", dialogue, n, sch.feedback_schema(n), lambda t: sch.parse_feedback(t, n))
            elif self.dimension == "knowledge":
                value = self._step("knowledge", dialogue, n, sch.knowledge_schema(n),
                                   lambda t: sch.parse_knowledge(t, n))
            else:
                value, dropped = self._step("identity", dialogue, n, sch.identity_schema(n),
                                            lambda t: sch.parse_identity(t, users))
                if dropped:
                    self._count("dropped_quotes", len(dropped))
                    # Categories only: notes may be printed or stored, dialogue text must not leak there.
                    cats = sorted({d.split(":", 1)[0] for d in dropped})
                    self._note(f"{dialogue.id}: dropped {len(dropped)} quote(s) not found in the user's "
                               f"messages ({', '.join(cats)})")
        except _StepFailed as err:
            self._count("failures")
            value = AnnotationFailure(error=str(err))
        self._count("dialogues")
        return value

    def _intent(self, dialogue: Dialogue, n: int) -> list[list[str]]:
        requests = self._step("intent_requests", dialogue, n, sch.requests_schema(n),
                              lambda t: sch.parse_requests(t, n))
        total = sum(len(r) for r in requests)
        if total == 0:
            return [[] for _ in requests]
        return self._step("intent_tags", dialogue, n, sch.tags_schema(total),
                          lambda t: sch.parse_tags(t, requests), extra=requests_block(requests, dialogue))

    def _step(self, step: str, dialogue: Dialogue, n: int, schema: dict[str, Any],
              parse: Callable[[str], T], extra: str = "") -> T:
        """Call, validate, and on an invalid reply retry with the reason appended."""
        base = build_messages(step, dialogue, n, extra, self.options["max_reply_chars"], self.options["max_user_chars"])
        fixed, per_turn = COMPLETION_TOKENS[step]
        max_tokens = min(4096, max(256, 4 * (fixed + per_turn * n)))
        messages = base
        problem = ""
        for _ in range(self.max_attempts):
            text = self._call(messages, step, schema, max_tokens)
            try:
                return parse(text)
            except sch.InvalidReply as err:
                self._count("invalid_replies")
                problem = str(err)
                messages = base + [
                    {"role": "assistant", "content": text[:3000]},
                    {"role": "user", "content": f"That reply was rejected: {problem}. "
                                                "Reply again with one corrected JSON object."},
                ]
        raise _StepFailed(f"{step}: no valid reply after {self.max_attempts} attempt(s); last problem: {problem}")

    # -- one request --------------------------------------------------------------------------
    def _call(self, messages: list[dict[str, str]], step: str, schema: dict[str, Any], max_tokens: int) -> str:
        """One chat call; adapts once per option an endpoint refuses, then gives up clearly.

        Until one call has succeeded the request is sent without retries: some
        servers refuse an unknown ``response_format`` with a 500, which must lead
        to the next format at once, not to a minute of backoff.
        """
        probe = not self._confirmed
        for _ in range(6):
            params = self._params(step, schema, max_tokens)
            try:
                text = self.client.chat(messages, max_retries=0 if probe else None, **params)[0]
            except EndpointError as err:
                cause = err.__cause__
                if isinstance(cause, openai.APIStatusError) and self._adapt(str(cause), params):
                    continue
                if isinstance(cause, _PER_DIALOGUE):
                    raise _StepFailed(f"{step}: the endpoint rejected the request: {cause}") from err
                if probe and not isinstance(cause, _FATAL):
                    probe = False  # a transient error on the unretried probe: now retry with backoff
                    continue
                raise
            self._confirmed = True
            return text
        raise _StepFailed(f"{step}: the endpoint kept rejecting the request options")

    def _params(self, step: str, schema: dict[str, Any], max_tokens: int) -> dict[str, Any]:
        with self._lock:
            fmt, dropped = self._format, set(self._dropped_params)
        params: dict[str, Any] = {}
        if fmt == "json_schema":
            params["response_format"] = {"type": "json_schema",
                                         "json_schema": {"name": step, "schema": schema, "strict": True}}
        elif fmt == "json_object+schema":
            params["response_format"] = {"type": "json_object", "schema": schema}
        else:
            params["response_format"] = {"type": "json_object"}
        if "temperature" not in dropped and self.options["temperature"] is not None:
            params["temperature"] = self.options["temperature"]
        if "max_tokens" not in dropped:
            params["max_tokens"] = max_tokens
        if "seed" not in dropped and self.options["seed"] is not None:
            params["seed"] = self.options["seed"]
        return params

    def _adapt(self, message: str, sent: dict[str, Any]) -> bool:
        """Drop or downgrade the option the endpoint complained about; False if none applies.

        ``sent`` are the params of the refused request: when several threads hit the
        same refusal, only the first changes the state, the others just retry.
        """
        text = message.lower()
        with self._lock:
            if "response_format" in text or "json_schema" in text:
                used = self._format_of(sent)
                if used != self._format:
                    return True
                if used != _FORMATS[-1]:
                    self._format = _FORMATS[_FORMATS.index(used) + 1]
                    self.notes.append(f"endpoint refused response_format {used}; using {self._format}")
                    return True
            for param in ("temperature", "max_tokens", "seed"):
                if param in text and param in sent:
                    if param not in self._dropped_params:
                        self._dropped_params.add(param)
                        self.notes.append(f"endpoint refused {param}; not sending it")
                    return True
        return False

    @staticmethod
    def _format_of(params: dict[str, Any]) -> str:
        fmt = params["response_format"]
        if fmt["type"] == "json_schema":
            return "json_schema"
        return "json_object+schema" if "schema" in fmt else "json_object"

    def _count(self, key: str, k: int = 1) -> None:
        with self._lock:
            self.stats[key] += k

    def _note(self, text: str) -> None:
        log.info(text)
        with self._lock:
            if len(self.notes) < 200:
                self.notes.append(text)


def make_llm_annotator(
    dimension: str,
    endpoint: Endpoint | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    concurrency: int = 4,
    max_attempts: int = 3,
    **options: Any,
) -> LLMAnnotator:
    """Build the LLM annotator of ``dimension`` (intent, feedback, identity or knowledge).

    Without ``endpoint``, flags win over ``OPENAI_BASE_URL`` / ``OPENAI_MODEL`` /
    ``OPENAI_API_KEY``. The key stays in memory: the spec records base_url and
    model only. ``options``: temperature (0.0; None = endpoint default), seed,
    max_reply_chars (700), max_user_chars (6000).
    """
    if dimension not in LLM_DIMENSIONS:
        raise ValueError(f"no LLM annotator for {dimension!r}; LLM dimensions: {', '.join(LLM_DIMENSIONS)}")
    unknown = sorted(set(options) - set(OPTION_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown LLM annotator option(s) {', '.join(unknown)}; valid: {', '.join(OPTION_DEFAULTS)}")
    if concurrency < 1 or max_attempts < 1:
        raise ValueError("concurrency and max_attempts must be at least 1")
    if endpoint is None:
        endpoint = Endpoint.from_env(base_url=base_url, model=model, api_key=api_key)
    elif base_url or model or api_key:
        raise ValueError("pass either endpoint or base_url/model/api_key, not both")
    return LLMAnnotator(dimension, endpoint, concurrency, max_attempts, {**OPTION_DEFAULTS, **options})
