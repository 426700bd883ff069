"""Knowledge similarity with its uncertainty, per domain or per scenario pair.

Kept apart from the metric itself (``_knowledge``) because the resampling
plans differ between the two modes; see that module's card for the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realsim_core.compare._bootstrap import Assessment, resample_weights, split_masks
from realsim_core.compare._embed import Encoder, embed_grouped
from realsim_core.compare._frames import Frames
from realsim_core.compare._knowledge import (
    MAX_REPLICATES, directed_pair_matrix, iter_domains, per_domain_replicates,
)


@dataclass
class KnowledgeResult:
    assessment: Assessment
    per_domain: dict[str, tuple[float, int, int]]  # domain -> (similarity, n_run, n_against)
    mode: str


def _interval(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def _p_closer(observed: float, perm: np.ndarray) -> float:
    perm = perm[np.isfinite(perm)]
    if not np.isfinite(observed) or not perm.size:
        return float("nan")
    return float((1 + (perm <= observed + 1e-12).sum()) / (1 + perm.size))


def _embed(frames: Frames, encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    assert frames.knowledge is not None
    return embed_grouped(frames.knowledge, encoder)


def knowledge_per_domain(run: Frames, against: Frames, *, b: int, seed: int, encoder: Encoder) -> KnowledgeResult:
    ea, oa = _embed(run, encoder)
    eb, ob = _embed(against, encoder)
    r = min(b, MAX_REPLICATES)
    rng_boot, rng_noise, rng_perm = (np.random.default_rng([seed, 10 + k]) for k in range(3))
    dom_a, dom_b = run.domains[oa], against.domains[ob]
    values, boots, noises, perms, per_domain = [], [], [], [], {}
    for domain in iter_domains(dom_a, dom_b):
        sa, sb = dom_a == domain, dom_b == domain
        xa, xb = ea[sa], eb[sb]
        da, ia = np.unique(oa[sa], return_inverse=True)
        db, ib = np.unique(ob[sb], return_inverse=True)
        na, nb = len(da), len(db)
        value = float(per_domain_replicates(xa, ia, xb, ib, np.ones((1, na)), np.ones((1, nb)))[0])
        values.append(value)
        per_domain[domain] = (value, na, nb)
        wa = resample_weights(rng_boot, na, r)
        wb = resample_weights(rng_boot, nb, r)
        boots.append(per_domain_replicates(xa, ia, xb, ib, wa, wb))
        if nb >= 2:
            mask = split_masks(rng_noise, nb, r, nb // 2)
            noises.append(per_domain_replicates(xb, ib, xb, ib, mask, 1.0 - mask))
        pooled = np.concatenate([xa, xb])
        owners = np.concatenate([ia, ib + na])
        mask = split_masks(rng_perm, na + nb, r, na)
        perms.append(per_domain_replicates(pooled, owners, pooled, owners, mask, 1.0 - mask))
    if not values:
        nan = float("nan")
        return KnowledgeResult(Assessment(nan, nan, nan, nan, nan, nan, nan, 0, 0), {}, "per_domain")
    value = float(np.mean(values))
    boot = np.nanmean(np.vstack(boots), axis=0)
    noise = np.nanmean(np.vstack(noises), axis=0) if noises else np.full(1, np.nan)
    perm = np.nanmean(np.vstack(perms), axis=0)
    n_run = sum(v[1] for v in per_domain.values())
    n_against = sum(v[2] for v in per_domain.values())
    assessment = Assessment(
        value, *_interval(boot), float(np.nanmean(noise)), *_interval(noise), _p_closer(value, perm),
        n_run, n_against,
    )
    return KnowledgeResult(assessment, per_domain, "per_domain")


def knowledge_paired(run: Frames, against: Frames, *, b: int, seed: int, encoder: Encoder) -> KnowledgeResult:
    ea, oa = _embed(run, encoder)
    eb, ob = _embed(against, encoder)
    rng_boot, rng_noise, rng_perm = (np.random.default_rng([seed, 20 + k]) for k in range(3))
    by_scenario: dict[str, list[int]] = {}
    for j, sid in enumerate(against.scenario_ids):
        if sid is not None:
            by_scenario.setdefault(sid, []).append(j)
    pair_values, pair_domains, noise_parts, perm_parts, per_domain = [], [], [], [], {}
    for domain in iter_domains(run.domains[oa], against.domains[ob]):
        sa, sb = run.domains[oa] == domain, against.domains[ob] == domain
        da, ia = np.unique(oa[sa], return_inverse=True)
        db, ib = np.unique(ob[sb], return_inverse=True)
        s = ea[sa] @ eb[sb].T
        cross = 0.5 * (directed_pair_matrix(s, ia, ib, len(da), len(db))
                       + directed_pair_matrix(s.T, ib, ia, len(db), len(da)).T)
        sbb = eb[sb] @ eb[sb].T
        real = directed_pair_matrix(sbb, ib, ib, len(db), len(db))
        local_b = {int(g): k for k, g in enumerate(db)}
        pairs = [(i, local_b[j]) for i, g in enumerate(da) for j in by_scenario.get(run.scenario_ids[g] or "", [])
                 if j in local_b]
        if not pairs:
            continue
        ii, jj = np.array(pairs).T
        observed = cross[ii, jj]
        pair_values.append(observed)
        pair_domains += [domain] * len(pairs)
        per_domain[domain] = (float(np.nanmean(observed)), len(set(ii)), len(set(jj)))
        # Re-match each simulated dialogue to a random real one of the domain (permutation) ...
        perm_parts.append(cross[ii[None, :], rng_perm.integers(0, len(db), size=(b, len(pairs)))])
        # ... and each real dialogue to a random *other* real one (noise floor).
        if len(db) >= 2:
            other = (jj[None, :] + rng_noise.integers(1, len(db), size=(b, len(pairs)))) % len(db)
            noise_parts.append(0.5 * (real[jj[None, :], other] + real[other, jj[None, :]]))
    nan = float("nan")
    if not pair_values:
        return KnowledgeResult(Assessment(nan, nan, nan, nan, nan, nan, nan, 0, 0), {}, "paired")
    values = np.concatenate(pair_values)
    value = float(np.nanmean(values))
    weights = resample_weights(rng_boot, len(values), b)
    finite = np.isfinite(values)
    boot = (weights[:, finite] @ values[finite]) / weights[:, finite].sum(axis=1)
    perm = np.nanmean(np.hstack(perm_parts), axis=1)
    noise = np.nanmean(np.hstack(noise_parts), axis=1) if noise_parts else np.full(1, np.nan)
    n = int(finite.sum())
    assessment = Assessment(value, *_interval(boot), float(np.nanmean(noise)), *_interval(noise),
                            _p_closer(value, perm), n, n)
    return KnowledgeResult(assessment, per_domain, "paired")
