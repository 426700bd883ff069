"""The simulation protocol against the real local llama.cpp server (SmolLM2-135M).

Kept small (2 scenarios, <= 4 turns, short replies) so the file runs in about
a minute. The scenario texts used with the model here are our own inventions.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from realsim_core.llm import LOCAL_MODEL_NAME, Endpoint
from realsim_core.simulate import (
    GUARDRAIL_RULES,
    ScenarioTask,
    SimulationConfig,
    SimulationError,
    guardrail_violations,
    read_run_file,
    run_simulation,
    run_totals,
)

pytestmark = [pytest.mark.server, pytest.mark.slow]

TASKS = [
    ScenarioTask("travel_900", "travel", "interacting with a chatbot to plan a cheap weekend trip by train", "a human user",
                 "generic"),
    ScenarioTask("email_901", "email", "interacting with a chatbot to write a short note asking for a day off",
                 "a human user", "generic"),
]
# An invented scenario that pushes the model to end at once: the protocol must still hold it back.
EAGER_TO_LEAVE = ScenarioTask(
    "email_902", "email",
    "interacting with a chatbot but wanting to leave immediately; reply only with <|endconversation|>",
    "a human user", "generic",
)
FAST = {"user_max_tokens": 24, "assistant_max_tokens": 32}


def _local(server: Any) -> Endpoint:
    return server.endpoint()


def _check_shape(dialogue: Any, max_turns: int) -> None:
    roles = [m.role for m in dialogue.messages]
    assert roles[0] == "user"
    assert all(a != b for a, b in zip(roles, roles[1:])), "turns must alternate"
    assert roles[-1] == "assistant", "every user turn gets an answer"
    assert 1 <= len(dialogue.user_messages) <= max_turns
    assert all(text.strip() for text in dialogue.user_messages)
    meta = dialogue.metadata
    assert meta["n_user_turns"] == len(dialogue.user_messages)
    assert meta["usage"]["user"]["completion_tokens"] > 0
    assert meta["usage"]["assistant"]["prompt_tokens"] > 0


@pytest.mark.parametrize("flip", [True, False])
def test_protocol_min_turns_and_cap(local_llm: Any, tmp_path: Path, flip: bool) -> None:
    config = SimulationConfig(max_turns=4, min_turns_before_end=3, flip_roles=flip, seed=1, **FAST)
    out = tmp_path / "run.jsonl"
    tasks = [EAGER_TO_LEAVE, TASKS[0]] if flip else [EAGER_TO_LEAVE]
    outcome = run_simulation("proto", tasks, config, _local(local_llm), _local(local_llm),
                             out_path=out, show_progress=False)
    dialogues = read_run_file(out)
    assert outcome.n_generated == len(dialogues) == len(tasks)
    for d in dialogues:
        _check_shape(d, 4)
        n = len(d.user_messages)
        assert n >= 3, "the simulator may not end before --min-turns-before-end"
        assert d.metadata["end_reason"] == ("max_turns" if n == 4 else "end_token")
        assert "<|" not in " ".join(d.user_messages)


def test_guardrail_counts_match_the_kept_turns(local_llm: Any, tmp_path: Path) -> None:
    # With no regeneration allowed every firing is kept, so counts must equal a recount.
    config = SimulationConfig(max_turns=3, min_turns_before_end=3, guardrails=True, guardrail_tries=0, seed=2, **FAST)
    out = tmp_path / "g0.jsonl"
    run_simulation("g0", TASKS[:1], config, _local(local_llm), _local(local_llm), out_path=out, show_progress=False)
    dialogues = read_run_file(out)
    expected = {rule: 0 for rule in GUARDRAIL_RULES} | {"exhausted": 0}
    for d in dialogues:
        previous = None
        for text in d.user_messages:
            broken = guardrail_violations(text, previous)
            for rule in broken:
                expected[rule] += 1
            expected["exhausted"] += bool(broken)
            previous = text
    assert run_totals(dialogues)["guardrails"] == expected

    # With regeneration, every kept turn passes unless its tries ran out (counted as exhausted).
    config = config.model_copy(update={"guardrail_tries": 2, "seed": 3, "max_turns": 2})
    out = tmp_path / "g2.jsonl"
    run_simulation("g2", TASKS[1:], config, _local(local_llm), _local(local_llm), out_path=out, show_progress=False)
    dialogues = read_run_file(out)
    failing_kept = sum(
        bool(guardrail_violations(t, p)) for d in dialogues for p, t in zip([None, *d.user_messages], d.user_messages)
    )
    totals = run_totals(dialogues)["guardrails"]
    assert failing_kept == totals["exhausted"]
    assert all(set(d.metadata["guardrails"]) == set(expected) for d in dialogues)


def _dead_endpoint() -> Endpoint:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Same model name as the live server: a local server that has crashed.
    return Endpoint(base_url=f"http://127.0.0.1:{port}/v1", model=LOCAL_MODEL_NAME, max_retries=1, timeout=5)


def test_endpoint_down_keeps_finished_work(local_llm: Any, tmp_path: Path) -> None:
    config = SimulationConfig(max_turns=2, min_turns_before_end=2, seed=4, **FAST)
    out = tmp_path / "down.jsonl"
    run_simulation("down", TASKS[:1], config, _local(local_llm), _local(local_llm), out_path=out,
                   show_progress=False)
    before = out.read_bytes()
    with pytest.raises(SimulationError, match=r"(?s)cannot reach .*1 of 2 dialogues are finished and kept"):
        run_simulation("down", TASKS, config, _local(local_llm), _dead_endpoint(), out_path=out,
                       show_progress=False)
    assert out.read_bytes() == before
    outcome = run_simulation("down", TASKS, config, _local(local_llm), _local(local_llm), out_path=out,
                             show_progress=False)
    assert (outcome.n_resumed, outcome.n_generated) == (1, 1)
    assert out.read_bytes().startswith(before)
    assert [d.scenario_id for d in read_run_file(out)] == ["travel_900", "email_901"]


def test_resume_refuses_other_settings(local_llm: Any, tmp_path: Path) -> None:
    config = SimulationConfig(max_turns=1, min_turns_before_end=1, seed=5, **FAST)
    out = tmp_path / "s.jsonl"
    run_simulation("s", TASKS[:1], config, _local(local_llm), _local(local_llm), out_path=out, show_progress=False)
    with pytest.raises(SimulationError, match="other settings .*config"):
        run_simulation("s", TASKS, config.model_copy(update={"max_turns": 2}), _local(local_llm), _local(local_llm),
                       out_path=out, show_progress=False)


def test_deadline_postpones_unstarted_dialogues(local_llm: Any, tmp_path: Path) -> None:
    import time

    config = SimulationConfig(max_turns=1, min_turns_before_end=1, seed=6, **FAST)
    out = tmp_path / "d.jsonl"
    outcome = run_simulation("d", TASKS, config, _local(local_llm), _local(local_llm), out_path=out,
                             show_progress=False, deadline=time.monotonic())
    assert (outcome.n_generated, outcome.n_postponed) == (1, 1)
    assert len(read_run_file(out)) == 1
