"""Everything a report contains, gathered once from the store.

The HTML report, the PDF, the CLI and the dashboard's export button all start
from one :class:`ReportDocument`, so an exported report shows exactly the
tables and figures of the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from realsim_core.report import app_data
from realsim_core.report._stored import AGAINST, stacked
from realsim_core.report.figures import FigureSpec, distance_figure, domain_heatmap, label_share_figure, scalar_figure
from realsim_core.report.headlines import headlines
from realsim_core.store import Store


@dataclass
class ReportDocument:
    title: str
    created: str
    runs: list[str]
    headlines: list[str]
    distance: app_data.DistanceTable
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # name -> table, in display order
    figures: list[FigureSpec] = field(default_factory=list)
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)


def compared_runs(store: Store) -> list[str]:
    """Runs with a stored comparison against the real corpus, in stored order."""
    runs = app_data.runs_table(store)
    return [r for r, ok in zip(runs["run"], runs["compared with real"]) if ok and r != AGAINST]


def overview_headlines(store: Store, runs: list[str]) -> tuple[app_data.DistanceTable, pd.DataFrame, list[str]]:
    """(distance table, descriptive table, headline findings) for ``runs``."""
    distance = app_data.distance_table(store, runs)
    table1 = app_data.descriptive_table(store, runs)
    missing = stacked(store, "missing")
    if not missing.empty:
        missing = missing[missing["run"].isin(runs)]
    return distance, table1, headlines(table1, distance.long, distance.inside, missing)


def build_document(store: Store, runs: list[str] | None = None, large: bool = False,
                   title: str = "realsim report: how realistic are the simulated users?") -> ReportDocument:
    """Gather tables and figures for ``runs`` (default: every compared run)."""
    chosen = compared_runs(store) if runs is None else list(runs)
    known = set(compared_runs(store))
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise ValueError(f"no stored comparison with the real corpus for run(s) {', '.join(unknown)}; "
                         f"compared runs: {', '.join(sorted(known)) or 'none'} (run `realsim compare` first)")
    distance, table1, found = overview_headlines(store, chosen)
    runs_frame = app_data.runs_table(store)
    tables = {
        "runs": runs_frame[runs_frame["run"].isin([AGAINST, *chosen])].reset_index(drop=True),
        "table2_distances": distance.display.reset_index(names="run"),
        "table1_descriptive": table1,
        "table3_domain_pearson": app_data.pearson_table(store).query("run in @chosen").reset_index(drop=True)
        if chosen else pd.DataFrame(),
    }
    figures: list[FigureSpec] = []
    all_shares, all_values = app_data.dimension_tables(store, chosen)
    figures += [label_share_figure(f, dim, large) for dim, f in all_shares.items() if not f.empty]
    figures += [scalar_figure(f, name, large) for name, f in all_values.items() if not f.empty]
    knowledge = app_data.domain_matrix(store, "knowledge")
    if not knowledge.empty:
        cols = [c for c in knowledge.columns if c in chosen]
        if cols:
            figures.append(domain_heatmap(knowledge[cols], "knowledge", "cosine similarity", large))
    long = distance.long
    for dim in dict.fromkeys(long.dropna(subset=["value"])["dimension"]) if not long.empty else []:
        figures.append(distance_figure(long, str(dim), large))
    return ReportDocument(
        title=title, created=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), runs=chosen,
        headlines=found, distance=distance, tables=tables, figures=figures,
        provenance=app_data.provenance(store).query("run in @chosen").reset_index(drop=True),
    )
