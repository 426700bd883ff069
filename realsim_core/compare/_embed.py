"""MiniLM embeddings of user turns and knowledge statements, grouped by dialogue.

Empty and whitespace-only turns are skipped: they carry no text to embed, and
a pile of identical empty-string vectors would make two corpora look alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Encoder = Callable[[list[str]], np.ndarray]


def default_encoder() -> Encoder:
    from realsim_core.embeddings import encode

    return encode


def embed_grouped(groups: Sequence[Sequence[str]], encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """Embed every non-empty text; return ``(vectors, group index of each vector)``.

    Identical texts are encoded once (simulators and copied dialogues repeat a lot).
    """
    texts, owner = [], []
    for g, items in enumerate(groups):
        for text in items:
            if text and text.strip():
                texts.append(text)
                owner.append(g)
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 384), dtype=np.float32), np.zeros(0, dtype=np.int64)
    vectors = encoder(unique)
    position = {t: i for i, t in enumerate(unique)}
    return vectors[[position[t] for t in texts]], np.asarray(owner, dtype=np.int64)
