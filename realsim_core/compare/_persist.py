"""Store comparison results in DuckDB and read them back for the dashboard.

One row per (run, against, table) in ``comparisons``, holding the table as
JSON records, the settings and the inputs fingerprint. The fingerprint covers
the dialogues' content hashes (and their domain/scenario links), the
annotators' fingerprints and the comparison settings: if none changed, the
stored result is the result, and nothing is recomputed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from realsim_core.compare._result import TABLES, ComparisonResult, frame_records
from realsim_core.store import Store


def inputs_fingerprint(payload: dict[str, Any]) -> str:
    """Stable hash of everything a comparison's numbers depend on."""
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def save_comparison(store: Store, result: ComparisonResult) -> None:
    """Replace the stored tables of (run, against) with ``result`` in one transaction."""
    created = datetime.now(timezone.utc).replace(tzinfo=None)
    settings = json.dumps(result.settings, default=str)
    with store.writer() as con:
        con.execute("DELETE FROM comparisons WHERE run = ? AND against = ?", [result.run, result.against])
        for name, frame in result.tables().items():
            con.execute(
                "INSERT INTO comparisons VALUES (?, ?, ?, ?, ?, ?, ?)",
                [result.run, result.against, name, result.inputs_fingerprint, settings,
                 json.dumps({"columns": list(frame.columns), "records": frame_records(frame)},
                            ensure_ascii=False, default=str), created],
            )


def load_comparison(store: Store, run: str, against: str = "real") -> ComparisonResult | None:
    """The stored comparison of ``run`` vs ``against`` (None if never computed)."""
    frame = store.query_df(
        "SELECT table_name, inputs_fingerprint, settings, data FROM comparisons WHERE run = ? AND against = ?",
        [run, against],
    )
    if frame.empty or set(frame["table_name"]) != set(TABLES):
        return None
    tables: dict[str, pd.DataFrame] = {}
    for row in frame.itertuples(index=False):
        data = json.loads(row.data)
        tables[row.table_name] = pd.DataFrame(data["records"], columns=data["columns"])
    first = frame.iloc[0]
    return ComparisonResult(run=run, against=against, settings=json.loads(first["settings"]),
                            inputs_fingerprint=str(first["inputs_fingerprint"]), from_cache=True, **tables)


def list_comparisons(store: Store) -> pd.DataFrame:
    """Stored comparisons: run, against, fingerprint, created_at."""
    return store.query_df(
        """SELECT run, against, any_value(inputs_fingerprint) AS inputs_fingerprint, max(created_at) AS created_at
           FROM comparisons GROUP BY run, against ORDER BY run, against"""
    )


def load_table(store: Store, table_name: str, against: str = "real") -> pd.DataFrame:
    """One table stacked over every stored run compared with ``against`` (e.g. all table2 rows)."""
    if table_name not in TABLES:
        raise ValueError(f"unknown table {table_name!r}; valid: {', '.join(TABLES)}")
    frame = store.query_df(
        "SELECT run, data FROM comparisons WHERE against = ? AND table_name = ? ORDER BY run",
        [against, table_name],
    )
    parts = []
    for row in frame.itertuples(index=False):
        data = json.loads(row.data)
        parts.append(pd.DataFrame(data["records"], columns=data["columns"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def knowledge_heatmap(store: Store, against: str = "real") -> pd.DataFrame:
    """Domain × run matrix of knowledge similarity (rows domains, columns runs) for the heatmap."""
    domains = load_table(store, "domains", against)
    if domains.empty:
        return pd.DataFrame()
    know = domains[domains["dimension"] == "knowledge"]
    if know.empty:
        return pd.DataFrame()
    return know.pivot_table(index="domain", columns="run", values="distance", aggfunc="first")
