"""Domain level: each dimension's value per domain, and whether a simulator
reproduces how real behaviour varies across domains (Pearson r).

* Scalars (words, turns, errors, fk_grade, mtld): the domain mean; r is taken
  over the domains both samples cover.
* Categorical dimensions: the domain's label shares. r is taken over all
  (domain, label) cells after subtracting each label's mean share across
  domains, on each side separately — otherwise r would mostly say "common
  labels are common everywhere" instead of "this domain has more of it".
* CI: Fisher z, ``atanh(r) ± 1.96 / sqrt(k − 3)`` with k = **number of
  domains** (not cells: cells of one domain are not independent), so a
  categorical r gets an honest, wide interval. Needs k ≥ 4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from realsim_core.compare._frames import Categorical, Frames, align_labels
from realsim_core.compare._tvd import tvd_stat
from realsim_core.compare._wasserstein import w1_stat

TABLE3_COLUMNS = ["run", "against", "dimension", "metric", "r", "ci_low", "ci_high", "p_value", "n_domains", "n_points"]


def fisher_ci(r: float, k: int) -> tuple[float, float]:
    """95% CI of a Pearson r from k independent units (NaN when k < 4 or r undefined)."""
    if not np.isfinite(r) or k < 4:
        return float("nan"), float("nan")
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    half = 1.959963984540054 / np.sqrt(k - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def _pearson(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan"), float("nan")
    result = stats.pearsonr(a, b)
    return float(result.statistic), float(result.pvalue)


def _domain_shares(counts: np.ndarray, domains: np.ndarray, order: list[str]) -> np.ndarray:
    out = np.full((len(order), counts.shape[1]), np.nan)
    for d, domain in enumerate(order):
        total = counts[domains == domain].sum(axis=0)
        if total.sum() > 0:
            out[d] = total / total.sum()
    return out


def domain_tables(run_name: str, against_name: str, run: Frames, against: Frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(domains rows, table3 rows) for the scalar and categorical dimensions."""
    rows: list[dict[str, object]] = []
    table3: list[dict[str, object]] = []
    base = {"run": run_name, "against": against_name}
    for name in run.scalars.keys() & against.scalars.keys():
        (xv, xr), (yv, yr) = run.scalars[name], against.scalars[name]
        xd, yd = run.domains[xr], against.domains[yr]
        common = sorted(set(xd.tolist()) & set(yd.tolist()))
        means_x, means_y = [], []
        for domain in common:
            a, b = xv[xd == domain], yv[yd == domain]
            means_x.append(a.mean())
            means_y.append(b.mean())
            dist = float(w1_stat(a, b, np.ones((1, len(a))), np.ones((1, len(b))))[0])
            rows.append({**base, "domain": domain, "dimension": name, "label": "", "statistic": "mean",
                         "run_value": float(a.mean()), "against_value": float(b.mean()),
                         "distance_metric": "w1", "distance": dist, "n_run": len(a), "n_against": len(b)})
        r, p = _pearson(np.array(means_x), np.array(means_y))
        table3.append({**base, "dimension": name, "metric": "pearson_r_domain_means", "r": r,
                       **dict(zip(("ci_low", "ci_high"), fisher_ci(r, len(common)))),
                       "p_value": p, "n_domains": len(common), "n_points": len(common)})
    for name in run.categorical.keys() & against.categorical.keys():
        table3.append(_categorical_domains(name, base, run.categorical[name], against.categorical[name],
                                           run, against, rows))
    order = {"intent": 0, "feedback": 1, "emotion": 2, "identity": 3, "words": 5, "turns": 6,
             "errors": 7, "fk_grade": 8, "mtld": 9}
    t3 = pd.DataFrame(table3, columns=TABLE3_COLUMNS)
    t3 = t3.sort_values("dimension", key=lambda s: s.map(order)).reset_index(drop=True)
    return pd.DataFrame(rows), t3


def _categorical_domains(name: str, base: dict[str, object], cx: Categorical, cy: Categorical,
                         run: Frames, against: Frames, rows: list[dict[str, object]]) -> dict[str, object]:
    labels, mx, my = align_labels(cx, cy)
    xd, yd = run.domains[cx.rows], against.domains[cy.rows]
    common = sorted(set(xd.tolist()) & set(yd.tolist()))
    sx, sy = _domain_shares(mx, xd, common), _domain_shares(my, yd, common)
    for d, domain in enumerate(common):
        a, b = mx[xd == domain], my[yd == domain]
        dist = float(tvd_stat(a, b, np.ones((1, len(a))), np.ones((1, len(b))))[0])
        rows.append({**base, "domain": domain, "dimension": name, "label": "", "statistic": "",
                     "run_value": np.nan, "against_value": np.nan, "distance_metric": "tvd_x100",
                     "distance": dist, "n_run": len(a), "n_against": len(b)})
        for k, label in enumerate(labels):
            rows.append({**base, "domain": domain, "dimension": name, "label": label, "statistic": "share",
                         "run_value": float(sx[d, k]), "against_value": float(sy[d, k]),
                         "distance_metric": "", "distance": np.nan, "n_run": len(a), "n_against": len(b)})
    cx_c = sx - np.nanmean(sx, axis=0, keepdims=True) if common else sx
    cy_c = sy - np.nanmean(sy, axis=0, keepdims=True) if common else sy
    r, p = _pearson(cx_c.ravel(), cy_c.ravel())
    return {**base, "dimension": name, "metric": "pearson_r_domain_shares_centred", "r": r,
            **dict(zip(("ci_low", "ci_high"), fisher_ci(r, len(common)))),
            "p_value": p, "n_domains": len(common), "n_points": int(np.isfinite(cx_c).sum())}
