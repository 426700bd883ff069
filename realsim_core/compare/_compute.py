"""Compare two annotated samples: every distance with its uncertainty.

Pure computation on :class:`Frames` (no store, no annotation), so tests and
the benchmark can drive it with any data; ``_api`` adds annotation, caching
and persistence around it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from realsim_core.compare._bootstrap import assess, resample_weights, split_masks
from realsim_core.compare._c2st import NOISE_SPLITS, auc_stat, c2st_auc
from realsim_core.compare._domains import domain_tables
from realsim_core.compare._embed import Encoder, embed_grouped
from realsim_core.compare._frames import Frames, align_labels
from realsim_core.compare._frechet import COMPONENTS, frechet_stat, project, sufficient_stats
from realsim_core.compare._knowledge_run import knowledge_paired, knowledge_per_domain
from realsim_core.compare._result import ComparisonResult
from realsim_core.compare._tables import table1, table2, table2_row
from realsim_core.compare._tvd import tvd_stat
from realsim_core.compare._wasserstein import w1_stat

COMPARE_VERSION = "1"
FRECHET_MAX_REPLICATES = 200


class CompareSettings(BaseModel):
    """Everything besides the annotations that determines a comparison's numbers."""

    model_config = ConfigDict(frozen=True)

    seed: int = 0
    bootstrap: int = Field(default=1000, ge=10, le=100_000)
    paired: bool = False
    embeddings: bool = True  # knowledge, Fréchet and C2ST need MiniLM
    compare_version: str = COMPARE_VERSION


def _failed(run: Frames, against: Frames, name: str) -> tuple[int, int]:
    return run.failed.get(name, 0), against.failed.get(name, 0)


def _distribution_rows(run_name: str, against_name: str, run: Frames, against: Frames,
                       s: CompareSettings) -> list[dict[str, object]]:
    rows = []
    for dim in ("intent", "feedback", "emotion", "identity"):
        if dim not in run.categorical or dim not in against.categorical:
            rows.append(table2_row(run_name, against_name, dim, None, note=f"{dim} not annotated"))
            continue
        _, cx, cy = align_labels(run.categorical[dim], against.categorical[dim])
        a = assess(tvd_stat, cx, cy, b=s.bootstrap, seed=s.seed)
        rows.append(table2_row(run_name, against_name, dim, a, failed=_failed(run, against, dim),
                               replicates=s.bootstrap))
    for name in ("words", "turns", "errors", "fk_grade", "mtld"):
        if name not in run.scalars or name not in against.scalars:
            rows.append(table2_row(run_name, against_name, name, None, note=f"{name} not annotated"))
            continue
        a = assess(w1_stat, run.scalars[name][0], against.scalars[name][0], b=s.bootstrap, seed=s.seed)
        rows.append(table2_row(run_name, against_name, name, a, failed=_failed(run, against, name),
                               replicates=s.bootstrap))
    return rows


def _embedding_rows(run_name: str, against_name: str, run: Frames, against: Frames, s: CompareSettings,
                    encoder: Encoder, provenance: dict[str, object]) -> list[dict[str, object]]:
    rows = []
    va, oa = embed_grouped(run.user_turns, encoder)
    vb, ob = embed_grouped(against.user_turns, encoder)
    if len(np.unique(oa)) < 2 or len(np.unique(ob)) < 2:
        note = "needs at least two dialogues with non-empty user turns on each side"
        return [table2_row(run_name, against_name, d, None, note=note) for d in ("frechet", "c2st_auc")]
    projected, kept = project(np.vstack([va, vb]), COMPONENTS)
    provenance["frechet_variance_kept"] = round(kept, 4)
    xa = sufficient_stats(projected[: len(va)], oa, run.n)
    xb = sufficient_stats(projected[len(va):], ob, against.n)
    xa, xb = xa[xa[:, 0] > 0], xb[xb[:, 0] > 0]
    r = min(s.bootstrap, FRECHET_MAX_REPLICATES)
    rows.append(table2_row(run_name, against_name, "frechet", assess(frechet_stat, xa, xb, b=r, seed=s.seed),
                           replicates=r))
    # The probe uses the same 64-component projection: 6× cheaper fits, same information Fréchet sees.
    rows.append(_c2st_row(run_name, against_name, projected[: len(va)], oa, projected[len(va):], ob, run.n, s))
    return rows


def _c2st_row(run_name: str, against_name: str, va: np.ndarray, oa: np.ndarray, vb: np.ndarray,
              ob: np.ndarray, n_run: int, s: CompareSettings) -> dict[str, object]:
    from realsim_core.compare._bootstrap import Assessment, interval

    vectors = np.vstack([va, vb])
    owner_all = np.concatenate([oa, ob + n_run])
    used, owner = np.unique(owner_all, return_inverse=True)
    is_a = used < n_run
    value, order_owner = c2st_auc(vectors, owner, is_a, s.seed)
    rng_boot, rng_noise, rng_perm = (np.random.default_rng([s.seed, 30 + k]) for k in range(3))
    na, nb = int(is_a.sum()), int((~is_a).sum())
    wa = np.zeros((s.bootstrap, len(used)))
    wb = np.zeros_like(wa)
    wa[:, is_a] = resample_weights(rng_boot, na, s.bootstrap)
    wb[:, ~is_a] = resample_weights(rng_boot, nb, s.bootstrap)
    ci = interval(auc_stat(order_owner, wa, wb))
    mask = split_masks(rng_perm, len(used), s.bootstrap, na)
    perm = auc_stat(order_owner, mask, 1.0 - mask)
    p_value = float((1 + (perm >= value - 1e-12).sum()) / (1 + perm.size))
    # Noise floor: refit on random halves of the against side (few splits: fits dominate the cost).
    sub = np.flatnonzero(~is_a[owner])
    sub_owner = np.unique(owner[sub], return_inverse=True)[1]
    noise = []
    for _ in range(NOISE_SPLITS):
        half = split_masks(rng_noise, sub_owner.max() + 1, 1, (sub_owner.max() + 1) // 2)[0] > 0
        noise.append(c2st_auc(vectors[sub], sub_owner, half, s.seed)[0])
    noise_arr = np.array(noise)
    a = Assessment(value, *ci, float(noise_arr.mean()), float(noise_arr.min()), float(noise_arr.max()),
                   p_value, na, nb)
    return table2_row(run_name, against_name, "c2st_auc", a, replicates=s.bootstrap,
                      note=f"noise range over {NOISE_SPLITS} refitted splits")


def compare_frames(run_name: str, against_name: str, run: Frames, against: Frames,
                   settings: CompareSettings | None = None, encoder: Encoder | None = None) -> ComparisonResult:
    """All tables for ``run`` vs ``against`` (``encoder`` defaults to MiniLM when embeddings are on)."""
    s = settings or CompareSettings()
    provenance: dict[str, object] = {}
    rows = _distribution_rows(run_name, against_name, run, against, s)
    domains, t3 = domain_tables(run_name, against_name, run, against)
    domain_frames = [domains]
    if s.embeddings:
        if encoder is None:
            from realsim_core.compare._embed import default_encoder

            encoder = default_encoder()
        rows += _embedding_rows(run_name, against_name, run, against, s, encoder, provenance)
        if run.knowledge is not None and against.knowledge is not None:
            fn = knowledge_paired if s.paired else knowledge_per_domain
            k = fn(run, against, b=s.bootstrap, seed=s.seed, encoder=encoder)
            rows.append(table2_row(run_name, against_name, "knowledge", k.assessment,
                                   failed=_failed(run, against, "knowledge"), note=f"mode={k.mode}",
                                   replicates=min(s.bootstrap, 200) if k.mode == "per_domain" else s.bootstrap))
            domain_frames.append(pd.DataFrame([
                {"run": run_name, "against": against_name, "domain": d, "dimension": "knowledge", "label": "",
                 "statistic": "cosine_similarity", "run_value": v, "against_value": np.nan,
                 "distance_metric": f"cosine_similarity_{k.mode}", "distance": v, "n_run": n1, "n_against": n2}
                for d, (v, n1, n2) in k.per_domain.items()]))
        else:
            rows.append(table2_row(run_name, against_name, "knowledge", None, note="knowledge not annotated"))
    else:
        note = "embeddings turned off"
        rows += [table2_row(run_name, against_name, d, None, note=note) for d in ("knowledge", "frechet", "c2st_auc")]
    from realsim_core.compare._missing import missing_table

    frames = [f for f in domain_frames if not f.empty]
    return ComparisonResult(
        run=run_name, against=against_name,
        table1=table1([(run_name, run), (against_name, against)]),
        table2=table2(rows), table3=t3,
        domains=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        missing=missing_table(run_name, against_name, run, against),
        settings={**s.model_dump(), **provenance},
    )
