"""Turn classifier scores into tags, with the guide's hard rules.

Shared by inference and cross-validation so the reported numbers measure
exactly what ships. Rules (from the annotation guide): an empty message has no
intent; a turn with a request gets at least its most likely intent; turn 1's
feedback is always ``no_feedback``, which never combines with another tag.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

INTENT_TAGS = (
    "info_retrieval", "info_discovery", "info_understanding", "info_distillation", "info_analysis",
    "method_guidance", "content_generation", "content_modification", "system_management",
)
NO_INTENT = "none"  # model-only pseudo tag for "no request in this turn" → []
FEEDBACK_TAGS = (
    "explicit_positive", "explicit_negative", "regeneration_request", "continuation_request",
    "clarification_request", "provide_clarification",
)
NO_FEEDBACK = "no_feedback"
ALL_FEEDBACK_TAGS = (NO_FEEDBACK, *FEEDBACK_TAGS)
IDENTITY_CATEGORIES = ("demographic", "physical", "relationships", "preferences", "past", "future", "worldview")
INTENT_MODEL_TAGS = (*INTENT_TAGS, NO_INTENT)


def decode_intent(proba: np.ndarray, thresholds: np.ndarray, texts: Sequence[str]) -> list[list[str]]:
    """Rows of ``proba`` follow :data:`INTENT_MODEL_TAGS`; one tag list per text."""
    out: list[list[str]] = []
    none_col = INTENT_MODEL_TAGS.index(NO_INTENT)
    for row, text in zip(proba, texts):
        if not text.strip() or row[none_col] >= thresholds[none_col]:
            out.append([])
            continue
        scores = row[:none_col]
        chosen = [tag for tag, p, t in zip(INTENT_TAGS, scores, thresholds[:none_col]) if p >= t]
        out.append(chosen or [INTENT_TAGS[int(np.argmax(scores))]])
    return out


def gated_feedback(
    no_feedback: np.ndarray, no_feedback_threshold: float, proba: np.ndarray, thresholds: np.ndarray
) -> np.ndarray:
    """(n, 7) booleans over :data:`ALL_FEEDBACK_TAGS` for later turns, decoded with a gate.

    The gate (``no_feedback``: each row's probability of no reaction, see
    :mod:`.gate`) decides ``no_feedback``; a turn it lets through gets the
    tags over their thresholds, else its likeliest tag. Array form, so
    threshold tuning decodes exactly as inference does.
    """
    silent = np.asarray(no_feedback) >= no_feedback_threshold
    tags = np.asarray(proba) >= thresholds
    none = ~tags.any(axis=1)
    tags[none, np.argmax(np.asarray(proba)[none], axis=1)] = True
    return np.column_stack([silent, tags & ~silent[:, None]])


def decode_feedback(
    proba: np.ndarray, thresholds: np.ndarray, positions: Sequence[int],
    no_feedback: np.ndarray | None = None, no_feedback_threshold: float = 0.5,
) -> list[list[str]]:
    """Rows of ``proba`` follow :data:`FEEDBACK_TAGS`; ``positions`` are 0-based turn indices.

    Without a gate (``no_feedback`` None), a later turn gets the tags over
    their thresholds, ``no_feedback`` when none clears. With one, see
    :func:`gated_feedback`.
    """
    if no_feedback is not None:
        rows = gated_feedback(no_feedback, no_feedback_threshold, proba, thresholds)
        return [[NO_FEEDBACK] if position == 0 else [t for t, on in zip(ALL_FEEDBACK_TAGS, row) if on]
                for row, position in zip(rows, positions)]
    out: list[list[str]] = []
    for row, position in zip(proba, positions):
        if position == 0:
            out.append([NO_FEEDBACK])
            continue
        chosen = [tag for tag, p, t in zip(FEEDBACK_TAGS, row, thresholds) if p >= t]
        out.append(chosen or [NO_FEEDBACK])
    return out


def empty_identity() -> dict[str, list[str]]:
    return {category: [] for category in IDENTITY_CATEGORIES}


def decode_identity(
    proba: np.ndarray, thresholds: np.ndarray, sentences: Sequence[str], limit: int = 5
) -> dict[str, list[str]]:
    """Quotes per category for one dialogue: its sentences scoring over the threshold.

    At most ``limit`` quotes per category (the most confident), in dialogue
    order, without repeats.
    """
    result = empty_identity()
    for c, category in enumerate(IDENTITY_CATEGORIES):
        if not len(sentences):
            break
        hits = [i for i in np.argsort(-proba[:, c], kind="stable") if proba[i, c] >= thresholds[c]][:limit]
        quotes: list[str] = []
        for i in sorted(hits):
            if sentences[i] not in quotes:
                quotes.append(sentences[i])
        result[category] = quotes
    return result
