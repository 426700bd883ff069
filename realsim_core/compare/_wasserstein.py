"""Wasserstein-1 distance between per-dialogue numbers.

Card — measures: how far apart two distributions of a per-dialogue number are
(words, user turns, grammar errors, Flesch–Kincaid grade, MTLD), in the
number's own unit: the average amount each dialogue's value must move to turn
one distribution into the other. Method: W1 = ∫ |F(t) − G(t)| dt over the
empirical CDFs, as ``scipy.stats.wasserstein_distance`` computes it; here in a
weighted, vectorised form so B bootstrap replicates cost one pass. Accepts
value kinds ``count`` and ``scalar``. Reference: realsim paper §3; Villani
(2009). Limits: W1 reports *how much*, not *which way*; the tables show both
means so the direction is visible. Dialogues whose value is null (e.g. MTLD of
a one-word dialogue) are left out of that number only.

>>> import numpy as np
>>> float(w1_stat(np.array([1.0, 2.0]), np.array([3.0, 6.0]), np.ones((1, 2)), np.ones((1, 2)))[0])
3.0
"""

from __future__ import annotations

import numpy as np


def _cdf_at(values: np.ndarray, weights: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Weighted empirical CDF of ``values`` at ``points`` for each weight row: ``(B, len(points))``."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[:, order], axis=1)
    cum = np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1)
    idx = np.searchsorted(values[order], points, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        return cum[:, idx] / cum[:, -1:]


def w1_stat(x: np.ndarray, y: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """Weighted W1 for B replicates: ``x``/``y`` are 1-D per-dialogue values."""
    support = np.unique(np.concatenate([x, y]))
    if support.size < 2:
        return np.zeros(wx.shape[0])
    points = support[:-1]
    gaps = np.diff(support)
    return (np.abs(_cdf_at(x, wx, points) - _cdf_at(y, wy, points)) * gaps).sum(axis=1)
