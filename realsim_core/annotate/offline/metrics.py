"""Precision / recall / F1 over (item, tag) pairs, micro and per tag."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Score:
    """Counts and the derived precision, recall and F1 (0 when undefined)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "support": self.support}


def pair_scores(
    truth: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], tags: Sequence[str]
) -> tuple[Score, dict[str, Score]]:
    """Micro score over all (item, tag) pairs restricted to ``tags``, and one score per tag."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} truth items but {len(predicted)} predictions")
    counts = {tag: [0, 0, 0] for tag in tags}
    for true_tags, pred_tags in zip(truth, predicted):
        t, p = set(true_tags), set(pred_tags)
        for tag in tags:
            if tag in t and tag in p:
                counts[tag][0] += 1
            elif tag in p:
                counts[tag][1] += 1
            elif tag in t:
                counts[tag][2] += 1
    per_tag = {tag: Score(*c) for tag, c in counts.items()}
    micro = Score(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return micro, per_tag


def array_f1(pred: np.ndarray, truth: np.ndarray, extra_tp: int = 0) -> float:
    """F1 over all cells of two boolean arrays, plus ``extra_tp`` true positives outside them (0 when undefined).

    ``extra_tp`` counts rows decided by rule and always right (turn 1's
    ``no_feedback``), so scores used for tuning match the reported ones.
    """
    tp = int((pred & truth).sum()) + extra_tp
    denom = int(pred.sum() + truth.sum()) + 2 * extra_tp
    return 2 * tp / denom if denom else 0.0
