"""Store the real corpus as run ``real``."""

from __future__ import annotations

import os

from realsim_core.corpus._load import CorpusReport, load_real_corpus
from realsim_core.corpus._manifest import COMMIT, REPOSITORY
from realsim_core.schema import REAL_SOURCE
from realsim_core.store import RunSummary, Store


def build_real_run(
    data_dir: str | os.PathLike[str] | None = None, *, replace: bool = True
) -> tuple[RunSummary, CorpusReport]:
    """Load, link and store the real corpus (idempotent: replaces run ``real``)."""
    dialogues, report = load_real_corpus(data_dir)
    store = Store(data_dir)
    summary = store.save_run(
        REAL_SOURCE,
        dialogues,
        kind="real",
        replace=replace,
        source_file=f"{REPOSITORY}@{COMMIT}",
        fmt="realsim",
        counts=(report.records_read, report.dialogues, report.records_read - report.dialogues),
        metadata={
            "repository": REPOSITORY,
            "commit": COMMIT,
            "dropped_files": report.dropped_files,
            "duplicates": [vars(g) for g in report.duplicates],
            "low_confidence_links": report.low_confidence_links,
        },
    )
    return summary, report
