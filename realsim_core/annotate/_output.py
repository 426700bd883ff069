"""Assemble per-dimension values into the documented per-dialogue record.

``{"id", "length", "linguistic", "errors", "identity", "turns": [{"turn": 1,
"intent": [...], "feedback": [...], "emotion": [...], "knowledge": [...]}]}``;
``turns`` has one entry per user message, numbered from 1. A failed dimension
appears as ``{"error": "..."}`` (dialogue level) or under ``"failed"`` so a
reader never mistakes a failure for an empty annotation.
"""

from __future__ import annotations

from typing import Any

from realsim_core.annotate._registry import DIMENSIONS, AnnotationFailure
from realsim_core.annotate._runner import AnnotationResult


def dialogue_records(result: AnnotationResult) -> list[dict[str, Any]]:
    """One JSON-ready record per dialogue, in input order."""
    records = []
    for i, dialogue in enumerate(result.dialogues):
        record: dict[str, Any] = {"id": dialogue.id}
        turns = [{"turn": k + 1} for k in range(len(dialogue.user_messages))]
        failed: dict[str, str] = {}
        for name, values in result.values.items():
            value = values[i]
            if isinstance(value, AnnotationFailure):
                failed[name] = value.error
                continue
            if DIMENSIONS[name].unit in ("turn", "sentence"):
                for turn, turn_value in zip(turns, value):
                    turn[name] = turn_value
            else:
                record[name] = value
        if any(DIMENSIONS[n].unit != "dialogue" for n in result.values):
            record["turns"] = turns
        if failed:
            record["failed"] = failed
        records.append(record)
    return records
