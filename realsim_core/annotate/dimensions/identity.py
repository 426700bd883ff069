"""Identity: what users disclose about themselves in a dialogue.

Card — measures: verbatim quotes of the user's own words per category
(demographic, physical, relationships, preferences, past, future, worldview;
empty lists when none). Unit: dialogue. Backends: ``local`` (default; each
first-person sentence scored by a hashed n-gram + cue logistic regression, the
sentence itself is the quote) and ``llm`` (clause-level quotes). Reference:
realsim paper §2 and the annotation guide. Limits: the offline quotes are
whole sentences, not clauses; compare category shares, not quote texts.
"""

from __future__ import annotations

from typing import Any

from realsim_core.annotate._registry import Annotator, register_dimension


@register_dimension(
    "identity", unit="dialogue", kind="label_shares", llm_capable=True,
    description="user self-disclosures quoted per identity category",
)
def make_identity(backend: str = "local", **options: Any) -> Annotator:
    if backend == "llm":
        from realsim_core.annotate.backends.llm import make_llm_annotator

        return make_llm_annotator("identity", **options)
    from realsim_core.annotate.offline import OfflineAnnotator

    return OfflineAnnotator("identity", **options)
