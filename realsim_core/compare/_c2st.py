"""Classifier two-sample test: can a classifier tell simulated from real turns?

Card — measures: the cross-validated ROC AUC of a logistic regression that
predicts "simulated" vs "real" from the MiniLM embedding of a user turn
(projected on the same 64 principal components as the Fréchet distance). 0.5
means the turns are indistinguishable; 1.0 means every simulated turn is
recognisable. Method: L2-regularised logistic regression (scikit-learn,
balanced class weights) with 5-fold cross-validation **grouped by dialogue**
(turns of one dialogue never sit in both training and test folds, so the
classifier cannot recognise a conversation instead of a kind of user);
AUC over the out-of-fold scores. CI: bootstrap over dialogues of the
out-of-fold scores (the classifier is not refitted). p-value: dialogue labels
permuted over the fixed out-of-fold scores. Noise floor: the same test between
two random halves of the ``against`` corpus (refitted, a few splits, as fits
are the expensive part). Reference: Lopez-Paz & Oquab (2017), "Revisiting
classifier two-sample tests". Limits: a linear probe on one embedding model —
0.5 means *this* probe finds no difference, not that none exists.
"""

from __future__ import annotations

import numpy as np

FOLDS = 5
NOISE_SPLITS = 3


def auc_stat(order_owner: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """Weighted AUC = P(score of an 'a' turn > score of a 'b' turn) for B replicates.

    ``order_owner[i]`` is the dialogue of the i-th turn in ascending score
    order; ``wa``/``wb`` are ``(B, n_dialogues)`` weights of the two groups.
    """
    ta = wa[:, order_owner]
    tb = wb[:, order_owner]
    below = np.cumsum(tb, axis=1) - tb  # b-weight strictly before each position
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ta * below).sum(axis=1) / (ta.sum(axis=1) * tb.sum(axis=1))


def out_of_fold_scores(vectors: np.ndarray, labels: np.ndarray, owner: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold decision scores of a grouped cross-validated logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    n_groups = len(np.unique(owner))
    folds = min(FOLDS, n_groups)
    if folds < 2 or len(np.unique(labels)) < 2:
        raise ValueError("the classifier test needs at least two dialogues on each side")
    scores = np.zeros(len(labels))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(vectors, labels, groups=owner):
        model = LogisticRegression(C=1.0, max_iter=500, class_weight="balanced")
        model.fit(vectors[train], labels[train])
        scores[test] = model.decision_function(vectors[test])
    return scores


def c2st_auc(vectors: np.ndarray, owner: np.ndarray, is_a: np.ndarray, seed: int) -> tuple[float, np.ndarray]:
    """Cross-validated AUC of group a (dialogue mask ``is_a``) vs the rest; also the score order."""
    labels = is_a[owner].astype(int)
    scores = out_of_fold_scores(vectors, labels, owner, seed)
    order_owner = owner[np.argsort(scores, kind="stable")]
    wa = is_a.astype(float)[None, :]
    return float(auc_stat(order_owner, wa, 1.0 - wa)[0]), order_owner
