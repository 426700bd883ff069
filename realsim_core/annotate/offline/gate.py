"""The no-feedback gate: one logistic regression that decides ``no_feedback`` for turns 2+.

Why a gate: the feedback taggers score six reaction tags (the linear model
and the feedback encoder's head, each one sigmoid per tag). Calling a turn
``no_feedback`` when no blended score clears its threshold treats a weak
``provide_clarification`` score like an equally weak ``regeneration_request``
one and averages the two scorers' probabilities. A logistic regression over
the twelve log-odds (six tags from each scorer) learns how much each score
speaks against "no reaction" and adds the two scorers' evidence instead of
averaging it. Under the same nested protocol it raises the ``no_feedback``
F1 (the ablation in ``docs/annotators.md`` decodes the same out-of-fold
scores both ways).

Decoding with a gate (:func:`.decode.gated_feedback`): the turn is
``no_feedback`` when the gate's probability reaches its threshold; otherwise
it gets the tags over their thresholds, or the likeliest tag when none
clears, since the gate has already decided that the turn reacts.

The gate threshold and the tag thresholds are tuned together, on
out-of-fold scores, for the two feedback quality targets the project commits
to. The objective is the smaller margin above them, with micro-F1 as a tie-break.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import logit
from sklearn.linear_model import LogisticRegression

from realsim_core.annotate.offline.decode import FEEDBACK_TAGS, gated_feedback
from realsim_core.annotate.offline.metrics import array_f1

GATE_C = 1.0  # grouped CV over C in 0.1 – 10 moved the no_feedback F1 by under 0.002: not a sensitive choice
# The feedback targets of the offline annotator (F1 over all turns); the thresholds maximise the smaller margin.
TARGETS = {"no_feedback": 0.85, "regeneration_request": 0.55}
GATE_GRID = np.round(np.arange(0.1, 0.901, 0.05), 2)
_REGENERATION = FEEDBACK_TAGS.index("regeneration_request")


def gate_inputs(linear: np.ndarray, head: np.ndarray) -> np.ndarray:
    """(n, 12) log-odds of both scorers' six tag probabilities (clipped away from 0 and 1)."""
    if linear.shape != head.shape or linear.shape[1:] != (len(FEEDBACK_TAGS),):
        raise ValueError(f"gate needs two (n, {len(FEEDBACK_TAGS)}) score arrays, got {linear.shape} and {head.shape}")
    return logit(np.clip(np.hstack([linear, head]), 1e-4, 1 - 1e-4))


def fit_gate(linear: np.ndarray, head: np.ndarray, no_feedback: np.ndarray) -> tuple[np.ndarray, float]:
    """Gate weights (12,) and intercept from scored later turns and whether each is ``no_feedback``."""
    model = LogisticRegression(C=GATE_C, max_iter=5000).fit(gate_inputs(linear, head), no_feedback.astype(int))
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def gate_proba(coef: np.ndarray, intercept: float, linear: np.ndarray, head: np.ndarray) -> np.ndarray:
    """(n,) probability that each turn carries no feedback."""
    z = gate_inputs(linear, head) @ np.asarray(coef, dtype=np.float64) + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def out_of_fold_gate(linear: np.ndarray, head: np.ndarray, no_feedback: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Gate probabilities of every row from gates fitted on the other folds' rows (for tuning thresholds)."""
    out = np.zeros(len(folds))
    for k in np.unique(folds):
        train, test = folds != k, folds == k
        coef, intercept = fit_gate(linear[train], head[train], no_feedback[train])
        out[test] = gate_proba(coef, intercept, linear[test], head[test])
    return out


def target_margin(pred: np.ndarray, truth: np.ndarray, first_turns: int) -> float:
    """Smaller margin above :data:`TARGETS`, plus 0.01 × micro-F1 (tie-break), scored as reported.

    ``pred`` and ``truth`` are (n, 7) over later turns; the ``first_turns``
    turn-1 rows are ``no_feedback`` by rule and always right, so they count as
    true positives, as they do in the reported F1 over all turns.
    """
    no_feedback = array_f1(pred[:, 0], truth[:, 0], first_turns)
    regeneration = array_f1(pred[:, 1 + _REGENERATION], truth[:, 1 + _REGENERATION])
    micro = array_f1(pred, truth, first_turns)
    margin = min(no_feedback - TARGETS["no_feedback"], regeneration - TARGETS["regeneration_request"])
    return margin + 0.01 * micro


def truth_matrix(Y: np.ndarray) -> np.ndarray:
    """(n, 7) booleans over (no_feedback, *FEEDBACK_TAGS) from (n, 6) tag targets."""
    Y = np.asarray(Y, dtype=bool)
    return np.column_stack([~Y.any(axis=1), Y])


def tune_gated(
    Y: np.ndarray, scores: np.ndarray, gate: np.ndarray, first_turns: int, start: Sequence[float], passes: int = 3
) -> tuple[float, np.ndarray]:
    """Gate threshold and tag thresholds by coordinate ascent on :func:`target_margin`.

    ``start`` gives the tag thresholds to begin from (those tuned without a gate).
    """
    truth = truth_matrix(Y)
    gate_threshold, thresholds = 0.5, np.asarray(start, dtype=np.float64).copy()
    best = target_margin(gated_feedback(gate, gate_threshold, scores, thresholds), truth, first_turns)
    for _ in range(passes):
        for j in range(len(thresholds) + 1):
            for value in GATE_GRID:
                trial_gate, trial = gate_threshold, thresholds.copy()
                if j == 0:
                    trial_gate = float(value)
                else:
                    trial[j - 1] = value
                score = target_margin(gated_feedback(gate, trial_gate, scores, trial), truth, first_turns)
                if score > best + 1e-12:
                    best, gate_threshold, thresholds = score, trial_gate, trial
    return gate_threshold, thresholds
