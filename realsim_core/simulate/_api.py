"""One call from scenarios to a stored simulated run (what the CLI and the demo use)."""

from __future__ import annotations

import os
from pathlib import Path

from realsim_core.llm import LOCAL_MODEL_NAME
from realsim_core.paths import resolve_data_dir
from realsim_core.simulate._endpoints import open_endpoints
from realsim_core.simulate._jsonl import read_run_file
from realsim_core.simulate._protocol import SimulationConfig
from realsim_core.simulate._runner import (
    ProgressCallback, RunOutcome, check_settings, run_metadata, run_settings, run_simulation,
)
from realsim_core.simulate._scenarios import build_tasks, select_scenarios
from realsim_core.store import Store

RUNS_SUBDIR = "runs"


def default_run_file(data_dir: str | os.PathLike[str] | None, name: str) -> Path:
    """``<data-dir>/runs/<name>.jsonl``: where a run's dialogues are appended."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return resolve_data_dir(data_dir) / RUNS_SUBDIR / f"{safe}.jsonl"


def simulate_run(
    name: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    scenarios: str = "all",
    config: SimulationConfig | None = None,
    user_model: str | None = None,
    user_base_url: str | None = None,
    assistant_model: str | None = None,
    assistant_base_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 1,
    out: str | os.PathLike[str] | None = None,
    show_progress: bool = True,
    on_progress: ProgressCallback | None = None,
    deadline: float | None = None,
) -> RunOutcome:
    """Simulate (or resume) run ``name`` and store it as a ``simulated`` run.

    Scenarios and personas come from the fetched corpus in ``data_dir``.
    Without base URLs, a local llama.cpp server is started for the run.
    """
    from realsim_core.corpus import load_personas, load_scenarios

    if not name or not name.strip():
        raise ValueError("a run needs a non-empty --name")
    config = config or SimulationConfig()
    store = Store(data_dir)
    if store.run_exists(name):
        kind = store.list_runs().set_index("name").loc[name, "kind"]
        if kind != "simulated":
            raise ValueError(f"run {name!r} already exists as a {kind} run; choose another --name")
    scenario_texts = load_scenarios(data_dir)
    ids = select_scenarios(scenarios, scenario_texts, seed=config.seed)
    tasks = build_tasks(ids, scenario_texts, load_personas(data_dir), config.persona, config.seed)
    out_path = Path(out) if out else default_run_file(data_dir, name)
    finished = {d.scenario_id for d in read_run_file(out_path)}
    if all(t.scenario_id in finished for t in tasks):
        settings = run_settings(config, user_model or LOCAL_MODEL_NAME, assistant_model or LOCAL_MODEL_NAME)
        check_settings(out_path, settings, bool(finished))
        outcome = RunOutcome(name, out_path, len(tasks), len(tasks), 0)
        previous = store.run_metadata(name) if store.run_exists(name) else {}
        if previous and previous.get("n_dialogues") == len(finished):
            # Finished and stored earlier: a second `make run` costs nothing.
            outcome.n_stored, outcome.metadata = len(finished), previous
            return outcome
        endpoints = {key: previous.get(key) for key in ("user", "assistant", "local_server")} if previous else {
            "user": {"base_url": user_base_url or "local", "model": user_model or LOCAL_MODEL_NAME},
            "assistant": {"base_url": assistant_base_url or "local", "model": assistant_model or LOCAL_MODEL_NAME},
            "local_server": None,
        }
    else:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with open_endpoints(
            user_model=user_model, user_base_url=user_base_url,
            assistant_model=assistant_model, assistant_base_url=assistant_base_url,
            api_key=api_key, server_log=out_path.with_name(out_path.stem + ".server.log"),
        ) as pair:
            outcome = run_simulation(
                name, tasks, config, pair.user, pair.assistant, out_path=out_path,
                concurrency=concurrency, show_progress=show_progress, on_progress=on_progress,
                deadline=deadline,
            )
        endpoints = {"user": pair.user.public(), "assistant": pair.assistant.public(),
                     "local_server": pair.local_server}
    dialogues = read_run_file(out_path)
    meta = run_metadata(outcome, dialogues, config, endpoints, scenarios_spec=scenarios, concurrency=concurrency)
    summary = store.save_run(name, dialogues, kind="simulated", replace=True, source_file=str(out_path),
                             fmt="jsonl", metadata=meta)
    outcome.n_stored = summary.n_dialogues
    outcome.metadata = meta
    return outcome
