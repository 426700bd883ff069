"""DuckDB store: the contract between the CLI, the pipeline and the dashboard."""

from realsim_core.store._locking import StoreBusyError
from realsim_core.store._store import RunExistsError, RunNotFoundError, RunSummary, Store

__all__ = ["RunExistsError", "RunNotFoundError", "RunSummary", "Store", "StoreBusyError"]
