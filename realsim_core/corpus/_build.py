"""Store the real corpus as run ``real``."""

from __future__ import annotations

import os

from realsim_core.corpus._load import CorpusReport, load_real_corpus
from realsim_core.corpus._manifest import COMMIT, REPOSITORY
from realsim_core.corpus._matching import MATCHING_VERSION
from realsim_core.schema import REAL_SOURCE
from realsim_core.store import RunSummary, Store


# Changes whenever loading or scenario linking would store different dialogues.
LOADER_VERSION = f"1+matching{MATCHING_VERSION}"


def real_run_is_current(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when run ``real`` was stored by this loader version (so rebuilding would change nothing)."""
    store = Store(data_dir)
    return store.run_exists(REAL_SOURCE) and store.run_metadata(REAL_SOURCE).get("loader_version") == LOADER_VERSION


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
            "loader_version": LOADER_VERSION,
            "repository": REPOSITORY,
            "commit": COMMIT,
            "dropped_files": report.dropped_files,
            "duplicates": [vars(g) for g in report.duplicates],
            "low_confidence_links": report.low_confidence_links,
        },
    )
    return summary, report
