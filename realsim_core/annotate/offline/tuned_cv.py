"""Out-of-fold outputs of the fine-tuned turn encoder, cached on disk.

Why: the linear intent and feedback models are fitted on the encoder's
turn embeddings and blended with its head scores. To measure (and tune) that
honestly, every labelled turn needs encoder outputs from a fine-tune that
never saw its dialogue: one fine-tune per outer fold of the grouped CV. A
fine-tune takes minutes on 2 cores, so each fold's outputs are cached under
a key of everything that determines them (texts, targets, folds, settings,
base model files).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from realsim_core.annotate.offline.tuned import FineTuneSettings, TurnEncoder, fine_tune, load_turn_encoder

def _digest(texts: Sequence[str], targets: dict[str, np.ndarray], masks: dict[str, np.ndarray],
            train: np.ndarray, settings: FineTuneSettings, contexts: Sequence[str] | None = None) -> str:
    from realsim_core.embeddings import embedding_model_path

    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8") + b"\0")
    for name in sorted(targets):
        h.update(name.encode() + np.ascontiguousarray(targets[name]).tobytes() + masks[name].tobytes())
    for context in contexts or ():
        h.update(b"c" + context.encode("utf-8") + b"\0")
    h.update(np.ascontiguousarray(train).tobytes())
    h.update(json.dumps(settings.__dict__, sort_keys=True).encode())
    weights = sorted(embedding_model_path().glob("*.safetensors"))
    h.update(b"".join(f"{p.name}:{p.stat().st_size}".encode() for p in weights))
    return h.hexdigest()[:20]


def fold_outputs(
    texts: Sequence[str], targets: dict[str, np.ndarray], masks: dict[str, np.ndarray],
    train: np.ndarray, cache_dir: Path | None, settings: FineTuneSettings = FineTuneSettings(),
    contexts: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Outputs for every row from a fine-tune on the ``train`` rows only.

    All rows, not just the held-out ones: the linear models of a fold are
    fitted on the training rows' outputs of that fold's encoder, exactly as
    the shipped linear models are fitted on the shipped encoder's outputs.
    """
    key = _digest(texts, targets, masks, train, settings, contexts)
    cached = cache_dir / f"fold-{key}.npz" if cache_dir else None
    if cached and cached.exists():
        with np.load(cached, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    encoder = fine_tune([texts[i] for i in train], {k: v[train] for k, v in targets.items()},
                        {k: v[train] for k, v in masks.items()}, settings, progress=True,
                        contexts=[contexts[i] for i in train] if contexts else None)
    outputs = encoder.encode(list(texts), list(contexts) if contexts else None)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cached, **outputs)
    return outputs


def cv_outputs(
    texts: Sequence[str], targets: dict[str, np.ndarray], masks: dict[str, np.ndarray],
    folds: Sequence[tuple[np.ndarray, np.ndarray]], cache_dir: Path | None, contexts: Sequence[str] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Per outer fold, the outputs (all rows) of the encoder fine-tuned on that fold's training rows."""
    out = []
    for k, (train, _) in enumerate(folds):
        print(f"fine-tuning the turn encoder, fold {k + 1}/{len(folds)} ({len(train)} turns)", flush=True)
        out.append(fold_outputs(texts, targets, masks, train, cache_dir, contexts=contexts))
    return out


def final_encoder(
    texts: Sequence[str], targets: dict[str, np.ndarray], masks: dict[str, np.ndarray], cache_dir: Path | None,
    contexts: Sequence[str] | None = None,
) -> TurnEncoder:
    """The shipped fine-tune (all given rows), cached like the folds."""
    settings = FineTuneSettings()
    key = _digest(texts, targets, masks, np.arange(len(texts)), settings, contexts)
    cached = cache_dir / f"final-{key}.safetensors" if cache_dir else None
    if cached and cached.exists():
        return load_turn_encoder(cached)
    print(f"fine-tuning the turn encoder on all {len(texts)} turns", flush=True)
    encoder = fine_tune(texts, targets, masks, settings, progress=True, contexts=contexts)
    if cached:
        encoder.save(cached)
        return load_turn_encoder(cached)  # the float16 weights that ship, so the fit is scored as shipped
    return encoder
