"""Total variation distance ×100 between label distributions.

Card — measures: how differently two sets of users spread their behaviour over
the labels of a categorical dimension (intent, feedback, emotion, identity).
Unit: percentage points, 0 (identical shares) to 100 (no label in common).
Method: TVD(P, Q) = ½ Σ_k |P(k) − Q(k)| × 100, where P and Q are label
occurrence shares under the counting rule of ``_frames`` (a label counts once
per annotated unit; an unlabelled unit counts as ``none``). Accepts value kind
``label_shares``. Reference: realsim paper §3 (reported ×100). Limits: the
plug-in TVD is biased upwards for small samples (two samples of the same users
are never at exactly 0), which is why every TVD comes with a noise floor.

>>> import numpy as np
>>> tvd_percent(np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5]))
50.0
"""

from __future__ import annotations

import numpy as np


def tvd_percent(p: np.ndarray, q: np.ndarray) -> float:
    """TVD×100 of two share (or count) vectors over the same labels."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"label vectors differ in length: {p.shape} vs {q.shape}")
    if p.sum() <= 0 or q.sum() <= 0:
        raise ValueError("a label distribution needs at least one occurrence")
    return float(50.0 * np.abs(p / p.sum() - q / q.sum()).sum())


def tvd_stat(x: np.ndarray, y: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """Weighted TVD×100 for B replicates: ``x``/``y`` are per-dialogue label count matrices."""
    p = wx @ x
    q = wy @ y
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p / p.sum(axis=1, keepdims=True)
        q = q / q.sum(axis=1, keepdims=True)
    return 50.0 * np.abs(p - q).sum(axis=1)
