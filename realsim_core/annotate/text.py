"""Shared text utilities for the annotators: sentence splitting and user text.

Sentences are cut with pysbd (rule-based, the segmenter spaCy's community
uses; no model and no download). Chat messages differ from edited prose, so
two things are added around it:

* line breaks end a sentence (pysbd already does this; users often skip the
  full stop and press Enter instead);
* URLs are shielded before segmenting and restored afterwards, because the
  ``?`` and ``.`` inside a URL would otherwise cut it in two.

Pieces without any letter or digit (``---``, a lone emoji line, ``...``) are
dropped: they carry no sentence for an emotion classifier. An empty or
whitespace-only message gives ``[]``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysbd import Segmenter

    from realsim_core.schema import Dialogue

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
_HAS_WORD = re.compile(r"\w", re.UNICODE)

#: Identifies the splitter in annotator fingerprints: a new pysbd version may cut differently.
SPLITTER_ID = f"pysbd-{version('pysbd')}+lines+urls"


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Split one message into sentences (stripped, in order; ``[]`` for empty text).

    >>> split_sentences("hi there\\nsee https://example.org/a?b=1 now. Thanks!")
    ['hi there', 'see https://example.org/a?b=1 now.', 'Thanks!']
    >>> split_sentences("   ")
    []
    """
    if not text or not text.strip():
        return []
    urls: list[str] = []

    def shield(match: re.Match[str]) -> str:
        urls.append(match.group(0))
        return _PLACEHOLDER.format(len(urls) - 1)

    shielded = _URL_RE.sub(shield, text)
    sentences = []
    for line in shielded.splitlines():
        if not line.strip():
            continue
        for piece in _segmenter().segment(line):
            piece = piece.strip()
            if piece and _HAS_WORD.search(_PLACEHOLDER_RE.sub("url", piece)):
                sentences.append(_PLACEHOLDER_RE.sub(lambda m: urls[int(m.group(1))], piece))
    return sentences


def user_text(dialogue: Dialogue) -> str:
    """All user messages of a dialogue joined by line breaks (empty ones skipped)."""
    return "\n".join(text for text in dialogue.user_messages if text.strip())
