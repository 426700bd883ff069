"""Benchmark: simulated dialogues per minute and tokens/s with the local llama.cpp server.

Runs a few short dialogues at concurrency 1, 2 and 4 against one local
server (SmolLM2-135M-Instruct) and prints a table; the JSON goes to
``benchmarks/results/simulate.json``. The numbers size the ``make run`` demo.

    .venv/bin/python benchmarks/simulate.py [--dialogues 4] [--max-turns 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without install

from realsim_core.llm import LocalServer  # noqa: E402
from realsim_core.simulate import (  # noqa: E402
    ScenarioTask, SimulationConfig, read_run_file, run_simulation, run_totals,
)

RESULTS = Path(__file__).resolve().parent / "results"

# Invented scenarios in the corpus' style (no corpus text is used here).
GOALS = [
    "plan a three-day city trip on a small budget",
    "write a polite email asking a landlord to fix the heating",
    "understand what a p-value means for a class project",
    "pick a laptop for video editing under 1000 dollars",
    "write a short poem for a friend's birthday",
    "prepare answers for a job interview at a bakery",
    "make a weekly meal plan with more protein",
    "secure a home wifi router",
]


def tasks(n: int, offset: int) -> list[ScenarioTask]:
    return [
        ScenarioTask(f"bench_{offset + i}", "bench", f"interacting with a chatbot to {GOALS[(offset + i) % len(GOALS)]}",
                     "a human user", "generic")
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dialogues", type=int, default=3, help="dialogues per concurrency level")
    parser.add_argument("--max-turns", type=int, default=4)
    parser.add_argument("--min-turns-before-end", type=int, default=3)
    parser.add_argument("--user-max-tokens", type=int, default=40)
    parser.add_argument("--assistant-max-tokens", type=int, default=64)
    parser.add_argument("--levels", default="1,2,4", help="concurrency levels")
    parser.add_argument("--out", type=Path, default=RESULTS / "simulate.json")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    config = SimulationConfig(
        max_turns=args.max_turns, min_turns_before_end=args.min_turns_before_end, seed=0,
        user_max_tokens=args.user_max_tokens, assistant_max_tokens=args.assistant_max_tokens,
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp, LocalServer() as server:
        endpoint = server.endpoint()
        server_threads = server.n_threads
        # Warm-up: the first request pays for loading weights into cache.
        endpoint.client().chat([{"role": "user", "content": "hi"}], max_tokens=4)
        for k, level in enumerate(levels):
            out = Path(tmp) / f"c{level}.jsonl"
            started = time.perf_counter()
            run_simulation(f"bench-c{level}", tasks(args.dialogues, k * args.dialogues), config, endpoint, endpoint,
                           out_path=out, concurrency=level, show_progress=False)
            seconds = time.perf_counter() - started
            dialogues = read_run_file(out)
            usage = run_totals(dialogues)["usage"]
            completion = sum(u.get("completion_tokens", 0) for u in usage.values())
            prompt = sum(u.get("prompt_tokens", 0) for u in usage.values())
            turns = sum(len(d.user_messages) for d in dialogues)
            rows.append({
                "concurrency": level,
                "dialogues": len(dialogues),
                "user_turns": turns,
                "seconds": round(seconds, 2),
                "dialogues_per_min": round(len(dialogues) / seconds * 60, 2),
                "seconds_per_dialogue": round(seconds / max(1, len(dialogues)), 2),
                "completion_tokens_per_s": round(completion / seconds, 1),
                "prompt_tokens_per_s": round(prompt / seconds, 1),
                "completion_tokens": completion,
                "prompt_tokens": prompt,
            })
    header = f"{'conc':>4} {'dlg':>4} {'turns':>5} {'sec':>7} {'dlg/min':>8} {'s/dlg':>6} {'gen tok/s':>9} {'prompt tok/s':>12}"
    print(header)
    for r in rows:
        print(f"{r['concurrency']:>4} {r['dialogues']:>4} {r['user_turns']:>5} {r['seconds']:>7} "
              f"{r['dialogues_per_min']:>8} {r['seconds_per_dialogue']:>6} {r['completion_tokens_per_s']:>9} "
              f"{r['prompt_tokens_per_s']:>12}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "simulate",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_average_1m": round(os.getloadavg()[0], 2)},
        "server": {"n_threads": server_threads},
        "config": config.model_dump(),
        "dialogues_per_level": args.dialogues,
        "results": rows,
    }, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
