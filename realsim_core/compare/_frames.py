"""Annotations → tidy arrays the distances consume.

One place decides how a value shape becomes numbers, so every distance, the
tables and the examples count labels the same way:

* **Counting rule** (all categorical dimensions): a label counts **once per
  annotated unit** — per user turn for intent and feedback (a turn tagged
  ``[content_generation, content_generation]`` counts once), per sentence for
  emotion, per dialogue for identity. A unit with no label counts as the
  pseudo-label ``none`` (an intent-less "ok thanks" turn, a dialogue that
  discloses nothing), so every unit contributes and the shares describe all
  of the user's behaviour, not only its tagged part.
* A dimension's distribution is the label occurrence counts summed over the
  dialogues and divided by their total (shares sum to 1).
* Failed annotations (:class:`AnnotationFailure`) drop that dialogue from that
  dimension only and are counted; null scalars (e.g. MTLD of a one-word
  dialogue) drop the dialogue from that scalar only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from realsim_core.annotate import AnnotationFailure, AnnotationResult

NONE_LABEL = "none"
# Known tag sets (GUIDE.md); labels outside them are kept, never dropped silently.
LABELS: dict[str, tuple[str, ...]] = {
    "intent": (
        "info_retrieval", "info_discovery", "info_understanding", "info_distillation", "info_analysis",
        "method_guidance", "content_generation", "content_modification", "system_management", NONE_LABEL,
    ),
    "feedback": (
        "no_feedback", "explicit_positive", "explicit_negative", "regeneration_request",
        "continuation_request", "clarification_request", "provide_clarification", NONE_LABEL,
    ),
    "emotion": ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral", NONE_LABEL),
    "identity": (
        "demographic", "physical", "relationships", "preferences", "past", "future", "worldview", NONE_LABEL,
    ),
}
CATEGORICAL = tuple(LABELS)
# Per-dialogue numbers: name -> (annotation dimension, key in its value or None for the value itself).
SCALARS: dict[str, tuple[str, str | None]] = {
    "words": ("length", "words"),
    "turns": ("length", "turns"),
    "errors": ("errors", None),
    "fk_grade": ("linguistic", "fk_grade"),
    "mtld": ("linguistic", "mtld"),
}


@dataclass
class Categorical:
    """Label occurrence counts of one dimension: ``counts[i, k]`` for dialogue ``rows[i]``."""

    labels: list[str]
    counts: np.ndarray
    rows: np.ndarray
    # (dialogue row, user-turn index or -1 for dialogue level, label, quote) for examples.
    occurrences: list[tuple[int, int, str, str | None]] = field(default_factory=list)

    def shares(self) -> np.ndarray:
        total = self.counts.sum()
        return self.counts.sum(axis=0) / total if total else np.full(len(self.labels), np.nan)


@dataclass
class Frames:
    """Everything the comparison needs from one run's annotations."""

    ids: list[str]
    domains: np.ndarray
    scenario_ids: list[str | None]
    user_turns: list[list[str]]
    categorical: dict[str, Categorical]
    scalars: dict[str, tuple[np.ndarray, np.ndarray]]  # name -> (values, dialogue rows)
    knowledge: list[list[str]] | None  # statements per dialogue (None: not annotated)
    knowledge_rows: np.ndarray
    failed: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.ids)


def _turn_labels(dim: str, turn_value: Any) -> list[str]:
    """Labels of one turn under the counting rule (see module docstring)."""
    if turn_value is None:
        return [NONE_LABEL]
    if isinstance(turn_value, str):
        turn_value = [turn_value]
    labels = [str(v) for v in turn_value]
    if dim == "emotion":  # one label per sentence: sentences are the unit
        return labels or [NONE_LABEL]
    return list(dict.fromkeys(labels)) or [NONE_LABEL]


def _identity_items(value: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    items = []
    for cat, quotes in value.items():
        if quotes:
            first = quotes[0] if isinstance(quotes, list) else quotes
            items.append((-1, str(cat), str(first)))
    return items or [(-1, NONE_LABEL, None)]


def _categorical(dim: str, values: Sequence[Any]) -> tuple[Categorical, int]:
    index = {label: k for k, label in enumerate(LABELS[dim])}
    per_row: list[tuple[int, list[tuple[int, str, str | None]]]] = []
    failed = 0
    for row, value in enumerate(values):
        if isinstance(value, AnnotationFailure):
            failed += 1
            continue
        if dim == "identity":
            if not isinstance(value, dict):
                raise TypeError(f"identity value of dialogue {row} must be a dict, got {type(value).__name__}")
            items = _identity_items(value)
        else:
            if not isinstance(value, list):
                raise TypeError(f"{dim} value of dialogue {row} must be a per-turn list, got {type(value).__name__}")
            items = [(t, label, None) for t, turn in enumerate(value) for label in _turn_labels(dim, turn)]
        for _, label, _ in items:
            index.setdefault(label, len(index))
        per_row.append((row, items))
    counts = np.zeros((len(per_row), len(index)), dtype=np.float64)
    occurrences: list[tuple[int, int, str, str | None]] = []
    for i, (row, items) in enumerate(per_row):
        for turn, label, quote in items:
            counts[i, index[label]] += 1
            occurrences.append((row, turn, label, quote))
    rows = np.array([row for row, _ in per_row], dtype=np.int64)
    return Categorical(labels=list(index), counts=counts, rows=rows, occurrences=occurrences), failed


def _scalar(values: Sequence[Any], key: str | None) -> tuple[np.ndarray, np.ndarray, int]:
    out, rows, failed = [], [], 0
    for row, value in enumerate(values):
        if isinstance(value, AnnotationFailure):
            failed += 1
            continue
        number = value.get(key) if key is not None else value
        if number is None or (isinstance(number, float) and np.isnan(number)):
            continue
        out.append(float(number))
        rows.append(row)
    return np.asarray(out, dtype=np.float64), np.asarray(rows, dtype=np.int64), failed


def build_frames(result: AnnotationResult) -> Frames:
    """Turn an :class:`AnnotationResult` into per-dimension arrays (dimensions absent stay absent)."""
    dialogues = result.dialogues
    categorical: dict[str, Categorical] = {}
    scalars: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    failed: dict[str, int] = {}
    for dim in CATEGORICAL:
        if dim in result.values:
            categorical[dim], failed[dim] = _categorical(dim, result.values[dim])
    for name, (dim, key) in SCALARS.items():
        if dim in result.values:
            values, rows, n_failed = _scalar(result.values[dim], key)
            scalars[name] = (values, rows)
            failed[name] = n_failed
    knowledge = None
    knowledge_rows = np.zeros(0, dtype=np.int64)
    if "knowledge" in result.values:
        knowledge, rows = [], []
        failed["knowledge"] = 0
        for row, value in enumerate(result.values["knowledge"]):
            if isinstance(value, AnnotationFailure):
                failed["knowledge"] += 1
                knowledge.append([])
                continue
            knowledge.append([str(s) for turn in value for s in (turn or []) if str(s).strip()])
            rows.append(row)
        knowledge_rows = np.asarray(rows, dtype=np.int64)
    return Frames(
        ids=[d.id for d in dialogues],
        domains=np.array([d.domain or "unknown" for d in dialogues], dtype=object),
        scenario_ids=[d.scenario_id for d in dialogues],
        user_turns=[d.user_messages for d in dialogues],
        categorical=categorical,
        scalars=scalars,
        knowledge=knowledge,
        knowledge_rows=knowledge_rows,
        failed=failed,
    )


def align_labels(a: Categorical, b: Categorical) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Both count matrices over the union of their labels (same column order)."""
    labels = list(dict.fromkeys(a.labels + b.labels))
    out = []
    for cat in (a, b):
        matrix = np.zeros((cat.counts.shape[0], len(labels)))
        matrix[:, [labels.index(label) for label in cat.labels]] = cat.counts
        out.append(matrix)
    return labels, out[0], out[1]
