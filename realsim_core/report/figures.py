"""Plotly figures for the dashboard and the report, each with a caption saying how to read it.

A figure must be readable without the speaker (meeting mode, exported PNGs),
so every builder returns the figure together with its title and caption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from realsim_core.report._stored import AGAINST

REAL_COLOUR = "#222222"
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f"]
METRIC_UNITS = {"tvd_x100": "TVD ×100 (0 = same label shares, 100 = disjoint)",
                "w1": "Wasserstein-1 (in the measure's own unit)",
                "cosine_similarity": "cosine similarity (1 = same statements)",
                "frechet_pca64": "Fréchet distance of MiniLM embeddings", "auc": "classifier AUC (0.5 = indistinguishable)"}
SCALAR_TITLES = {"words": "words per dialogue (user turns)", "turns": "user turns per dialogue",
                 "errors": "grammar/spelling errors per dialogue", "fk_grade": "Flesch–Kincaid grade",
                 "mtld": "MTLD lexical diversity"}


@dataclass
class FigureSpec:
    key: str  # file-name safe identifier
    title: str
    caption: str
    figure: go.Figure


def colours(runs: list[str]) -> dict[str, str]:
    """Stable colour per run: real is always dark grey."""
    sims = [r for r in runs if r != AGAINST]
    out = {run: PALETTE[i % len(PALETTE)] for i, run in enumerate(sims)}
    out[AGAINST] = REAL_COLOUR
    return out


def _layout(fig: go.Figure, title: str, large: bool = False) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", legend_title_text="",
                      margin=dict(l=60, r=20, t=60, b=60), font=dict(size=18 if large else 13))
    return fig


def label_share_figure(shares: pd.DataFrame, dimension: str, large: bool = False) -> FigureSpec:
    """Grouped bars: share of each label, real vs each run, with 95% CI whiskers."""
    runs = list(dict.fromkeys(shares["run"]))
    colour = colours(runs)
    fig = go.Figure()
    for run in runs:
        part = shares[shares["run"] == run]
        fig.add_bar(name=run, x=part["label"], y=100 * part["share"], marker_color=colour[run],
                    error_y=dict(type="data", symmetric=False, array=100 * (part["ci_high"] - part["share"]),
                                 arrayminus=100 * (part["share"] - part["ci_low"])))
    fig.update_layout(barmode="group", yaxis_title=f"% of {dimension} labels", xaxis_title=f"{dimension} label")
    title = f"{dimension.capitalize()}: label shares, real users vs simulators"
    caption = (f"Each group is one {dimension} label; bar height is the share of all {dimension} labels "
               "in that run, whiskers are 95% bootstrap intervals (dialogues resampled). A simulator is "
               "realistic where its bar matches the dark real-user bar; non-overlapping whiskers mean a gap "
               "larger than sampling noise. 'none' counts units with no label.")
    return FigureSpec(f"shares_{dimension}", title, caption, _layout(fig, title, large))


def scalar_figure(values: pd.DataFrame, name: str, large: bool = False) -> FigureSpec:
    """Overlaid distributions (percent of dialogues) of one per-dialogue measure."""
    runs = list(dict.fromkeys(values["run"]))
    colour = colours(runs)
    finite = values["value"].astype(float)
    finite = finite[np.isfinite(finite)]
    upper = float(np.percentile(finite, 99)) if len(finite) else 1.0
    fig = go.Figure()
    for run in runs:
        part = values[values["run"] == run]["value"].astype(float)
        fig.add_histogram(name=f"{run} (median {part.median():.1f})", x=part.clip(upper=upper),
                          histnorm="percent", opacity=0.55, marker_color=colour[run], nbinsx=40)
    fig.update_layout(barmode="overlay", xaxis_title=SCALAR_TITLES.get(name, name),
                      yaxis_title="% of dialogues")
    title = f"{SCALAR_TITLES.get(name, name).capitalize()}: distribution per run"
    caption = (f"Histogram of {SCALAR_TITLES.get(name, name)} over dialogues, as a percentage of each run's "
               "dialogues (values above the 99th percentile are piled into the last bin). Overlapping shapes "
               "mean realistic behaviour; a run shifted right or left writes more or less than real users. "
               "The legend gives each run's median.")
    return FigureSpec(f"dist_{name}", title, caption, _layout(fig, title, large))


def domain_heatmap(matrix: pd.DataFrame, dimension: str, metric: str, large: bool = False) -> FigureSpec:
    """Domain × run heatmap of knowledge similarity or of a dimension's distance to real."""
    similarity = dimension == "knowledge"
    fig = go.Figure(go.Heatmap(
        z=matrix.values, x=[str(c) for c in matrix.columns], y=[str(i) for i in matrix.index],
        colorscale="RdYlGn" if similarity else "Reds", reversescale=False,
        colorbar=dict(title=metric), texttemplate="%{z:.2f}" if similarity else "%{z:.1f}",
        hovertemplate="domain %{y}<br>run %{x}<br>%{z:.3f}<extra></extra>"))
    fig.update_layout(xaxis_title="run", yaxis_title="domain", yaxis_autorange="reversed",
                      height=max(360, 28 * len(matrix.index) + 140))
    if similarity:
        title = "Knowledge similarity per domain"
        caption = ("Each cell is the cosine similarity between what real users and the run's users know in "
                   "that domain (MiniLM embeddings of 'the user knows…' statements). Green = similar "
                   "knowledge, red = the simulator's knowledge differs; compare rows to see where domain "
                   "expertise is hardest to simulate.")
    else:
        title = f"{dimension.capitalize()}: distance to real users per domain"
        caption = (f"Each cell is the {dimension} distance ({metric}) between the run and real users within "
                   "one domain; darker red = further from real. Rows show which domains a simulator gets "
                   "wrong; small domains have noisy cells, so read single cells with care.")
    return FigureSpec(f"heatmap_{dimension}", title, caption, _layout(fig, title, large))


def distance_figure(t2: pd.DataFrame, dimension: str, large: bool = False) -> FigureSpec:
    """One dimension's distance per run with its 95% CI, against the shaded noise-floor band."""
    rows = t2[(t2["dimension"] == dimension)].dropna(subset=["value"])
    metric = str(rows["metric"].iloc[0]) if len(rows) else ""
    colour = colours(list(rows["run"]) + [AGAINST])
    fig = go.Figure()
    if len(rows) and np.isfinite(rows["noise_ci_low"].astype(float)).any():
        first = rows.iloc[0]
        fig.add_vrect(x0=first["noise_ci_low"], x1=first["noise_ci_high"], fillcolor="#cccccc", opacity=0.45,
                      line_width=0, annotation_text="real-vs-real noise", annotation_position="top left")
    fig.add_scatter(x=rows["value"], y=rows["run"], mode="markers", marker=dict(size=12,
                    color=[colour[r] for r in rows["run"]]), showlegend=False,
                    error_x=dict(type="data", symmetric=False, array=rows["ci_high"] - rows["value"],
                                 arrayminus=rows["value"] - rows["ci_low"]))
    fig.update_layout(xaxis_title=METRIC_UNITS.get(metric, metric), yaxis_title="run",
                      height=max(300, 40 * len(rows) + 160))
    title = f"{dimension}: distance to real users per run"
    caption = ("Dots are each run's distance to real users with 95% bootstrap intervals; the grey band is "
               "how far two random halves of the real corpus already differ. A dot inside the band is "
               "indistinguishable from real users on this dimension; further right is less realistic"
               + (" (for similarity, further left)." if metric == "cosine_similarity" else "."))
    return FigureSpec(f"distance_{dimension}", title, caption, _layout(fig, title, large))
