"""Shipped linear multi-label models: load, score, save.

A model is one ``.npz`` of plain numeric arrays (standardisation of the dense
features, one logistic-regression weight row per tag over the dense block and
over the hashed n-gram buckets — the latter stored sparse —, per-tag decision
thresholds, for feedback the no-feedback gate) plus the tag names; no
pickles, no vocabulary and no text from the corpus. Loaded models are cached
per process.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from realsim_core.annotate.offline.gate import gate_proba

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILES = {"intent": "intent.npz", "feedback": "feedback.npz", "identity": "identity.npz"}
# Fine-tuned MiniLM layers + heads: intent's turn encoder (its embeddings also feed feedback's linear
# model) and feedback's encoder of (turn, previous user message) pairs.
ENCODER_FILES = {"intent": "turn_encoder.safetensors", "feedback": "feedback_encoder.safetensors"}
ENCODERS_USED = {"intent": ("intent",), "feedback": ("intent", "feedback")}  # which encoders each model reads


class ModelMissingError(RuntimeError):
    """The fitted model file is absent (run `make train-annotators`)."""


@dataclass(frozen=True)
class LinearModel:
    """Standardise the dense block (times ``dense_weight``), add the hashed block,
    one sigmoid per tag; ``thresholds`` turn scores into tags."""

    tags: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (n_tags, n_dense)
    hashed_coef: sp.csr_matrix  # (n_tags, n_buckets)
    intercept: np.ndarray  # (n_tags,)
    thresholds: np.ndarray  # (n_tags,) applied to :meth:`blend`'s scores
    dense_weight: float = 1.0
    head_weight: float = 0.0  # share of the turn encoder's own head scores in :meth:`blend`
    # Feedback only: the no-feedback gate over this model's and the head's scores (:mod:`.gate`); empty = none.
    gate_coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gate_intercept: float = 0.0
    gate_threshold: float = 0.5

    @property
    def has_gate(self) -> bool:
        return self.gate_coef.size > 0

    def no_feedback_proba(self, linear: np.ndarray, head: np.ndarray) -> np.ndarray | None:
        """Per row, the gate's probability of no reaction (None for a model without a gate)."""
        if not self.has_gate:
            return None
        return gate_proba(self.gate_coef, self.gate_intercept, linear, head)

    def proba(self, dense: np.ndarray, hashed: sp.spmatrix) -> np.ndarray:
        """(n, n_tags) probabilities."""
        if dense.shape[1] != self.coef.shape[1] or hashed.shape[1] != self.hashed_coef.shape[1]:
            raise ValueError(
                f"feature widths {dense.shape[1]}+{hashed.shape[1]} do not match the model's "
                f"{self.coef.shape[1]}+{self.hashed_coef.shape[1]}; retrain with `make train-annotators`"
            )
        z = (((dense - self.mean) / self.scale) * self.dense_weight) @ self.coef.T
        z = z + np.asarray((hashed @ self.hashed_coef.T).todense()) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def blend(self, linear: np.ndarray, head: np.ndarray | None) -> np.ndarray:
        """Scores the thresholds apply to: ``head_weight`` × encoder head + the rest × this model.

        Why a blend: the fine-tuned encoder's head and the linear model over
        n-grams and cues make different mistakes; the weight is chosen on
        out-of-fold scores at training time.
        """
        if self.head_weight == 0.0:
            return linear
        if head is None or head.shape != linear.shape:
            raise ValueError("this model blends in the turn encoder's head scores; pass them with the same shape")
        return self.head_weight * head + (1.0 - self.head_weight) * linear

    def save(self, path: Path) -> None:
        """Write a byte-reproducible ``.npz`` (fixed zip timestamps), readable by ``np.load``."""
        hashed = sp.csr_matrix(self.hashed_coef, dtype=np.float32)
        hashed.eliminate_zeros()
        arrays = {
            "tags": np.array(self.tags, dtype="U64"), "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32), "coef": self.coef.astype(np.float32),
            "hashed_data": hashed.data.astype(np.float32), "hashed_indices": hashed.indices.astype(np.int32),
            "hashed_indptr": hashed.indptr.astype(np.int32),
            "hashed_shape": np.asarray(hashed.shape, dtype=np.int64),
            "intercept": self.intercept.astype(np.float32), "thresholds": self.thresholds.astype(np.float32),
            "dense_weight": np.asarray([self.dense_weight], dtype=np.float32),
            "head_weight": np.asarray([self.head_weight], dtype=np.float32),
        }
        if self.has_gate:
            arrays.update(gate_coef=self.gate_coef.astype(np.float32),
                          gate_scalars=np.asarray([self.gate_intercept, self.gate_threshold], dtype=np.float32))
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
        if "hashed_data" not in data or "head_weight" not in data:
            raise ModelMissingError(f"offline model {path} has an old format; run `make train-annotators`")
        gate = {}
        if "gate_coef" in data:
            gate = {"gate_coef": data["gate_coef"], "gate_intercept": float(data["gate_scalars"][0]),
                    "gate_threshold": float(data["gate_scalars"][1])}
        hashed = sp.csr_matrix(
            (data["hashed_data"], data["hashed_indices"], data["hashed_indptr"]),
            shape=tuple(int(n) for n in data["hashed_shape"]),
        )
        return LinearModel(
            tags=tuple(str(t) for t in data["tags"]), mean=data["mean"], scale=data["scale"],
            coef=data["coef"], hashed_coef=hashed, intercept=data["intercept"], thresholds=data["thresholds"],
            dense_weight=float(data["dense_weight"][0]), head_weight=float(data["head_weight"][0]), **gate,
        )


@lru_cache(maxsize=None)
def load_model(name: str) -> LinearModel:
    """The shipped model of ``name`` (intent, feedback, identity), cached per process."""
    if name not in MODEL_FILES:
        raise ValueError(f"no offline model {name!r}; known: {', '.join(MODEL_FILES)}")
    return read_model(MODELS_DIR / MODEL_FILES[name])


def model_digest(name: str) -> str:
    """Short content hash of the model file (and, for turn models, of the turn encoder): the cache fingerprint."""
    paths = [MODELS_DIR / MODEL_FILES[name]] + [MODELS_DIR / ENCODER_FILES[e] for e in ENCODERS_USED.get(name, ())]
    if not all(p.exists() for p in paths):
        return "missing"
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
