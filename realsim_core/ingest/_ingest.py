"""``ingest_file``: read an upload, pair it with the corpus, store it as one run.

Reading, pairing and storing form a single pipeline of generators consumed
inside one store transaction, so memory stays bounded and any error -- a
syntax error half-way through a 200 MB file included -- rolls the whole run
back and leaves every stored run as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from realsim_core.ingest._errors import IngestError
from realsim_core.ingest._pairing import load_scenario_index, pair_dialogues
from realsim_core.ingest._reader import read_dialogues
from realsim_core.ingest._report import LossReport
from realsim_core.schema import REAL_SOURCE, Dialogue
from realsim_core.store import RunSummary, Store


def ingest_file(
    store: Store,
    path: str | Path,
    name: str,
    fmt: str = "auto",
    replace: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    strict: bool = False,
) -> tuple[RunSummary, LossReport]:
    """Store the dialogues of ``path`` as run ``name``; return what was stored and the loss report."""
    if not name or not name.strip():
        raise ValueError("a run needs a non-empty name (--name)")
    if name == REAL_SOURCE:
        raise ValueError(f"the run name {REAL_SOURCE!r} is reserved for the real corpus; choose another --name")
    file = Path(path)
    result = read_dialogues(file, fmt=fmt, source=name, strict=strict)
    report = result.report
    index = load_scenario_index(data_dir if data_dir is not None else store.path.parent)
    # Filled when the stream ends: save_run serialises metadata after consuming it.
    metadata: dict[str, Any] = {}

    def stream() -> Iterator[Dialogue]:
        yield from pair_dialogues(result.dialogues, index, report)
        if report.kept == 0:
            reasons = "; ".join(f"{count} {reason}" for reason, count in report.reason_counts.most_common(5))
            raise IngestError(file, f"no dialogue could be kept out of {report.read} record(s) ({reasons or 'none'})")
        metadata["loss_report"] = report.to_dict()

    summary = store.save_run(
        name,
        stream(),
        kind="upload",
        replace=replace,
        source_file=str(file.resolve()),
        fmt=result.format,
        counts_from=report,
        metadata=metadata,
    )
    return summary, report
