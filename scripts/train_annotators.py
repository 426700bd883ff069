"""Train the offline intent / feedback / identity models and document their quality.

Usage: ``.venv/bin/python scripts/train_annotators.py [--labels PATH] [--source DIR]``
(``make train-annotators``). Reads the reference labels and the real corpus
from ``../shared`` (or REALSIM_LABELS / REALSIM_SOURCE), fine-tunes the turn
encoder once per outer fold of the grouped cross-validation and once on all
labelled turns (about 4 minutes each on 2 cores; cached in ``--cache``, so a
rerun only refits the linear models), fits the linear models, writes
everything to ``realsim_core/annotate/offline/models/`` (numeric arrays only:
``*.npz`` and the two ``*_encoder.safetensors``) and regenerates
``docs/annotators.md``. Seeded and run on a fixed thread count: a rerun on the
same machine writes the same bytes.
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
    from realsim_core.annotate.offline.model import ENCODER_FILES
    from realsim_core.annotate.offline.training import C_VALUES, DENSE_WEIGHTS, fit_model, sentence_dataset
    from realsim_core.annotate.offline.tuned import inference_precision, reset_turn_encoder
    from realsim_core.annotate.offline.turn_training import fit_turn_models, turn_cv, turn_labels

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=default_labels_path())
    parser.add_argument("--source", type=Path, default=default_source_dir())
    parser.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    parser.add_argument("--docs", type=Path, default=REPO / "docs" / "annotators.md")
    parser.add_argument("--cache", type=Path, default=REPO / "build" / "train-cache",
                        help="where fine-tuned fold encoders' outputs are kept between runs (default: build/train-cache)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    refs = load_reference(args.labels, args.source)
    print(f"{len(refs)} labelled dialogues, {sum(len(r.intent) for r in refs)} user turns")
    labels = turn_labels(refs)
    folds_cv = turn_cv(labels, args.cache)
    cv = cross_validate(refs, labels, folds_cv)
    print(f"cross-validation done in {time.perf_counter() - started:.0f}s")

    encoders, intent_model, feedback_model = fit_turn_models(labels, folds_cv, args.cache)
    models = {"intent": intent_model, "feedback": feedback_model,
              "identity": fit_model(sentence_dataset(refs), "identity")}
    for name, encoder in encoders.items():
        encoder.save(args.models_dir / ENCODER_FILES[name])
    for name, model in models.items():
        model.save(args.models_dir / MODEL_FILES[name])
    load_model.cache_clear()
    reset_turn_encoder()

    dialogues = [r.dialogue for r in refs]
    if args.models_dir == MODELS_DIR:  # the shipped models: score their fit on the labelled set
        identity = infer.identity_for(dialogues)
        fit = score_annotations(refs, infer.intent_for(dialogues), infer.feedback_for(dialogues),
                                [[c for c, quotes in d.items() if quotes] for d in identity])
    else:
        fit = None
    args.docs.parent.mkdir(parents=True, exist_ok=True)
    args.docs.write_text(render_report(cv, fit, C_VALUES, DENSE_WEIGHTS,
                                            {"intent": intent_model.head_weight,
                                             "feedback": feedback_model.head_weight},
                                            fit_precision=inference_precision(),
                                            gate_threshold=feedback_model.gate_threshold), encoding="utf-8")
    took = time.perf_counter() - started
    print(f"intent micro-F1 {cv['intent']['micro']['f1']:.3f} (P {cv['intent']['micro']['precision']:.3f} "
          f"R {cv['intent']['micro']['recall']:.3f}); no_feedback F1 {cv['feedback']['tags']['no_feedback']['f1']:.3f}; "
          f"regeneration_request F1 {cv['feedback']['tags']['regeneration_request']['f1']:.3f}; "
          f"identity presence F1 {cv['identity']['micro']['f1']:.3f}")
    print(f"models in {args.models_dir}, report {args.docs}; {took:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
