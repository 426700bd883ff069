"""Benchmark: the offline turn encoders at float32 and at bfloat16 autocast.

Why: the two fine-tuned MiniLM passes (intent over every user turn, feedback
over every later turn read with the previous one) are most of the offline
annotation time. bfloat16 autocast halves them on CPUs with native bf16, but
it is only worth shipping as the default if the decoded tags barely move.
This script annotates the real corpus (and the 240 labelled dialogues) with
intent and feedback at both precisions and reports seconds, the speed ratio,
turn-level agreement of the decoded tags and, on the labelled dialogues, the
micro-F1 / no_feedback / regeneration_request F1 of each (the shipped
models' training fit: agreement between precisions, not out-of-sample quality).

    .venv/bin/python benchmarks/encoder_precision.py [--limit N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from annotate import load_real, write_report  # noqa: E402

from realsim_core.annotate.offline import infer  # noqa: E402
from realsim_core.annotate.offline.evaluate import score_annotations  # noqa: E402
from realsim_core.annotate.offline.reference import (  # noqa: E402
    default_labels_path,
    default_source_dir,
    load_reference,
)
from realsim_core.annotate.offline.tuned import PRECISION_ENV, clear_turn_outputs, native_bf16, shipped_encoder  # noqa: E402


def _annotate(dialogues: list, precision: str) -> tuple[dict[str, float], list, list]:
    os.environ[PRECISION_ENV] = precision
    clear_turn_outputs()
    started = time.perf_counter()
    intent = infer.intent_for(dialogues)
    intent_s = time.perf_counter() - started
    started = time.perf_counter()
    feedback = infer.feedback_for(dialogues)
    return {"intent": intent_s, "feedback": time.perf_counter() - started}, intent, feedback


def _agreement(a: list, b: list) -> float:
    pairs = [(set(x), set(y)) for d1, d2 in zip(a, b) for x, y in zip(d1, d2)]
    return sum(x == y for x, y in pairs) / len(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N corpus dialogues")
    args = parser.parse_args()
    if not native_bf16():
        print("note: this CPU has no native bf16; bf16 is emulated here and `auto` would pick fp32", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="realsim-bench-") as tmp:
        dialogues = load_real(Path(tmp))[: args.limit]
    refs = load_reference(default_labels_path(), default_source_dir())
    shipped_encoder("intent"), shipped_encoder("feedback")
    previous = os.environ.get(PRECISION_ENV)
    runs, labelled = {}, {}
    try:
        for precision in ("fp32", "bf16"):
            runs[precision] = _annotate(dialogues, precision)
            print(f"{precision}: intent {runs[precision][0]['intent']:.1f} s, feedback {runs[precision][0]['feedback']:.1f} s",
                  file=sys.stderr, flush=True)
            _, intent, feedback = _annotate([r.dialogue for r in refs], precision)
            fit = score_annotations(refs, intent, feedback, [[] for _ in refs])
            labelled[precision] = {"intent_micro_f1": fit["intent"]["micro"]["f1"],
                                   "no_feedback_f1": fit["feedback"]["tags"]["no_feedback"]["f1"],
                                   "regeneration_request_f1": fit["feedback"]["tags"]["regeneration_request"]["f1"],
                                   "intent": intent, "feedback": feedback}
    finally:
        if previous is None:
            os.environ.pop(PRECISION_ENV, None)
        else:
            os.environ[PRECISION_ENV] = previous
        clear_turn_outputs()

    (t32, i32, f32), (t16, i16, f16) = runs["fp32"], runs["bf16"]
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
        "native_bf16": native_bf16(), "dialogues": len(dialogues),
        "seconds": {"fp32": {k: round(v, 2) for k, v in t32.items()}, "bf16": {k: round(v, 2) for k, v in t16.items()}},
        "speedup": {k: round(t32[k] / t16[k], 2) for k in t32},
        "corpus_turn_agreement": {"intent": round(_agreement(i32, i16), 4), "feedback": round(_agreement(f32, f16), 4)},
        "labelled_turn_agreement": {
            "intent": round(_agreement(labelled["fp32"]["intent"], labelled["bf16"]["intent"]), 4),
            "feedback": round(_agreement(labelled["fp32"]["feedback"], labelled["bf16"]["feedback"]), 4)},
        "labelled_fit": {p: {k: v for k, v in labelled[p].items() if k not in ("intent", "feedback")} for p in labelled},
    }
    print(f"{len(dialogues)} corpus dialogues; native bf16: {report['native_bf16']}")
    for k in ("intent", "feedback"):
        print(f"{k:<9} fp32 {t32[k]:6.1f} s  bf16 {t16[k]:6.1f} s  speed-up {report['speedup'][k]:.2f}x  "
              f"same tags on {100 * report['corpus_turn_agreement'][k]:.2f}% of corpus turns, "
              f"{100 * report['labelled_turn_agreement'][k]:.2f}% of labelled turns")
    for p, fit in report["labelled_fit"].items():
        print(f"labelled fit {p}: intent micro-F1 {fit['intent_micro_f1']:.3f}, no_feedback F1 "
              f"{fit['no_feedback_f1']:.3f}, regeneration_request F1 {fit['regeneration_request_f1']:.3f}")
    print(f"wrote {write_report('encoder-precision', report).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
