"""The result of one comparison: five tables plus the settings that made them.

The same object is written to CSV/JSON by the CLI, stored in DuckDB, and
read back by the dashboard, so all three show identical numbers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

TABLES = ("table1", "table2", "table3", "domains", "missing")


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN/inf become null (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


@dataclass
class ComparisonResult:
    run: str
    against: str
    table1: pd.DataFrame
    table2: pd.DataFrame
    table3: pd.DataFrame
    domains: pd.DataFrame
    missing: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    inputs_fingerprint: str = ""
    from_cache: bool = False

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run, "against": self.against, "inputs_fingerprint": self.inputs_fingerprint,
                "settings": self.settings, **{n: frame_records(f) for n, f in self.tables().items()}}

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``<table>.csv`` for every table and ``comparison.json`` with all of them and the settings."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.tables().items():
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
        path = out / "comparison.json"
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        written.append(path)
        return written
