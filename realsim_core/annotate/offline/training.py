"""Linear multi-label models: fitting, threshold tuning, and the identity model's CV.

The turn models (intent, feedback) use these pieces on top of the fine-tuned
encoder; their protocol is in :mod:`.turn_training`.

Method: per tag, an L2 logistic regression (one-vs-rest, liblinear) over the
standardised dense features (scaled down by a fixed weight so they do not
swamp the sparse block) and the hashed n-gram buckets. Decision
thresholds are tuned per tag for F1 on out-of-fold scores of the training
data (inner GroupKFold), so the thresholds never see the fold they are scored
on. Quality is measured by an outer GroupKFold by dialogue with a fixed seed;
every fit is deterministic (liblinear with a fixed seed, fixed folds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from realsim_core.annotate.offline.decode import (
    IDENTITY_CATEGORIES,
    NO_INTENT,
    decode_feedback,
    decode_intent,
)
from realsim_core.annotate.offline.features import sentence_features, sentence_hashed
from realsim_core.annotate.offline.infer import candidate_sentences
from realsim_core.annotate.offline.metrics import array_f1
from realsim_core.annotate.offline.model import LinearModel
from realsim_core.annotate.offline.reference import Labelled

SEED = 0
OUTER_FOLDS = 5
INNER_FOLDS = 3
# Inverse L2 strength and weight of the standardised dense block per model, chosen
# once by grouped CV (C over {1, 3, 10}; weight over {0.02, 0.03, 0.05, 0.1, 0.3}).
C_VALUES = {"intent": 3.0, "feedback": 3.0, "identity": 3.0}
DENSE_WEIGHTS = {"intent": 0.05, "feedback": 0.05, "identity": 0.1}
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


@dataclass
class Dataset:
    """Dense and hashed features, 0/1 targets and the dialogue index of every row."""

    X: np.ndarray
    H: sp.csr_matrix
    Y: np.ndarray
    groups: np.ndarray
    tags: tuple[str, ...]
    kind: str = "intent"  # intent | feedback | identity: picks the decoding the thresholds are tuned for
    texts: tuple[str, ...] = ()

    def subset(self, rows: np.ndarray) -> Dataset:
        texts = tuple(self.texts[i] for i in rows) if self.texts else ()
        return Dataset(self.X[rows], self.H[rows], self.Y[rows], self.groups[rows], self.tags, self.kind, texts)


def sentence_dataset(refs: Sequence[Labelled]) -> Dataset:
    """One row per first-person candidate sentence; a category is positive when
    one of the dialogue's quotes of that category overlaps the sentence."""
    rows, turn_idx, groups, targets = [], [], [], []
    for g, ref in enumerate(refs):
        users = ref.dialogue.user_messages
        spans: dict[str, list[tuple[int, int, int]]] = {c: [] for c in IDENTITY_CATEGORIES}
        for category in IDENTITY_CATEGORIES:
            for quote in ref.identity.get(category, []):
                for k, text in enumerate(users):
                    at = text.find(quote)
                    if at >= 0:
                        spans[category].append((k, at, at + len(quote)))
        for sentence, k, start, end in candidate_sentences(ref.dialogue):
            rows.append(sentence)
            turn_idx.append(k)
            groups.append(g)
            targets.append([int(any(k == qk and qs < end and start < qe for qk, qs, qe in spans[c]))
                            for c in IDENTITY_CATEGORIES])
    return Dataset(sentence_features(rows, turn_idx), sentence_hashed(rows), np.asarray(targets, dtype=np.int8),
                   np.asarray(groups), IDENTITY_CATEGORIES, "identity")


def _folds(groups: np.ndarray, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def fit_linear(data: Dataset, C: float, dense_weight: float, thresholds: np.ndarray) -> LinearModel:
    """One logistic regression per tag column over [standardised dense × weight, hashed]."""
    mean = data.X.mean(axis=0)
    scale = data.X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    design = sp.hstack([sp.csr_matrix((data.X - mean) / scale * dense_weight), data.H], format="csr")
    n_dense = data.X.shape[1]
    coef = np.zeros((data.Y.shape[1], design.shape[1]))
    intercept = np.full(data.Y.shape[1], -10.0)
    for j in range(data.Y.shape[1]):
        if 0 < data.Y[:, j].sum() < len(data.Y):
            clf = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=SEED)
            clf.fit(design, data.Y[:, j])
            coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
    return LinearModel(tuple(data.tags), mean, scale, coef[:, :n_dense], sp.csr_matrix(coef[:, n_dense:]),
                       intercept, np.asarray(thresholds, dtype=float), dense_weight)


def out_of_fold(data: Dataset, C: float, dense_weight: float, n_splits: int) -> np.ndarray:
    """Scores of every row from a model that did not see its dialogue."""
    proba = np.zeros(data.Y.shape)
    dummy = np.full(len(data.tags), 0.5)
    for train, test in _folds(data.groups, n_splits):
        model = fit_linear(data.subset(train), C, dense_weight, dummy)
        proba[test] = model.proba(data.X[test], data.H[test])
    return proba


def tune_thresholds(proba: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per column, the grid threshold with the best F1 (lowest on ties)."""
    out = np.full(Y.shape[1], 0.5)
    for j in range(Y.shape[1]):
        best = -1.0
        for t in THRESHOLD_GRID:
            pred = proba[:, j] >= t
            tp = int((pred & (Y[:, j] == 1)).sum())
            denom = int(pred.sum()) + int(Y[:, j].sum())
            f1 = 2 * tp / denom if denom else 0.0
            if f1 > best + 1e-12:
                best, out[j] = f1, t
    return out


def _decoded_f1(data: Dataset, proba: np.ndarray, thresholds: np.ndarray) -> float:
    """The target the thresholds serve, from the decoded output.

    Intent: micro-F1 over the 9 tags. Identity: micro-F1 of category presence
    per dialogue. Feedback: the mean of the micro-F1 over all 7 tags (with the
    implied ``no_feedback``), the F1 of ``no_feedback`` and the F1 of
    ``regeneration_request`` — the two tags users read most (and that the
    quality targets name); micro-F1 alone let regeneration recall sink to 0.44.
    """
    if data.kind == "identity":
        groups = np.unique(data.groups)
        top = np.stack([proba[data.groups == g].max(axis=0) for g in groups])
        truth = np.stack([data.Y[data.groups == g].max(axis=0) for g in groups]).astype(bool)
        pred = top >= thresholds
    else:
        if data.kind == "intent":
            decoded = decode_intent(proba, thresholds, data.texts)
            tags = data.tags[:-1]
            true_sets = [[t for t, y in zip(data.tags, row) if y and t != NO_INTENT] for row in data.Y]
        else:
            decoded = decode_feedback(proba, thresholds, [1] * len(proba))
            tags = ("no_feedback", *data.tags)
            true_sets = [[t for t, y in zip(data.tags, row) if y] or ["no_feedback"] for row in data.Y]
        pred = np.array([[t in d for t in tags] for d in decoded])
        truth = np.array([[t in d for t in tags] for d in true_sets])
    micro = array_f1(pred, truth)
    if data.kind != "feedback":
        return micro
    regeneration = tags.index("regeneration_request")
    no_feedback = array_f1(pred[:, 0], truth[:, 0])
    return (micro + no_feedback + array_f1(pred[:, regeneration], truth[:, regeneration])) / 3


def tune_decoded(data: Dataset, proba: np.ndarray, passes: int = 2) -> np.ndarray:
    """Coordinate ascent on the thresholds for :func:`_decoded_f1`, from per-tag F1 optima."""
    thresholds = tune_thresholds(proba, data.Y)
    best = _decoded_f1(data, proba, thresholds)
    for _ in range(passes):
        for j in range(len(thresholds)):
            for t in THRESHOLD_GRID:
                trial = thresholds.copy()
                trial[j] = t
                score = _decoded_f1(data, proba, trial)
                if score > best + 1e-12:
                    best, thresholds = score, trial
    return thresholds


def fit_model(data: Dataset, name: str) -> LinearModel:
    """Thresholds from inner out-of-fold scores, weights from all rows; ``name`` picks C and the dense weight."""
    C, weight = C_VALUES[name], DENSE_WEIGHTS[name]
    thresholds = tune_decoded(data, out_of_fold(data, C, weight, INNER_FOLDS))
    return fit_linear(data, C, weight, thresholds)


def cv_identity_presence(data: Dataset, n_dialogues: int) -> np.ndarray:
    """(n_dialogues, 7) 0/1 predicted category presence from the outer CV."""
    presence = np.zeros((n_dialogues, len(IDENTITY_CATEGORIES)), dtype=np.int8)
    for train, test in _folds(data.groups, OUTER_FOLDS):
        model = fit_model(data.subset(train), "identity")
        hits = model.proba(data.X[test], data.H[test]) >= model.thresholds
        for row, g in zip(hits, data.groups[test]):
            presence[g] |= row.astype(np.int8)
    return presence
