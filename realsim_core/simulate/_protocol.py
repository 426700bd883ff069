"""The turn loop of one simulated dialogue (SPEC §1).

The simulator writes a user turn from a system prompt (first / continue /
may-stop) and the chat so far; the assistant, a vanilla chat model with no
system prompt, answers from the plain conversation. The loop stops when the
simulator answers only the end token (allowed after ``min_turns_before_end``
user turns) or after ``max_turns`` user turns.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from realsim_core.llm import ChatClient
from realsim_core.schema import Dialogue, Message
from realsim_core.simulate._cleaning import clean_assistant_text, clean_user_text
from realsim_core.simulate._guardrails import empty_counts, guardrail_violations
from realsim_core.simulate._prompts import OPENING_CUE, PromptKind, prompt_kind, system_prompt

# With unflipped roles the chat ends on the assistant's reply; this user cue
# asks the simulator for the user's next line.
NEXT_CUE = "Now write the user's next message."


class SimulationConfig(BaseModel):
    """Everything that decides how dialogues are generated (stored as run metadata)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    persona: Literal["generic", "informed"] = "generic"
    max_turns: int = Field(10, ge=1, le=100)
    min_turns_before_end: int = Field(4, ge=1)
    flip_roles: bool = True
    guardrails: bool = False
    guardrail_tries: int = Field(3, ge=0, le=20, description="extra generations when a guardrail fires")
    empty_tries: int = Field(3, ge=0, le=20, description="extra generations when a user turn comes out empty")
    seed: int = 0
    user_temperature: float = Field(0.8, ge=0.0, le=2.0)
    user_max_tokens: int = Field(120, ge=1)
    assistant_max_tokens: int = Field(512, ge=1)


class DialogueFailed(RuntimeError):
    """The simulator produced no usable user turn; the dialogue is not written."""


@dataclass(frozen=True)
class ScenarioTask:
    """One dialogue to simulate."""

    scenario_id: str
    domain: str
    scenario: str
    persona: str
    persona_kind: str


def simulator_messages(
    kind: PromptKind, persona: str, scenario: str, history: list[Message], flip_roles: bool
) -> list[dict[str, str]]:
    """Build the simulator's chat: system prompt plus the history, flipped or not.

    Flipped: the simulator is the "assistant" writing the user's lines, so
    user turns become ``assistant`` and the bot's replies ``user``; an opening
    cue keeps the roles alternating from a user message. Not flipped: the
    history keeps its roles and a final user cue asks for the next user line.
    """
    messages = [{"role": "system", "content": system_prompt(kind, persona, scenario)}]
    if flip_roles:
        messages.append({"role": "user", "content": OPENING_CUE})
        for m in history:
            messages.append({"role": "assistant" if m.role == "user" else "user", "content": m.content})
    else:
        messages.extend({"role": m.role, "content": m.content} for m in history)
        messages.append({"role": "user", "content": NEXT_CUE if history else OPENING_CUE})
    return messages


def assistant_messages(history: list[Message]) -> list[dict[str, str]]:
    """The assistant sees the plain conversation and no system prompt."""
    return [{"role": m.role, "content": m.content} for m in history]


def call_seed(seed: int, scenario_id: str, turn: int, attempt: int, who: str) -> int:
    """A per-call sampling seed: reproducible, different for every call and retry."""
    digest = hashlib.sha256(f"{seed}|{scenario_id}|{turn}|{attempt}|{who}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def simulate_dialogue(
    task: ScenarioTask, config: SimulationConfig, user: ChatClient, assistant: ChatClient, run_name: str
) -> Dialogue:
    """Run the protocol for one scenario and return the finished dialogue."""
    started = time.monotonic()
    history: list[Message] = []
    cleaning: Counter[str] = Counter()
    guards = empty_counts()
    usage = {"user": Counter(), "assistant": Counter()}  # type: dict[str, Counter[str]]
    end_reason = "max_turns"
    regenerations = 0
    previous: str | None = None

    def ask(client: ChatClient, messages: list[dict[str, str]], who: str, turn: int, attempt: int,
            **params: Any) -> str:
        text, used = client.chat(messages, seed=call_seed(config.seed, task.scenario_id, turn, attempt, who),
                                 **params)
        usage[who].update(used)
        usage[who]["calls"] += 1
        return text

    for turn in range(1, config.max_turns + 1):
        kind = prompt_kind(turn, config.min_turns_before_end)
        prompt = simulator_messages(kind, task.persona, task.scenario, history, config.flip_roles)
        attempt = 0
        empty_left, guard_left = config.empty_tries, config.guardrail_tries
        while True:
            raw = ask(user, prompt, "user", turn, attempt, temperature=config.user_temperature,
                      max_tokens=config.user_max_tokens)
            attempt += 1
            cleaned = clean_user_text(raw)
            cleaning.update(cleaned.actions)
            if cleaned.wants_end and kind == "may_stop":
                if cleaned.text:
                    cleaning["text_with_end_token"] += 1
                break
            if cleaned.wants_end:
                cleaning["end_token_too_early"] += 1
            if not cleaned.text:
                cleaning["empty"] += 1
                if empty_left == 0:
                    raise DialogueFailed(
                        f"{task.scenario_id}: the simulator gave no usable user turn at turn {turn} "
                        f"after {attempt} tries"
                    )
                empty_left -= 1
                regenerations += 1
                continue
            if config.guardrails:
                broken = guardrail_violations(cleaned.text, previous)
                for rule in broken:
                    guards[rule] += 1
                if broken and guard_left > 0:
                    guard_left -= 1
                    regenerations += 1
                    continue
                if broken:
                    guards["exhausted"] += 1
            break
        if cleaned.wants_end and kind == "may_stop":
            end_reason = "end_token"
            break
        history.append(Message(role="user", content=cleaned.text))
        previous = cleaned.text
        reply = ask(assistant, assistant_messages(history), "assistant", turn, 0,
                    max_tokens=config.assistant_max_tokens)
        history.append(Message(role="assistant", content=clean_assistant_text(reply)))

    metadata: dict[str, Any] = {
        "persona_kind": task.persona_kind,
        "n_user_turns": sum(m.role == "user" for m in history),
        "end_reason": end_reason,
        "cleaning": dict(sorted(cleaning.items())),
        "regenerations": regenerations,
        "usage": {who: dict(c) for who, c in usage.items()},
        "seconds": round(time.monotonic() - started, 2),
    }
    if config.guardrails:
        metadata["guardrails"] = guards
    return Dialogue(
        id=task.scenario_id,
        source=run_name,
        domain=task.domain,
        scenario_id=task.scenario_id,
        scenario=task.scenario,
        persona=task.persona,
        messages=history,
        metadata=metadata,
    )
