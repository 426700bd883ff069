"""The annotator object the registry hands out for the offline backend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from realsim_core.annotate._registry import AnnotationFailure, AnnotatorSpec
from realsim_core.annotate.offline import infer
from realsim_core.annotate.offline.knowledge import turn_statements
from realsim_core.annotate.offline.model import model_digest
from realsim_core.annotate.offline.tuned import inference_precision
from realsim_core.schema import Dialogue

# Bump when decoding rules, features or the knowledge rules change.
OFFLINE_VERSION = "3"


def _knowledge_for(dialogues: Sequence[Dialogue]) -> list[list[list[str]]]:
    return [[turn_statements(text) for text in d.user_messages] for d in dialogues]


_RUNNERS: dict[str, Callable[[Sequence[Dialogue]], list[Any]]] = {
    "intent": infer.intent_for,
    "feedback": infer.feedback_for,
    "identity": infer.identity_for,
    "knowledge": _knowledge_for,
}
_ENCODED = ("intent", "feedback")  # the dimensions that run the fine-tuned encoders
_METHODS = {
    "intent": "fine-tuned minilm head blended with minilm+cues+hashed n-grams logistic regression",
    "feedback": ("fine-tuned (turn, previous turn) minilm head blended with minilm+cues+hashed n-grams "
                 "logistic regression, no-feedback gate over both"),
    "identity": "first-person sentences, cues+hashed n-grams logistic regression",
    "knowledge": "rules",
}


class OfflineAnnotator:
    """Offline annotator of one dimension; the model file's hash is in the spec,
    so retraining invalidates cached values."""

    def __init__(self, dimension: str, **options: Any) -> None:
        if dimension not in _RUNNERS:
            raise ValueError(f"no offline annotator for {dimension!r}; known: {', '.join(_RUNNERS)}")
        if options:
            raise ValueError(f"the offline {dimension} annotator takes no options (got {', '.join(sorted(options))})")
        self.dimension = dimension
        digest = model_digest(dimension) if dimension != "knowledge" else "rules"
        params: dict[str, Any] = {"model_sha": digest}
        if dimension in _ENCODED:  # bf16 and fp32 passes can differ on a few turns: cached apart
            params["encoder_precision"] = inference_precision()
        self.spec = AnnotatorSpec(
            dimension=dimension, backend="local", version=OFFLINE_VERSION, model=_METHODS[dimension],
            params=params,
        )

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[Any | AnnotationFailure]:
        """One value per dialogue (turn-level: one entry per user message)."""
        return _RUNNERS[self.dimension](dialogues)
