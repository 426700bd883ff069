"""Token and cost estimates before an LLM annotation run, and cost of actual usage after.

Prompt tokens are estimated from characters (about 4 characters per token for
English under OpenAI's tokenizers) over exactly the messages the annotator
would send; completion tokens from a per-turn allowance measured on the local
server's outputs. It is an order-of-magnitude guide for "is this 2 dollars or
200", not an invoice: retries, reasoning tokens (gpt-5, o-series) and
tokenizer differences are not included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from realsim_core.annotate.backends._prompts import MAX_REPLY_CHARS, MAX_USER_CHARS, build_messages
from realsim_core.schema import Dialogue

CHARS_PER_TOKEN = 4.0
# Expected completion tokens per call: fixed part + per user turn.
COMPLETION_TOKENS = {
    "intent_requests": (10, 30),
    "intent_tags": (10, 25),
    "feedback": (10, 15),
    "knowledge": (10, 60),
    "identity": (60, 12),
}
# Steps (calls) per dimension; intent's step 2 also carries the requests (~ step 1's output).
STEPS = {
    "intent": ("intent_requests", "intent_tags"),
    "feedback": ("feedback",),
    "knowledge": ("knowledge",),
    "identity": ("identity",),
}
# USD per million tokens (input, output), OpenAI list prices as published in 2025.
# Check https://openai.com/api/pricing before relying on them.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}


def price_for(model: str | None) -> tuple[float, float] | None:
    """List price of ``model``; dated snapshots ("gpt-4o-2024-08-06") match their family."""
    if not model:
        return None
    name = model.split("/")[-1].lower()
    for known in sorted(PRICES_PER_MTOK, key=len, reverse=True):
        if name == known or name.startswith(known + "-2"):
            return PRICES_PER_MTOK[known]
    return None


def cost_usd(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Cost at list price, or None for a model without a known price (local, vLLM, ...)."""
    price = price_for(model)
    if price is None:
        return None
    return round(prompt_tokens / 1e6 * price[0] + completion_tokens / 1e6 * price[1], 4)


def estimate_cost(
    dialogues: Sequence[Dialogue],
    dims: Sequence[str],
    model: str | None,
    *,
    max_reply_chars: int = MAX_REPLY_CHARS,
    max_user_chars: int = MAX_USER_CHARS,
) -> dict[str, Any]:
    """Expected calls, tokens and (for known OpenAI models) dollars of an LLM run.

    ``dims`` may include dimensions without an LLM backend; they cost nothing
    and are listed under ``"not_llm"``.
    """
    per_dim: dict[str, dict[str, int]] = {}
    for dim in dims:
        if dim not in STEPS:
            continue
        calls = prompt = completion = 0
        for dialogue in dialogues:
            n_turns = len(dialogue.user_messages)
            step1_out = 0
            for step in STEPS[dim]:
                messages = build_messages(step, dialogue, n_turns, max_reply_chars=max_reply_chars,
                                          max_user_chars=max_user_chars)
                chars = sum(len(m["content"]) for m in messages)
                fixed, per_turn = COMPLETION_TOKENS[step]
                out = fixed + per_turn * n_turns
                prompt += int(chars / CHARS_PER_TOKEN) + step1_out
                completion += out
                calls += 1
                step1_out = out
        per_dim[dim] = {"calls": calls, "prompt_tokens": prompt, "completion_tokens": completion}
    prompt_total = sum(d["prompt_tokens"] for d in per_dim.values())
    completion_total = sum(d["completion_tokens"] for d in per_dim.values())
    return {
        "model": model,
        "dialogues": len(dialogues),
        "per_dimension": per_dim,
        "not_llm": [d for d in dims if d not in STEPS],
        "calls": sum(d["calls"] for d in per_dim.values()),
        "prompt_tokens": prompt_total,
        "completion_tokens": completion_total,
        "cost_usd": cost_usd(model, prompt_total, completion_total),
        "price_per_mtok": price_for(model),
        "note": "estimate: ~4 chars/token; excludes retries and reasoning tokens",
    }
