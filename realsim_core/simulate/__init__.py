"""Scenario-based user simulation (SPEC §1) against any OpenAI-compatible model.

A prompted simulator (generic or informed persona) chats with a vanilla
assistant on the corpus' scenarios; dialogues are appended to a JSONL file as
they finish (so runs resume) and stored as a ``simulated`` run, paired with
the real dialogues by ``scenario_id``.
"""

from realsim_core.simulate._api import default_run_file, simulate_run
from realsim_core.simulate._cleaning import Cleaned, clean_user_text
from realsim_core.simulate._demo import DEMO_RUNS, build_demo_runs
from realsim_core.simulate._endpoints import EndpointPair, open_endpoints
from realsim_core.simulate._guardrails import GUARDRAIL_RULES, guardrail_violations
from realsim_core.simulate._jsonl import RunFileError, read_run_file
from realsim_core.simulate._prompts import END_TOKEN, GENERIC_PERSONA, PROMPTS_VERSION, prompt_kind, system_prompt
from realsim_core.simulate._protocol import (
    DialogueFailed,
    ScenarioTask,
    SimulationConfig,
    assistant_messages,
    simulate_dialogue,
    simulator_messages,
)
from realsim_core.simulate._runner import RunOutcome, SimulationError, run_simulation, run_totals
from realsim_core.simulate._scenarios import ScenarioSelectionError, build_tasks, select_scenarios

__all__ = [
    "DEMO_RUNS", "END_TOKEN", "GENERIC_PERSONA", "GUARDRAIL_RULES", "PROMPTS_VERSION", "Cleaned",
    "DialogueFailed", "EndpointPair", "RunFileError", "RunOutcome", "ScenarioSelectionError", "ScenarioTask",
    "SimulationConfig", "SimulationError", "assistant_messages", "build_demo_runs", "build_tasks",
    "clean_user_text", "default_run_file", "guardrail_violations", "open_endpoints", "prompt_kind",
    "read_run_file", "run_simulation", "run_totals", "select_scenarios", "simulate_dialogue",
    "simulator_messages", "simulate_run", "system_prompt",
]
