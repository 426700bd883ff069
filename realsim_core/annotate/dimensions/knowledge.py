"""Knowledge: what each user turn shows the user knows or does not know.

Card — measures: per user turn, statements "the user knows that/about …" and
"the user does not know about …". Unit: turn. Backends: ``local`` (default;
deterministic rules over questions, first-person claims, corrections and
technical terms, see realsim_core/annotate/offline/knowledge.py) and ``llm``
(also presuppositions and false beliefs). Compared across sets by MiniLM
cosine similarity. Reference: realsim paper §2.
"""

from __future__ import annotations

from typing import Any

from realsim_core.annotate._registry import Annotator, register_dimension


@register_dimension(
    "knowledge", unit="turn", kind="statements", llm_capable=True,
    description="statements of what the user knows / does not know, per user turn",
)
def make_knowledge(backend: str = "local", **options: Any) -> Annotator:
    if backend == "llm":
        from realsim_core.annotate.backends.llm import make_llm_annotator

        return make_llm_annotator("knowledge", **options)
    from realsim_core.annotate.offline import OfflineAnnotator

    return OfflineAnnotator("knowledge", **options)
