"""Read stored comparisons and cached annotations back for the dashboard and reports.

The dashboard never annotates or compares on its own (that would make a page
take minutes): it shows what ``compare_runs`` stored. The annotations that
produced a comparison are identified by the annotator specs recorded in its
settings, so the charts, chips and tables show exactly the values behind the
numbers on screen, never a newer or older annotator's.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from realsim_core.annotate import AnnotationFailure, AnnotationResult, AnnotatorSpec
from realsim_core.compare import Frames, build_frames, load_table
from realsim_core.store import Store

AGAINST = "real"


def comparison_settings(store: Store, against: str = AGAINST) -> dict[str, dict[str, Any]]:
    """Settings of every stored comparison with ``against``: run -> settings dict."""
    frame = store.query_df(
        """SELECT run, any_value(settings) AS settings FROM comparisons
           WHERE against = ? GROUP BY run ORDER BY run""",
        [against],
    )
    return {row.run: json.loads(row.settings) if row.settings else {} for row in frame.itertuples(index=False)}


def annotator_specs(settings: dict[str, Any], side: str) -> dict[str, dict[str, Any]]:
    """Annotator specs (dimension -> spec dict) used for the compared run or the ``against`` side."""
    run_specs = settings.get("annotators") or {}
    if side == "run":
        return dict(run_specs)
    against = settings.get("annotators_against")
    return dict(run_specs) if against in (None, "same") else dict(against)


def fingerprints(specs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """dimension -> cache fingerprint of its recorded spec."""
    return {dim: AnnotatorSpec(**spec).fingerprint() for dim, spec in specs.items()}


NUMERIC = {"value", "ci_low", "ci_high", "noise_floor", "noise_ci_low", "noise_ci_high", "p_value", "r",
           "run_value", "against_value", "distance", "run_share", "against_share", "difference_pts"}


def stacked(store: Store, table_name: str, against: str = AGAINST) -> pd.DataFrame:
    """One stored table stacked over every run compared with ``against``.

    JSON stores NaN as null, which comes back as None in an object column;
    numeric columns are restored to floats (NaN) so arithmetic never meets None.
    """
    frame = load_table(store, table_name, against)
    numeric = [c for c in frame.columns if c in NUMERIC or str(c).startswith(("mean_", "share_"))]
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def cached_values(store: Store, run: str, specs: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Cached annotation rows (position, dimension, status, value, error) of ``run`` under ``specs``."""
    prints = list(fingerprints(specs).values())
    if not prints:
        return pd.DataFrame(columns=["position", "dimension", "status", "value", "error"])
    return store.query_df(
        """SELECT d.position, a.dimension, a.status, a.value, a.error
           FROM dialogues d JOIN annotations a ON a.content_hash = d.content_hash
           WHERE d.run = ? AND a.fingerprint IN (SELECT unnest(?))""",
        [run, prints],
    )


def annotation_result(store: Store, run: str, specs: dict[str, dict[str, Any]]) -> AnnotationResult:
    """The stored annotations of ``run`` as an :class:`AnnotationResult` (missing values are failures)."""
    dialogues = store.load_dialogues(run)
    rows = cached_values(store, run, specs)
    values: dict[str, list[Any]] = {}
    for dim in specs:
        values[dim] = [AnnotationFailure(error="not annotated with the compared annotator")] * len(dialogues)
    for row in rows.itertuples(index=False):
        parsed = json.loads(row.value) if row.status == "ok" and row.value is not None else None
        values[row.dimension][int(row.position)] = (
            parsed if row.status == "ok" else AnnotationFailure(error=str(row.error))
        )
    return AnnotationResult(dialogues=dialogues, values=values, specs=specs)


def run_frames(store: Store, run: str, against: str = AGAINST) -> Frames | None:
    """Per-dimension arrays of a stored run, read with the annotators its comparison used.

    For ``run == against`` the annotators of the first comparison are used.
    Returns None when the run was never compared.
    """
    settings = comparison_settings(store, against)
    if run == against:
        if not settings:
            return None
        specs = annotator_specs(next(iter(settings.values())), "against")
    elif run in settings:
        specs = annotator_specs(settings[run], "run")
    else:
        return None
    return build_frames(annotation_result(store, run, specs))
