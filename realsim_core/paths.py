"""Where realsim keeps its files.

Every command takes ``--data-dir``; when it is absent the ``REALSIM_DATA_DIR``
environment variable decides, then ``data/`` in the working directory. Keeping
the rule in one function means the CLI, the dashboard and the tests agree.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "data"
DATABASE_NAME = "realsim.duckdb"
CORPUS_SUBDIR = "corpus"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory, creating it if needed."""
    chosen = data_dir or os.environ.get("REALSIM_DATA_DIR") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Path of the DuckDB store inside the data directory."""
    return resolve_data_dir(data_dir) / DATABASE_NAME


def corpus_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Folder holding the fetched real-corpus files (never committed)."""
    return resolve_data_dir(data_dir) / CORPUS_SUBDIR
