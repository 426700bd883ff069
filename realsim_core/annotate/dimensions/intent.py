"""Intent: the sub-goals of the requests in each user turn (Shelby et al. 2025 taxonomy).

Card — measures: per user turn, the union of the intent tags of its requests
(9 tags; ``[]`` when the turn holds no request, e.g. "ok thanks" or an empty
message). Unit: turn. Backends: ``local`` (default; a MiniLM fine-tuned on the reference labels,
its intent head blended with a hashed n-gram + cue-word logistic regression over its embedding, see
docs/annotators.md) and ``llm``.
Reference: realsim paper §2 and the annotation guide.
"""

from __future__ import annotations

from typing import Any

from realsim_core.annotate._registry import Annotator, register_dimension


@register_dimension(
    "intent", unit="turn", kind="label_shares", llm_capable=True,
    description="intent tags of the requests in each user turn (9-tag taxonomy)",
)
def make_intent(backend: str = "local", **options: Any) -> Annotator:
    if backend == "llm":
        from realsim_core.annotate.backends.llm import make_llm_annotator

        return make_llm_annotator("intent", **options)
    from realsim_core.annotate.offline import OfflineAnnotator

    return OfflineAnnotator("intent", **options)
