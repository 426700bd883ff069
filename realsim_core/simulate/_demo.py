"""The demo runs behind ``make run``: the local model as a generic and an informed simulator.

Sized so the whole demo build (both runs, offline annotation, comparison)
fits in 15 minutes on a 2-core machine; see ``benchmarks/simulate.py`` for
the measured throughput the sizes below are based on. Reruns are nearly free:
each run resumes from its JSONL file and an already stored, complete run is
returned as is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from realsim_core.simulate._api import simulate_run
from realsim_core.simulate._protocol import SimulationConfig
from realsim_core.simulate._runner import RunOutcome

# Run name -> persona mode. Names say which model played the user.
DEMO_RUNS: dict[str, str] = {"smollm2-generic": "generic", "smollm2-informed": "informed"}

# Short caps keep a 135M model from rambling and keep the build inside its budget.
DEMO_MAX_TURNS = 5
DEMO_MIN_TURNS_BEFORE_END = 3
DEMO_USER_MAX_TOKENS = 40
DEMO_ASSISTANT_MAX_TOKENS = 64
# Wall-clock budget for simulating both runs; dialogues not started in time are
# postponed to the next build (each run resumes), so the build never overruns.
DEMO_BUDGET_SECONDS = 420.0


def demo_config(persona: str, seed: int = 0, max_turns: int = DEMO_MAX_TURNS) -> SimulationConfig:
    """The protocol settings of a demo run (stored with it as metadata)."""
    return SimulationConfig(
        persona=persona,  # type: ignore[arg-type]
        max_turns=max_turns,
        min_turns_before_end=min(DEMO_MIN_TURNS_BEFORE_END, max_turns),
        seed=seed,
        user_max_tokens=DEMO_USER_MAX_TOKENS,
        assistant_max_tokens=DEMO_ASSISTANT_MAX_TOKENS,
    )


def build_demo_runs(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    per_domain: int = 2,
    max_turns: int = DEMO_MAX_TURNS,
    seed: int = 0,
    concurrency: int = 1,
    budget_seconds: float | None = DEMO_BUDGET_SECONDS,
    show_progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[RunOutcome]:
    """Simulate (or resume) both demo runs on ``per_domain`` scenarios of every domain and store them.

    Each run gets an equal share of what is left of ``budget_seconds`` when
    it starts (None: no limit). Scenarios are interleaved across domains, so
    a run cut short by the budget is still stratified.
    """
    if per_domain < 1:
        raise ValueError("per_domain must be at least 1")
    outcomes: list[RunOutcome] = []
    end = time.monotonic() + budget_seconds if budget_seconds is not None else None
    for position, (name, persona) in enumerate(DEMO_RUNS.items()):
        deadline = None
        if end is not None:
            runs_left = len(DEMO_RUNS) - position
            deadline = time.monotonic() + max(0.0, end - time.monotonic()) / runs_left
        outcome = simulate_run(
            name,
            data_dir=data_dir,
            scenarios=f"{per_domain}-per-domain",
            config=demo_config(persona, seed=seed, max_turns=max_turns),
            concurrency=concurrency,
            show_progress=show_progress,
            deadline=deadline,
        )
        if log:
            log(
                f"{name}: {outcome.n_stored} dialogues stored "
                f"({outcome.n_generated} generated now, {outcome.n_resumed} already done"
                + (f", {len(outcome.failures)} failed" if outcome.failures else "")
                + (f", {outcome.n_postponed} postponed to the next build" if outcome.n_postponed else "") + ")"
            )
        outcomes.append(outcome)
    return outcomes
