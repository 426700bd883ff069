"""Train the offline intent / feedback / identity models and document their quality.

Usage: ``.venv/bin/python scripts/train_annotators.py [--labels PATH] [--source DIR]``
(``make train-annotators``). Reads the reference labels and the real corpus
from ``../shared`` (or REALSIM_LABELS / REALSIM_SOURCE), runs the grouped
cross-validation, fits the final models on all labelled dialogues, writes
them to ``realsim_core/annotate/offline/models/*.npz`` (numeric weights only)
and regenerates ``docs/annotators.md``. Deterministic: same inputs, same
bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    from realsim_core.annotate.offline import infer
    from realsim_core.annotate.offline.evaluate import cross_validate, score_annotations
    from realsim_core.annotate.offline.model import MODEL_FILES, MODELS_DIR, load_model
    from realsim_core.annotate.offline.reference import default_labels_path, default_source_dir, load_reference
    from realsim_core.annotate.offline.report import render_report
    from realsim_core.annotate.offline.training import (
        C_VALUES,
        DENSE_WEIGHTS,
        fit_model,
        sentence_dataset,
        turn_dataset,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=default_labels_path())
    parser.add_argument("--source", type=Path, default=default_source_dir())
    parser.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    parser.add_argument("--docs", type=Path, default=REPO / "docs" / "annotators.md")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    refs = load_reference(args.labels, args.source)
    print(f"{len(refs)} labelled dialogues, {sum(len(r.intent) for r in refs)} user turns")
    cv = cross_validate(refs)
    print(f"cross-validation done in {time.perf_counter() - started:.0f}s")

    intent_data, feedback_data, _, _ = turn_dataset(refs)
    models = {
        "intent": fit_model(intent_data, "intent"),
        "feedback": fit_model(feedback_data, "feedback"),
        "identity": fit_model(sentence_dataset(refs), "identity"),
    }
    for name, model in models.items():
        model.save(args.models_dir / MODEL_FILES[name])
    load_model.cache_clear()

    dialogues = [r.dialogue for r in refs]
    if args.models_dir == MODELS_DIR:  # the shipped models: score their fit on the labelled set
        identity = infer.identity_for(dialogues)
        fit = score_annotations(refs, infer.intent_for(dialogues), infer.feedback_for(dialogues),
                                [[c for c, quotes in d.items() if quotes] for d in identity])
    else:
        fit = None
    args.docs.parent.mkdir(parents=True, exist_ok=True)
    args.docs.write_text(render_report(cv, fit, C_VALUES, DENSE_WEIGHTS), encoding="utf-8")
    took = time.perf_counter() - started
    print(f"intent micro-F1 {cv['intent']['micro']['f1']:.3f} (P {cv['intent']['micro']['precision']:.3f} "
          f"R {cv['intent']['micro']['recall']:.3f}); no_feedback F1 {cv['feedback']['tags']['no_feedback']['f1']:.3f}; "
          f"regeneration_request F1 {cv['feedback']['tags']['regeneration_request']['f1']:.3f}; "
          f"identity presence F1 {cv['identity']['micro']['f1']:.3f}")
    print(f"models in {args.models_dir}, report {args.docs}; {took:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
