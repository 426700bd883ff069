"""Every number the dashboard shows, as tidy DataFrames (pure functions, no streamlit).

Pages only lay out what these functions return, so the app, the CLI report
and the tests show identical numbers. All functions take a :class:`Store`
and read stored results; none of them annotates or compares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from realsim_core.compare import DIMENSIONS, knowledge_heatmap
from realsim_core.report._stored import AGAINST, comparison_settings, run_frames, stacked
from realsim_core.report.transcripts import domains, scenarios, transcripts  # re-exported for pages
from realsim_core.store import Store

__all__ = [
    "CATEGORICAL", "SCALARS", "DistanceTable", "descriptive_table", "distance_table", "domain_matrix",
    "dimension_tables", "domains", "inside_noise", "label_shares", "missing_labels", "overview", "pearson_matrix", "pearson_table",
    "provenance", "runs_table", "scalar_values", "scenarios", "settings_summary", "transcripts",
]

CATEGORICAL = ("intent", "feedback", "emotion", "identity")
SCALARS = ("words", "turns", "errors", "fk_grade", "mtld")
NOISE_ROW = "noise floor (real vs real)"
# Larger is closer for these metrics; for every other metric smaller is closer.
SIMILARITIES = {"cosine_similarity"}


def runs_table(store: Store) -> pd.DataFrame:
    """The stored runs with their counts and whether they have been compared with the real corpus."""
    runs = store.list_runs()
    compared = set(comparison_settings(store))
    frame = pd.DataFrame({
        "run": runs["name"], "kind": runs["kind"], "dialogues": runs["n_dialogues"].astype(int),
        "domains": runs["n_domains"].astype(int), "read": runs["n_read"], "dropped": runs["n_dropped"],
        "format": runs["format"], "created": runs["created_at"],
    })
    frame["compared with real"] = [name == AGAINST or name in compared for name in frame["run"]]
    return frame.reset_index(drop=True)


def inside_noise(metric: str, value: float, noise_low: float, noise_high: float) -> bool:
    """True when a distance is no further from real than two halves of the real corpus are."""
    if not np.isfinite(value) or not (np.isfinite(noise_low) and np.isfinite(noise_high)):
        return False
    return bool(value >= noise_low) if metric in SIMILARITIES else bool(value <= noise_high)


@dataclass
class DistanceTable:
    """Table 2 as the overview shows it: formatted cells, raw values, noise flags and cell colours."""

    display: pd.DataFrame  # index: runs + noise row; columns: dimensions; "12.3 [10.1, 14.2] ≈ noise"
    values: pd.DataFrame  # same shape, the point estimates
    inside: pd.DataFrame  # same shape, True where inside the noise floor
    css: pd.DataFrame  # same shape, background colour per cell
    long: pd.DataFrame  # the stored table2 rows (for CSV download)


def _fmt(value: float, low: float, high: float) -> str:
    if not np.isfinite(value):
        return "—"
    digits = 3 if abs(value) < 2 else 1
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _severity(metric: str, value: float, noise: float, column_max: float) -> float:
    """0 at the noise floor, 1 at the column's largest gap (similarities inverted)."""
    if not np.isfinite(value) or not np.isfinite(noise):
        return float("nan")
    if metric in SIMILARITIES:
        gap, worst = noise - value, noise - column_max
    else:
        gap, worst = value - noise, column_max - noise
    return float(np.clip(gap / worst, 0.0, 1.0)) if worst > 0 else 0.0


def _colour(severity: float, inside: bool) -> str:
    if inside:
        return "background-color: #e8f4ea"
    if not np.isfinite(severity):
        return ""
    # white (at the noise floor) to a saturated red (largest gap in the column)
    g = int(235 - 150 * severity)
    return f"background-color: rgb(250, {g}, {g})"


def distance_table(store: Store, runs: list[str] | None = None) -> DistanceTable:
    """Runs × dimensions with 95% CIs, a noise-floor row, noise flags and colours."""
    t2 = stacked(store, "table2")
    if t2.empty:
        empty = pd.DataFrame()
        return DistanceTable(empty, empty, empty, empty, t2)
    if runs is not None:
        t2 = t2[t2["run"].isin(runs)]
    dims = [d for d in DIMENSIONS if d in set(t2["dimension"])]
    order = list(dict.fromkeys(t2["run"]))
    index = order + [NOISE_ROW]
    display = pd.DataFrame("—", index=index, columns=dims)
    values = pd.DataFrame(np.nan, index=index, columns=dims)
    inside = pd.DataFrame(False, index=index, columns=dims)
    css = pd.DataFrame("", index=index, columns=dims)
    for dim in dims:
        rows = t2[t2["dimension"] == dim].set_index("run")
        metric = str(rows["metric"].iloc[0])
        finite = rows["value"].astype(float).dropna()
        worst = (finite.min() if metric in SIMILARITIES else finite.max()) if len(finite) else np.nan
        noise_rows = rows.dropna(subset=["noise_floor"])
        noise = float(noise_rows["noise_floor"].iloc[0]) if len(noise_rows) else np.nan
        if len(noise_rows):
            n = noise_rows.iloc[0]
            display.loc[NOISE_ROW, dim] = _fmt(noise, float(n["noise_ci_low"]), float(n["noise_ci_high"]))
            values.loc[NOISE_ROW, dim] = noise
            css.loc[NOISE_ROW, dim] = "background-color: #eeeeee; font-style: italic"
        for run in order:
            if run not in rows.index:
                continue
            r = rows.loc[run]
            value = float(r["value"]) if r["value"] is not None else np.nan
            flag = inside_noise(metric, value, float(r["noise_ci_low"]), float(r["noise_ci_high"]))
            text = _fmt(value, float(r["ci_low"]), float(r["ci_high"]))
            display.loc[run, dim] = f"{text} ≈ noise" if flag else text
            values.loc[run, dim] = value
            inside.loc[run, dim] = flag
            css.loc[run, dim] = _colour(_severity(metric, value, noise, worst), flag)
    return DistanceTable(display, values, inside, css, t2.reset_index(drop=True))


def descriptive_table(store: Store, runs: list[str] | None = None) -> pd.DataFrame:
    """Table 1: one row per run (real first) with mean words, turns, FK grade, MTLD, errors and label shares."""
    t1 = stacked(store, "table1")
    if t1.empty:
        return t1
    t1 = t1.drop_duplicates(subset=["run"], keep="first")
    if runs is not None:
        t1 = t1[t1["run"].isin([AGAINST, *runs])]
    t1 = t1.assign(_real=t1["run"] != AGAINST).sort_values(["_real", "run"]).drop(columns="_real")
    return t1.reset_index(drop=True)


def provenance(store: Store) -> pd.DataFrame:
    """Which annotators, embedding model, seed and bootstrap size produced each stored comparison."""
    rows = []
    for run, s in comparison_settings(store).items():
        annotators = s.get("annotators") or {}
        rows.append({
            "run": run, "backend": s.get("backend"),
            "annotators": ", ".join(f"{d}: {a.get('backend')} v{a.get('version')}"
                                    + (f" ({a.get('model')})" if a.get("model") else "")
                                    for d, a in annotators.items()),
            "embedding model": s.get("embedding_model") or "off", "seed": s.get("seed"),
            "bootstrap": s.get("bootstrap"), "realsim": s.get("realsim_version"),
            "commit": (s.get("git_commit") or "")[:10] or None,
        })
    return pd.DataFrame(rows, columns=["run", "backend", "annotators", "embedding model", "seed", "bootstrap",
                                       "realsim", "commit"])


def _frames_for(store: Store, runs: list[str], frames: dict[str, Any] | None) -> dict[str, Any]:
    """Frames of real and ``runs`` (reusing ``frames`` when given: reading a run is the costly part)."""
    out = {} if frames is None else frames
    for run in [AGAINST, *[r for r in runs if r != AGAINST]]:
        if run not in out:
            out[run] = run_frames(store, run)
    return out


def dimension_tables(store: Store, runs: list[str]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Label shares of every categorical dimension and values of every surface measure, reading each run once."""
    frames = _frames_for(store, runs, None)
    shares = {dim: label_shares(store, runs, dim, frames=frames) for dim in CATEGORICAL}
    values = {name: scalar_values(store, runs, name, frames=frames) for name in SCALARS}
    return shares, values


def label_shares(store: Store, runs: list[str], dimension: str, b: int = 200, seed: int = 0,
                 frames: dict[str, Any] | None = None) -> pd.DataFrame:
    """Share of each label for real and each run, with 95% bootstrap CIs (dialogues resampled)."""
    if dimension not in CATEGORICAL:
        raise ValueError(f"unknown categorical dimension {dimension!r}; valid: {', '.join(CATEGORICAL)}")
    rows = []
    loaded = _frames_for(store, runs, frames)
    for run in [AGAINST, *[r for r in runs if r != AGAINST]]:
        run_data = loaded[run]
        if run_data is None or dimension not in run_data.categorical:
            continue
        cat = run_data.categorical[dimension]
        counts = cat.counts
        if counts.sum() == 0:
            continue
        rng = np.random.default_rng([seed, len(rows)])
        n = counts.shape[0]
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=b)
        boot = weights @ counts
        boot = boot / boot.sum(axis=1, keepdims=True)
        low, high = np.percentile(boot, [2.5, 97.5], axis=0)
        for k, label in enumerate(cat.labels):
            rows.append({"run": run, "label": label, "share": float(cat.shares()[k]),
                         "ci_low": float(low[k]), "ci_high": float(high[k]), "n_dialogues": n})
    frame = pd.DataFrame(rows, columns=["run", "label", "share", "ci_low", "ci_high", "n_dialogues"])
    used = frame.groupby("label")["share"].max()
    return frame[frame["label"].isin(used[used > 0].index)].reset_index(drop=True)


def scalar_values(store: Store, runs: list[str], name: str, frames: dict[str, Any] | None = None) -> pd.DataFrame:
    """Per-dialogue values of one surface measure (words, turns, errors, fk_grade, mtld) per run."""
    if name not in SCALARS:
        raise ValueError(f"unknown measure {name!r}; valid: {', '.join(SCALARS)}")
    parts = []
    loaded = _frames_for(store, runs, frames)
    for run in [AGAINST, *[r for r in runs if r != AGAINST]]:
        run_data = loaded[run]
        if run_data is None or name not in run_data.scalars:
            continue
        parts.append(pd.DataFrame({"run": run, "value": run_data.scalars[name][0]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["run", "value"])


def missing_labels(store: Store, runs: list[str], dimension: str, top: int = 3) -> pd.DataFrame:
    """Labels a run invents or misses most (percentage points), with example turns as plain strings."""
    missing = stacked(store, "missing")
    if missing.empty:
        return pd.DataFrame(columns=["run", "label", "direction", "run_share", "real_share", "difference_pts",
                                     "example_from", "examples"])
    frame = missing[(missing["dimension"] == dimension) & missing["run"].isin(runs)]
    frame = frame[frame["rank"] <= top].sort_values(["run", "rank"])
    out = []
    for row in frame.itertuples(index=False):
        examples = json.loads(row.examples) if row.examples else []
        out.append({"run": row.run, "label": row.label, "direction": row.direction,
                    "run_share": row.run_share, "real_share": row.against_share,
                    "difference_pts": row.difference_pts,
                    "example_from": row.run if row.direction == "invented" else AGAINST,
                    "examples": [str(e.get("text", "")) for e in examples]})
    return pd.DataFrame(out, columns=["run", "label", "direction", "run_share", "real_share", "difference_pts",
                                      "example_from", "examples"])


def domain_matrix(store: Store, dimension: str) -> pd.DataFrame:
    """Domain × run matrix: knowledge similarity, or a dimension's per-domain distance to real."""
    if dimension == "knowledge":
        return knowledge_heatmap(store)
    table = stacked(store, "domains")
    if table.empty:
        return pd.DataFrame()
    rows = table[(table["dimension"] == dimension) & (table["label"].fillna("") == "")]
    rows = rows.dropna(subset=["distance"])
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(index="domain", columns="run", values="distance", aggfunc="first")


def pearson_table(store: Store) -> pd.DataFrame:
    """Across-domain Pearson r (real vs run per-domain values) with 95% CIs: one row per run and dimension."""
    t3 = stacked(store, "table3")
    if t3.empty:
        return t3
    frame = t3[["run", "dimension", "metric", "r", "ci_low", "ci_high", "p_value", "n_domains"]].copy()
    frame["r [95% CI]"] = [
        "—" if not np.isfinite(r) else
        (f"{r:.2f} [{lo:.2f}, {hi:.2f}]" if np.isfinite(lo) else f"{r:.2f} [CI needs ≥4 domains]")
        for r, lo, hi in zip(frame["r"].astype(float), frame["ci_low"].astype(float), frame["ci_high"].astype(float))
    ]
    return frame.reset_index(drop=True)


def pearson_matrix(store: Store) -> pd.DataFrame:
    """The Pearson table as runs × dimensions of formatted cells."""
    frame = pearson_table(store)
    if frame.empty:
        return frame
    return frame.pivot_table(index="run", columns="dimension", values="r [95% CI]", aggfunc="first")


def overview(store: Store, runs: list[str]) -> tuple[DistanceTable, pd.DataFrame, list[str]]:
    """(distance table, descriptive table, headline findings) for the overview page."""
    from realsim_core.report.document import overview_headlines

    return overview_headlines(store, runs)


def settings_summary(store: Store) -> dict[str, Any]:
    """One-line provenance for the footer: distinct values over all stored comparisons."""
    prov = provenance(store)
    if prov.empty:
        return {}

    def distinct(col: str) -> str:
        return ", ".join(sorted({str(v) for v in prov[col].dropna()})) or "—"

    return {"backend": distinct("backend"), "embedding model": distinct("embedding model"),
            "seed": distinct("seed"), "bootstrap": distinct("bootstrap"), "realsim": distinct("realsim"),
            "commit": distinct("commit")}
