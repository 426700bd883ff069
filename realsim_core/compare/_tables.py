"""Assemble the paper-style tables from frames and assessments.

``table1``: descriptive statistics per run (one row per run: the compared run
and the ``against`` run). ``table2``: one row per dimension in a fixed order,
always all twelve, so a missing annotation shows as an empty row with a
warning rather than a silently shorter table.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from realsim_core.compare._bootstrap import Assessment, small_sample_warning
from realsim_core.compare._frames import Frames

DIMENSIONS = ("intent", "feedback", "emotion", "identity", "knowledge", "words", "turns", "errors",
              "fk_grade", "mtld", "frechet", "c2st_auc")
METRICS = {"intent": "tvd_x100", "feedback": "tvd_x100", "emotion": "tvd_x100", "identity": "tvd_x100",
           "knowledge": "cosine_similarity", "words": "w1", "turns": "w1", "errors": "w1", "fk_grade": "w1",
           "mtld": "w1", "frechet": "frechet_pca64", "c2st_auc": "auc"}
TABLE2_COLUMNS = ["run", "against", "dimension", "metric", "value", "ci_low", "ci_high", "noise_floor",
                  "noise_ci_low", "noise_ci_high", "p_value", "n_run", "n_against", "warning", "failed_run",
                  "failed_against", "replicates"]
TABLE1_SCALARS = ("words", "turns", "fk_grade", "mtld", "errors")


def table1(runs: list[tuple[str, Frames]]) -> pd.DataFrame:
    """Mean of each per-dialogue number and the share of every label, per run."""
    rows = []
    for name, frames in runs:
        row: dict[str, object] = {"run": name, "n_dialogues": frames.n}
        for scalar in TABLE1_SCALARS:
            values = frames.scalars.get(scalar, (np.zeros(0), None))[0]
            row[f"mean_{scalar}"] = float(values.mean()) if values.size else np.nan
        for dim, cat in frames.categorical.items():
            for label, share in zip(cat.labels, cat.shares()):
                row[f"share_{dim}_{label}"] = float(share)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.fillna({c: 0.0 for c in frame.columns if c.startswith("share_")})


def table2_row(run: str, against: str, dimension: str, assessment: Assessment | None, *,
               failed: tuple[int, int] = (0, 0), replicates: int = 0, note: str = "") -> dict[str, object]:
    """One table2 row; ``assessment=None`` gives an empty row explaining why in ``warning``."""
    row: dict[str, object] = {"run": run, "against": against, "dimension": dimension,
                              "metric": METRICS[dimension]}
    if assessment is None:
        row.update({c: np.nan for c in TABLE2_COLUMNS[4:13]})
        row.update({"n_run": 0, "n_against": 0, "warning": note or "not computed",
                    "failed_run": failed[0], "failed_against": failed[1], "replicates": 0})
        return row
    values = asdict(assessment)
    row.update({k: values[k] for k in TABLE2_COLUMNS[4:13]})
    warnings = [w for w in (small_sample_warning(assessment.n_run, assessment.n_against), note) if w]
    if any(failed):
        warnings.append(f"{failed[0]} run / {failed[1]} against annotations failed and were skipped")
    row.update({"warning": "; ".join(warnings), "failed_run": failed[0], "failed_against": failed[1],
                "replicates": replicates})
    return row


def table2(rows: list[dict[str, object]]) -> pd.DataFrame:
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    frame = pd.DataFrame(rows, columns=TABLE2_COLUMNS)
    return frame.sort_values("dimension", key=lambda s: s.map(order)).reset_index(drop=True)
