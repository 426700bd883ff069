"""Benchmark: offline annotation of the 961 real dialogues on every registered dimension.

Reads the corpus from REALSIM_SOURCE (default ../shared/realsim) through
``realsim_core.corpus`` into a temporary data dir, annotates it with the local
backend without the cache (every value computed), and compares the total with
the floor: a bare MiniLM encoding of the same (non-empty) user turns, model
already loaded. Also reported: a bare pass of the fine-tuned turn encoder the
offline intent and feedback annotators run (inputs cut at 128 tokens, at the
precision they run at here: see ``benchmarks/encoder_precision.py``), so the
intent row can be read against its own floor. Prints a table and writes JSON to benchmarks/results/.

    .venv/bin/python benchmarks/annotate.py [--dims length,errors] [--limit N]

Target (issue 3): the whole corpus in under 2 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from realsim_core.annotate import annotate_dialogues, parse_dims  # noqa: E402
from realsim_core.corpus import build_real_run, fetch_corpus  # noqa: E402
from realsim_core.annotate.offline.tuned import (  # noqa: E402
    clear_turn_outputs,
    encode_turns,
    inference_precision,
    shipped_encoder,
)
from realsim_core.embeddings import clear_cache, encode, load_embedder  # noqa: E402
from realsim_core.store import Store  # noqa: E402

TARGET_SECONDS = 120.0


def load_real(data_dir: Path) -> list:
    source = os.environ.get("REALSIM_SOURCE") or str(REPO.parent / "shared" / "realsim")
    fetch_corpus(data_dir=data_dir, source=source, show_progress=False)
    build_real_run(data_dir)
    return Store(data_dir).load_dialogues("real")


def write_report(prefix: str, report: dict) -> Path:
    """Save a benchmark's JSON under benchmarks/results/, time-stamped so runs accumulate."""
    out_dir = REPO / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{prefix}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", default=None, help="comma-separated dimensions (default: all registered)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N dialogues")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="realsim-bench-") as tmp:
        dialogues = load_real(Path(tmp))
    if args.limit:
        dialogues = dialogues[: args.limit]
    turns = [t for d in dialogues for t in d.user_messages if t.strip()]

    load_embedder()
    started, cpu_started = time.perf_counter(), time.process_time()
    encode(turns)
    floor, floor_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    clear_cache()  # the dimensions must pay for their own encoding, not reuse the floor's
    print(f"MiniLM floor: {floor:.1f} s for {len(turns)} turns", file=sys.stderr, flush=True)
    shipped_encoder("intent")
    started = time.perf_counter()
    encode_turns(turns)
    tuned_floor = time.perf_counter() - started
    clear_turn_outputs()
    print(f"turn-encoder floor: {tuned_floor:.1f} s", file=sys.stderr, flush=True)

    rows = []
    for name in parse_dims(args.dims):
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = annotate_dialogues(dialogues, dims=[name], backend="local", show_progress=False)
            error, failures = None, result.failures(name)
            spec = result.specs[name]
        except Exception as err:  # a dimension that cannot run here is reported, not fatal
            error, failures, spec = f"{type(err).__name__}: {err}", None, {}
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rows.append({"dimension": name, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                     "dialogues_per_s": round(len(dialogues) / seconds, 1) if error is None else None,
                     "failures": failures, "model": spec.get("model"), "error": error})
        print(f"{name}: {seconds:.1f} s{' (' + error + ')' if error else ''}", file=sys.stderr, flush=True)

    total = sum(r["seconds"] for r in rows if r["error"] is None)
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "dialogues": len(dialogues), "user_turns_encoded": len(turns),
        "minilm_floor_seconds": round(floor, 3), "minilm_floor_cpu_seconds": round(floor_cpu, 3),
        "turn_encoder_floor_seconds": round(tuned_floor, 3), "encoder_precision": inference_precision(),
        "total_seconds": round(total, 3),
        "total_cpu_seconds": round(sum(r["cpu_seconds"] for r in rows if r["error"] is None), 3),
        "load_average": os.getloadavg()[0],
        "ratio_to_floor": round(total / floor, 2) if floor else None,
        "target_seconds": TARGET_SECONDS, "dimensions": rows,
        # The target is for the whole corpus on every dimension; a subset run is not judged against it.
        "within_target": total < TARGET_SECONDS if not (args.limit or args.dims) else None,
    }
    print(f"{len(dialogues)} dialogues, {len(turns)} non-empty user turns; MiniLM floor {floor:.1f} s, "
          f"turn-encoder floor {tuned_floor:.1f} s (encoders at {inference_precision()})")
    print(f"{'dimension':<12} {'seconds':>8} {'cpu s':>8} {'dlg/s':>8} {'failed':>7}  model / error")
    for r in rows:
        rate = f"{r['dialogues_per_s']:.1f}" if r["dialogues_per_s"] is not None else "-"
        print(f"{r['dimension']:<12} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} {rate:>8} {str(r['failures'] or 0):>7}  "
              f"{r['error'] or r['model'] or ''}")
    print(f"load average during the run: {report['load_average']:.1f} on {os.cpu_count()} cores "
          "(wall times are only comparable on an idle machine; CPU seconds are less affected)")
    print(f"total {total:.1f} s = {report['ratio_to_floor']}x the MiniLM floor; "
          f"target {TARGET_SECONDS:.0f} s (whole corpus, all dimensions): "
          f"{ {True: 'met', False: 'MISSED', None: 'not judged on a subset'}[report['within_target']] }")
    print(f"wrote {write_report('annotate', report).relative_to(REPO)}")
    return 0 if all(r["error"] is None for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
