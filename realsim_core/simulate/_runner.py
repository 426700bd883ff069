"""Run many dialogues: concurrency, crash-safe appends, resume, metadata.

A 1,000-scenario run against a paid API must never redo finished work, so
the JSONL file is the source of truth: finished scenarios found there are
skipped, every new dialogue is appended the moment it finishes, and the run
is (re)stored from the whole file at the end. The settings a run was started
with are kept beside it (``<file>.settings.json``) so a resume with different
settings is refused instead of silently mixing two simulators in one run.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from realsim_core import __version__
from realsim_core.llm import Endpoint, EndpointError
from realsim_core.schema import Dialogue
from realsim_core.simulate._jsonl import RunFileWriter, read_run_file
from realsim_core.simulate._prompts import PROMPTS_VERSION
from realsim_core.simulate._protocol import DialogueFailed, ScenarioTask, SimulationConfig, simulate_dialogue

ProgressCallback = Callable[[int, int], None]


class SimulationError(RuntimeError):
    """The run stopped early (endpoint down, settings mismatch); finished work is kept."""


@dataclass
class RunOutcome:
    """What a call to :func:`run_simulation` did."""

    name: str
    out_path: Path
    n_selected: int
    n_resumed: int
    n_generated: int
    failures: dict[str, str] = field(default_factory=dict)
    n_postponed: int = 0
    n_stored: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)


def run_settings(config: SimulationConfig, user_model: str, assistant_model: str) -> dict[str, Any]:
    """What must not change between the first attempt of a run and its resumes."""
    return {
        "config": config.model_dump(),
        "prompts_version": PROMPTS_VERSION,
        "user_model": user_model,
        "assistant_model": assistant_model,
    }


def check_settings(out_path: Path, settings: dict[str, Any], has_dialogues: bool) -> None:
    """Refuse to resume a run file with other settings; record the settings otherwise."""
    side = out_path.with_name(out_path.name + ".settings.json")
    if side.exists() and has_dialogues:
        before = json.loads(side.read_text(encoding="utf-8"))
        if before != settings:
            changed = sorted(
                k for k in set(before) | set(settings) if before.get(k) != settings.get(k)
            )
            raise SimulationError(
                f"{out_path} was started with other settings ({', '.join(changed)} differ); "
                "resume with the same flags, or use another --name / delete the file to start over"
            )
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")


def run_totals(dialogues: list[Dialogue]) -> dict[str, Any]:
    """Whole-run sums of the per-dialogue bookkeeping (usage, cleaning, guardrails, endings)."""
    usage: dict[str, Counter[str]] = {"user": Counter(), "assistant": Counter()}
    cleaning: Counter[str] = Counter()
    guards: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    turns: list[int] = []
    for d in dialogues:
        meta = d.metadata
        for who, counts in (meta.get("usage") or {}).items():
            usage.setdefault(who, Counter()).update(counts)
        cleaning.update(meta.get("cleaning") or {})
        guards.update(meta.get("guardrails") or {})
        endings[str(meta.get("end_reason", "unknown"))] += 1
        turns.append(len(d.user_messages))
    return {
        "usage": {who: dict(c) for who, c in usage.items()},
        "cleaning": dict(sorted(cleaning.items())),
        "guardrails": dict(sorted(guards.items())),
        "end_reasons": dict(sorted(endings.items())),
        "mean_user_turns": round(sum(turns) / len(turns), 3) if turns else None,
    }


def run_simulation(
    name: str,
    tasks: list[ScenarioTask],
    config: SimulationConfig,
    user: Endpoint,
    assistant: Endpoint,
    *,
    out_path: Path,
    concurrency: int = 1,
    show_progress: bool = True,
    on_progress: ProgressCallback | None = None,
    deadline: float | None = None,
) -> RunOutcome:
    """Simulate every task not already finished in ``out_path``; return what happened.

    With ``deadline`` (a ``time.monotonic()`` value) no new dialogue starts
    after it; the rest are counted in ``n_postponed`` and a rerun does them.
    Raises :class:`SimulationError` when an endpoint fails for good; dialogues
    finished before that stay in the file and a rerun picks up from there.
    """
    if concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    done = read_run_file(out_path)
    check_settings(out_path, run_settings(config, user.model, assistant.model), bool(done))
    finished = {d.scenario_id for d in done}
    todo = [t for t in tasks if t.scenario_id not in finished]
    outcome = RunOutcome(name, out_path, len(tasks), len(tasks) - len(todo), 0)
    if not todo:
        return outcome
    user_client, assistant_client = user.client(), assistant.client()
    stop = threading.Event()

    def work(task: ScenarioTask) -> Dialogue | None:
        if stop.is_set():
            return None
        return simulate_dialogue(task, config, user_client, assistant_client, name)

    bar = tqdm(total=len(todo), desc=f"simulate {name}", unit="dlg", disable=not show_progress, smoothing=0.1)
    fatal: EndpointError | None = None
    started = time.monotonic()
    with RunFileWriter(out_path) as writer, ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending: dict[Future[Dialogue | None], ScenarioTask] = {}
        queue = iter(todo)
        try:
            # Keep only `concurrency` tasks in flight so a failure stops the run promptly.
            for task in queue:
                pending[pool.submit(work, task)] = task
                if len(pending) >= concurrency:
                    break
            while pending:
                finished_now, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished_now:
                    task = pending.pop(future)
                    try:
                        dialogue = future.result()
                    except DialogueFailed as err:
                        outcome.failures[task.scenario_id] = str(err)
                    except EndpointError as err:
                        fatal = fatal or err
                        stop.set()
                    else:
                        if dialogue is not None:
                            writer.append(dialogue)
                            outcome.n_generated += 1
                    bar.update(1)
                    if on_progress:
                        on_progress(outcome.n_resumed + outcome.n_generated, outcome.n_selected)
                    if deadline is not None and time.monotonic() > deadline:
                        stop.set()
                    if not stop.is_set():
                        nxt = next(queue, None)
                        if nxt is not None:
                            pending[pool.submit(work, nxt)] = nxt
        except BaseException:
            stop.set()
            raise
        finally:
            bar.close()
    outcome.metadata["seconds"] = round(time.monotonic() - started, 2)
    outcome.n_postponed = len(todo) - outcome.n_generated - len(outcome.failures)
    if fatal is not None:
        kept = outcome.n_resumed + outcome.n_generated
        raise SimulationError(
            f"{fatal}\nstopped: {kept} of {len(tasks)} dialogues are finished and kept in {out_path}; "
            "rerun the same command to resume"
        ) from fatal
    return outcome


def run_metadata(
    outcome: RunOutcome,
    dialogues: list[Dialogue],
    config: SimulationConfig,
    endpoints: dict[str, Any],
    *,
    scenarios_spec: str,
    concurrency: int,
) -> dict[str, Any]:
    """Provenance stored with the run: models, endpoints (never keys), prompts, seed, flags, totals."""
    return {
        "simulator": "prompted",
        "realsim_version": __version__,
        "prompts_version": PROMPTS_VERSION,
        **endpoints,
        "config": config.model_dump(),
        "seed": config.seed,
        "scenarios": scenarios_spec,
        "concurrency": concurrency,
        "out_file": str(outcome.out_path),
        "n_selected": outcome.n_selected,
        "n_dialogues": len(dialogues),
        "failed": outcome.failures,
        "complete": len(dialogues) >= outcome.n_selected,
        "last_attempt": {
            "resumed": outcome.n_resumed,
            "generated": outcome.n_generated,
            "seconds": outcome.metadata.get("seconds", 0.0),
        },
        "totals": run_totals(dialogues),
    }
