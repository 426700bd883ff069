"""The no-feedback gate: decoding rules, fitting, threshold tuning, storage and the shipped gate.

Scores here are generated from a seeded random model of two noisy scorers, not taken from the corpus.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from realsim_core.annotate.offline.decode import ALL_FEEDBACK_TAGS, FEEDBACK_TAGS, decode_feedback, gated_feedback
from realsim_core.annotate.offline.gate import (
    fit_gate,
    gate_inputs,
    gate_proba,
    out_of_fold_gate,
    target_margin,
    truth_matrix,
    tune_gated,
)
from realsim_core.annotate.offline.model import load_model, read_model

REGEN = FEEDBACK_TAGS.index("regeneration_request")


def _scored_turns(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets (n, 6) and two scorers' probabilities that see them through different noise."""
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, len(FEEDBACK_TAGS)), dtype=np.int8)
    reacts = rng.random(n) < 0.45
    Y[reacts, rng.choice(len(FEEDBACK_TAGS), size=int(reacts.sum()), p=[.1, .1, .5, .1, .05, .15])] = 1

    def scorer(noise: float) -> np.ndarray:
        z = np.where(Y == 1, 1.0, -2.0) + rng.normal(0.0, noise, Y.shape)
        return 1.0 / (1.0 + np.exp(-z))

    return Y, scorer(1.5), scorer(1.5)


def test_gated_decoding_follows_the_guide_rules() -> None:
    proba = np.array([[0.9, 0.1, 0.8, 0.1, 0.1, 0.1],   # gate says silent: no_feedback alone, despite the scores
                      [0.1, 0.1, 0.2, 0.1, 0.1, 0.3],   # let through, nothing clears: likeliest tag
                      [0.1, 0.7, 0.8, 0.1, 0.1, 0.1],   # let through: every tag over its threshold
                      [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]])  # turn 1: no_feedback by rule
    thresholds = np.full(6, 0.5)
    gate = np.array([0.7, 0.2, 0.2, 0.1])
    tags = decode_feedback(proba, thresholds, [1, 1, 1, 0], gate, 0.5)
    assert tags == [["no_feedback"], ["provide_clarification"], ["explicit_negative", "regeneration_request"],
                    ["no_feedback"]]
    matrix = gated_feedback(gate[:3], 0.5, proba[:3], thresholds)
    assert [[t for t, on in zip(ALL_FEEDBACK_TAGS, row) if on] for row in matrix] == tags[:3]
    # Without a gate, nothing over threshold still means no_feedback.
    assert decode_feedback(proba[1:2], thresholds, [1]) == [["no_feedback"]]


def test_gate_learns_from_both_scorers() -> None:
    Y, linear, head = _scored_turns()
    silent = ~Y.any(axis=1)
    assert gate_inputs(linear, head).shape == (len(Y), 12)
    coef, intercept = fit_gate(linear[:400], head[:400], silent[:400])
    assert (coef < 0).all()  # every tag's score speaks against "no reaction" in this model
    p = gate_proba(coef, intercept, linear[400:], head[400:])
    one_scorer = 1.0 - linear[400:].max(axis=1)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(silent[400:], p) > roc_auc_score(silent[400:], one_scorer) + 0.02
    with pytest.raises(ValueError, match="two"):
        gate_inputs(linear, head[:, :5])


def test_tuning_improves_the_target_margin_out_of_fold() -> None:
    Y, linear, head = _scored_turns(seed=1)
    folds = np.arange(len(Y)) % 5
    gate = out_of_fold_gate(linear, head, ~Y.any(axis=1), folds)
    scores = 0.5 * linear + 0.5 * head
    start = np.full(6, 0.5)
    truth = truth_matrix(Y)
    before = target_margin(gated_feedback(gate, 0.5, scores, start), truth, first_turns=100)
    gate_threshold, thresholds = tune_gated(Y, scores, gate, 100, start)
    after = target_margin(gated_feedback(gate, gate_threshold, scores, thresholds), truth, first_turns=100)
    assert after > before
    assert 0.1 <= gate_threshold <= 0.9 and thresholds.shape == (6,)


def test_gate_is_saved_and_read(tmp_path: Path) -> None:
    from dataclasses import replace

    model = load_model("feedback")
    assert model.has_gate and model.gate_coef.shape == (12,) and 0.0 < model.gate_threshold < 1.0
    path = tmp_path / "feedback.npz"
    model.save(path)
    again = read_model(path)
    assert np.allclose(again.gate_coef, model.gate_coef) and again.gate_threshold == model.gate_threshold
    bare = replace(model, gate_coef=np.zeros(0))
    bare.save(path)
    assert not read_model(path).has_gate
    assert read_model(path).no_feedback_proba(np.zeros((1, 6)), np.zeros((1, 6))) is None
