"""Fréchet distance between embeddings of real and simulated user turns.

Card — measures: how far apart the two clouds of user-turn meanings are, as
the Fréchet (2-Wasserstein) distance between Gaussians fitted to MiniLM
embeddings of the non-empty user turns: ‖μ₁−μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½).
Unit: squared embedding distance (0 = same mean and covariance). Method: the
turns are projected onto the top ``k = 64`` principal components of the pooled
turns of both samples (the share of variance kept is recorded), so the
covariances are well conditioned with a few thousand turns and the bootstrap
can work on per-dialogue sufficient statistics (count, Σx, Σxxᵀ) with matrix
products. Reference: Heusel et al. (2017), FID, applied to sentence
embeddings. Limits: Gaussian summary of a multi-modal cloud; depends on the
embedding model; values across different projections are not comparable.
"""

from __future__ import annotations

import numpy as np

COMPONENTS = 64


def project(vectors: np.ndarray, k: int = COMPONENTS) -> tuple[np.ndarray, float]:
    """PCA projection of pooled vectors onto their top-k components; returns (projected, variance kept)."""
    centred = (vectors - vectors.mean(axis=0)).astype(np.float64)
    k = max(1, min(k, centred.shape[0] - 1, centred.shape[1]))
    # Eigen-decomposition of the d×d scatter matrix: far cheaper than an SVD of the n×d data.
    variances, axes = np.linalg.eigh(centred.T @ centred)
    top = np.argsort(variances)[::-1][:k]
    kept = float(variances[top].sum() / max(variances.clip(min=0).sum(), 1e-12))
    return centred @ axes[:, top], kept


def sufficient_stats(projected: np.ndarray, owner: np.ndarray, n_dialogues: int) -> np.ndarray:
    """Per-dialogue ``[count, Σx, vec(Σxxᵀ)]`` rows (dialogues without turns are zero rows)."""
    from scipy.sparse import csr_matrix

    k = projected.shape[1]
    rows = np.ones((len(projected), 1))
    outer = (projected[:, :, None] * projected[:, None, :]).reshape(len(projected), k * k)
    # Sum turns into their dialogues with one sparse product (np.add.at is ~10× slower).
    owner_matrix = csr_matrix((np.ones(len(owner)), (owner, np.arange(len(owner)))),
                              shape=(n_dialogues, len(owner)))
    return np.asarray(owner_matrix @ np.hstack([rows, projected, outer]))


def _moments(stats: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = int(round((-1 + np.sqrt(1 + 4 * (stats.shape[1] - 1))) / 2))
    agg = w @ stats
    count = agg[:, :1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = agg[:, 1 : 1 + k] / count
        second = agg[:, 1 + k :].reshape(-1, k, k) / count[:, :, None]
    cov = second - mean[:, :, None] * mean[:, None, :]
    return mean, cov


def frechet_stat(x: np.ndarray, y: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """Fréchet distance for B replicates from per-dialogue sufficient statistics."""
    mx, cx = _moments(x, wx)
    my, cy = _moments(y, wy)
    bad = ~(np.isfinite(mx).all(axis=1) & np.isfinite(my).all(axis=1))
    mx, my = np.nan_to_num(mx), np.nan_to_num(my)
    cx, cy = np.nan_to_num(cx), np.nan_to_num(cy)
    eig = np.linalg.eigvals(cx @ cy)
    cross = np.sqrt(np.clip(eig.real, 0.0, None)).sum(axis=1)
    trace = np.trace(cx, axis1=1, axis2=2) + np.trace(cy, axis1=1, axis2=2)
    value = ((mx - my) ** 2).sum(axis=1) + trace - 2.0 * cross
    value = np.clip(value, 0.0, None)
    value[bad] = np.nan
    return value
