"""Shipped linear multi-label models: load, score, save.

A model is one ``.npz`` of plain numeric arrays (standardisation, one
logistic-regression weight row per tag, per-tag decision thresholds) plus the
tag names; no pickles and no text from the corpus. Loaded models are cached
per process.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILES = {"intent": "intent.npz", "feedback": "feedback.npz", "identity": "identity.npz"}


class ModelMissingError(RuntimeError):
    """The fitted model file is absent (run `make train-annotators`)."""


@dataclass(frozen=True)
class LinearModel:
    """Standardise, then one sigmoid per tag; ``thresholds`` turn scores into tags."""

    tags: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (n_tags, n_features)
    intercept: np.ndarray  # (n_tags,)
    thresholds: np.ndarray  # (n_tags,)

    def proba(self, features: np.ndarray) -> np.ndarray:
        """(n, n_tags) probabilities."""
        if features.shape[1] != self.coef.shape[1]:
            raise ValueError(
                f"feature width {features.shape[1]} does not match the model's {self.coef.shape[1]}; "
                "retrain with `make train-annotators`"
            )
        z = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def save(self, path: Path) -> None:
        """Write a byte-reproducible ``.npz`` (fixed zip timestamps), readable by ``np.load``."""
        arrays = {
            "tags": np.array(self.tags, dtype="U64"), "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32), "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32), "thresholds": self.thresholds.astype(np.float32),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, buffer.getvalue())


def read_model(path: Path) -> LinearModel:
    """Load a model file (pickles refused)."""
    if not path.exists():
        raise ModelMissingError(f"offline model {path} is missing; run `make train-annotators`")
    with np.load(path, allow_pickle=False) as data:
        return LinearModel(
            tags=tuple(str(t) for t in data["tags"]), mean=data["mean"], scale=data["scale"],
            coef=data["coef"], intercept=data["intercept"], thresholds=data["thresholds"],
        )


@lru_cache(maxsize=None)
def load_model(name: str) -> LinearModel:
    """The shipped model of ``name`` (intent, feedback, identity), cached per process."""
    if name not in MODEL_FILES:
        raise ValueError(f"no offline model {name!r}; known: {', '.join(MODEL_FILES)}")
    return read_model(MODELS_DIR / MODEL_FILES[name])


def model_digest(name: str) -> str:
    """Short content hash of the model file: part of the cache fingerprint."""
    path = MODELS_DIR / MODEL_FILES[name]
    if not path.exists():
        return "missing"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
