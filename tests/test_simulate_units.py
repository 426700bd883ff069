"""Simulation pieces that need no model: prompts, history shapes, cleaning,
guardrails, scenario selection and the crash-tolerant run file.

All texts here are invented for the tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from realsim_core.schema import Dialogue, Message
from realsim_core.simulate import (
    END_TOKEN,
    GENERIC_PERSONA,
    RunFileError,
    ScenarioSelectionError,
    assistant_messages,
    build_tasks,
    clean_user_text,
    guardrail_violations,
    prompt_kind,
    read_run_file,
    select_scenarios,
    simulator_messages,
    system_prompt,
)
from realsim_core.simulate._jsonl import RunFileWriter

SCENARIOS = {
    f"{domain}_{i}": f"interacting with a chatbot to do {domain} task number {i}"
    for domain, n in (("alpha", 6), ("beta", 4), ("gamma", 3))
    for i in range(n)
}
HISTORY = [
    Message(role="user", content="need a packing list"),
    Message(role="assistant", content="Sure, for how many days?"),
    Message(role="user", content="5 days, cold place"),
    Message(role="assistant", content="Bring layers and boots."),
]


# -- prompts and turn kinds ------------------------------------------------------------
def test_prompt_kind_never_allows_ending_before_minimum() -> None:
    kinds = [prompt_kind(t, 4) for t in range(1, 9)]
    assert kinds == ["first", "continue", "continue", "continue", "may_stop", "may_stop", "may_stop", "may_stop"]
    assert prompt_kind(2, 1) == "may_stop"
    with pytest.raises(ValueError):
        prompt_kind(0, 4)


def test_system_prompt_frames_persona_and_scenario() -> None:
    text = system_prompt("may_stop", "a retired teacher", "interacting with a chatbot to fix a bike.")
    assert text.startswith("You are a retired teacher interacting with a chatbot to fix a bike.")
    assert END_TOKEN in text
    assert END_TOKEN not in system_prompt("continue", GENERIC_PERSONA, "interacting with a chatbot to x")
    with pytest.raises(ValueError, match="unknown prompt kind"):
        system_prompt("last", GENERIC_PERSONA, "x")  # type: ignore[arg-type]


# -- history shapes --------------------------------------------------------------------
def test_flipped_history_swaps_roles_and_alternates() -> None:
    msgs = simulator_messages("continue", GENERIC_PERSONA, "interacting with a chatbot to pack", HISTORY, True)
    roles = [m["role"] for m in msgs]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    # The simulator's own earlier turns appear as its (assistant) lines, the bot's as user lines.
    assert msgs[2]["content"] == "need a packing list"
    assert msgs[-1]["content"] == "Bring layers and boots."


def test_unflipped_history_keeps_roles_and_ends_with_a_cue() -> None:
    msgs = simulator_messages("continue", GENERIC_PERSONA, "interacting with a chatbot to pack", HISTORY, False)
    roles = [m["role"] for m in msgs]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    assert msgs[1]["content"] == "need a packing list"
    assert msgs[-1]["content"] not in {m.content for m in HISTORY}


def test_opening_turn_has_a_user_message_either_way() -> None:
    for flip in (True, False):
        msgs = simulator_messages("first", GENERIC_PERSONA, "interacting with a chatbot to pack", [], flip)
        assert [m["role"] for m in msgs] == ["system", "user"]


def test_assistant_sees_plain_history_without_system_prompt() -> None:
    msgs = assistant_messages(HISTORY[:3])
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"]
    assert all(m["role"] != "system" for m in msgs)


# -- cleaning malformed output ---------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "text", "actions", "wants_end"),
    [
        ("User: how do i reset it", "how do i reset it", ["role_prefix"], False),
        ('"can u shorten this"', "can u shorten this", ["quotes"], False),
        ("\u201cok and the price?\u201d", "ok and the price?", ["quotes"], False),
        ('**Human:** "what about tuesday"', "what about tuesday", ["role_prefix", "quotes"], False),
        ("thx that helps " + END_TOKEN, "thx that helps", ["end_token"], True),
        (END_TOKEN, "", ["end_token"], True),
        ("<|endconversation>", "", ["end_token"], True),
        ("add a line about dogs<|im_end|>", "add a line about dogs", ["control_token"], False),
        ("<|im_start|>user\nmake it rhyme", "make it rhyme", ["control_token"], False),
        ("fix the intro pls\nAssistant: Sure! Here is", "fix the intro pls", ["other_speaker"], False),
        ("plain message, nothing to do", "plain message, nothing to do", [], False),
        ('he said "no" twice', 'he said "no" twice', [], False),
        ("User:", "User:", [], False),
    ],
)
def test_cleaning(raw: str, text: str, actions: list[str], wants_end: bool) -> None:
    cleaned = clean_user_text(raw)
    assert (cleaned.text, cleaned.actions, cleaned.wants_end) == (text, actions, wants_end)


def test_cleaning_records_a_reply_that_came_out_empty() -> None:
    assert clean_user_text('""').actions == ["quotes", "emptied"]


# -- guardrails -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "previous", "rules"),
    [
        ("whats a good laptop for school", None, []),
        ("hi", None, ["too_short"]),
        (" ".join(["word"] * 26), None, ["too_long"]),
        (" ".join(["word"] * 25), None, []),
        ("I want a cheaper one", None, ["banned_first_word"]),
        ("I'm stuck on step two", None, ["banned_first_word"]),
        ("You forgot the budget part", None, ["banned_first_word"]),
        ("here is my draft text", None, ["banned_first_word"]),
        ("Ideas for a party theme", None, []),
        ("make it shorter please", "make it shorter please", ["repeat"]),
        ("ok", "ok", ["too_short", "repeat"]),
    ],
)
def test_guardrail_rules(text: str, previous: str | None, rules: list[str]) -> None:
    assert guardrail_violations(text, previous) == rules


# -- scenario selection ---------------------------------------------------------------
def test_select_all_and_domains() -> None:
    assert len(select_scenarios("all", SCENARIOS)) == 13
    assert select_scenarios("gamma,beta", SCENARIOS) == ["gamma_0", "gamma_1", "gamma_2"] + [
        f"beta_{i}" for i in range(4)
    ]
    with pytest.raises(ScenarioSelectionError, match="unknown domain.*valid domains: alpha, beta, gamma"):
        select_scenarios("alpha,delta", SCENARIOS)


def test_n_per_domain_is_stratified_seeded_and_extendable() -> None:
    two = select_scenarios("2-per-domain", SCENARIOS, seed=7)
    assert [sid.rsplit("_", 1)[0] for sid in two] == ["alpha", "beta", "gamma", "alpha", "beta", "gamma"]
    assert two == select_scenarios("2-per-domain", SCENARIOS, seed=7)
    three = select_scenarios("3-per-domain", SCENARIOS, seed=7)
    assert set(two) <= set(three)  # growing N keeps earlier picks, so a run can be extended
    assert len(select_scenarios("10-per-domain", SCENARIOS)) == 13
    seeds = {tuple(select_scenarios("2-per-domain", SCENARIOS, seed=s)) for s in range(10)}
    assert len(seeds) > 1


def test_ids_file(tmp_path: Path) -> None:
    good = tmp_path / "ids.txt"
    good.write_text("beta_2\n# a comment\nalpha_1\n\nbeta_2\n")
    assert select_scenarios(str(good), SCENARIOS) == ["beta_2", "alpha_1"]
    bad = tmp_path / "bad.txt"
    bad.write_text("alpha_1\nalpha_99\n")
    with pytest.raises(ScenarioSelectionError, match="unknown scenario id.*alpha_99"):
        select_scenarios(str(bad), SCENARIOS)
    with pytest.raises(ScenarioSelectionError, match="does not exist"):
        select_scenarios(str(tmp_path / "missing.txt"), SCENARIOS)


def test_informed_persona_is_drawn_per_scenario_and_seeded() -> None:
    personas = {sid: [f"persona {k} of {sid}" for k in range(5)] for sid in SCENARIOS}
    ids = select_scenarios("all", SCENARIOS)
    first = build_tasks(ids, SCENARIOS, personas, "informed", seed=3)
    assert [t.persona for t in first] == [t.persona for t in build_tasks(ids, SCENARIOS, personas, "informed", 3)]
    assert all(t.persona in personas[t.scenario_id] for t in first)
    assert len({t.persona.split()[1] for t in first}) > 1  # not always the first persona
    # A scenario's persona does not depend on which other scenarios are in the run.
    alone = build_tasks([ids[5]], SCENARIOS, personas, "informed", seed=3)
    assert alone[0].persona == first[5].persona
    generic = build_tasks(ids, SCENARIOS, personas, "generic", seed=3)
    assert {t.persona for t in generic} == {GENERIC_PERSONA}
    with pytest.raises(ScenarioSelectionError, match="no informed persona"):
        build_tasks(ids, SCENARIOS, {}, "informed", seed=3)


# -- run file -------------------------------------------------------------------------
def _dialogue(sid: str) -> Dialogue:
    return Dialogue(id=sid, source="t", scenario_id=sid, messages=[Message(role="user", content="hello there")])


def test_run_file_tolerates_and_repairs_a_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with RunFileWriter(path) as writer:
        writer.append(_dialogue("alpha_0"))
        writer.append(_dialogue("alpha_1"))
    whole = path.read_bytes()
    path.write_bytes(whole + _dialogue("alpha_2").to_json_line().encode()[:25])
    assert [d.scenario_id for d in read_run_file(path)] == ["alpha_0", "alpha_1"]
    assert path.read_bytes() == whole  # cut back to the last complete line
    with RunFileWriter(path) as writer:
        writer.append(_dialogue("alpha_2"))
    assert len(read_run_file(path)) == 3


def test_run_file_refuses_corruption_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(_dialogue("alpha_0").to_json_line() + "\n{broken\n" + _dialogue("alpha_1").to_json_line() + "\n")
    with pytest.raises(RunFileError, match="line 2"):
        read_run_file(path)
    assert read_run_file(tmp_path / "absent.jsonl") == []
