"""Feedback: how each user turn reacts to the chatbot's previous reply.

Card — measures: per user turn, one or more of no_feedback, explicit_positive,
explicit_negative, regeneration_request, continuation_request,
clarification_request, provide_clarification (never empty; turn 1 is always
``no_feedback``, which never combines). Unit: turn. Backends: ``local``
(default; per tag, a logistic regression over the fine-tuned MiniLM's embedding
of the turn, its similarity to the previous turn, hashed word n-grams of the
turn and the previous turn and cue words, blended with a second fine-tuned
MiniLM that reads the turn with the previous one; a no-feedback gate over both
decides ``no_feedback``, see ``offline/gate.py``) and ``llm``.
Reference: realsim paper §2 and the annotation guide.
"""

from __future__ import annotations

from typing import Any

from realsim_core.annotate._registry import Annotator, register_dimension


@register_dimension(
    "feedback", unit="turn", kind="label_shares", llm_capable=True,
    description="reaction of each user turn to the previous chatbot reply (7 tags)",
)
def make_feedback(backend: str = "local", **options: Any) -> Annotator:
    if backend == "llm":
        from realsim_core.annotate.backends.llm import make_llm_annotator

        return make_llm_annotator("feedback", **options)
    from realsim_core.annotate.offline import OfflineAnnotator

    return OfflineAnnotator("feedback", **options)
