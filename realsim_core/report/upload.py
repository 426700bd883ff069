"""Upload and score: ingest a file, annotate it, compare it with real users — in one call.

The dashboard's upload page is a thin layer over :func:`score_upload`, which
is testable without streamlit. It is all-or-nothing from the user's point of
view: if annotation or comparison fails after the ingest stored the run, the
run is deleted again, so a failed upload leaves the database as it was
(annotations already computed stay in the content-addressed cache, which is
harmless and makes a retry cheaper). API keys are passed through in memory
only and never stored: the stored annotator specs record endpoint and model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realsim_core.compare import CompareSettings, ComparisonResult, compare_runs
from realsim_core.ingest import IngestError, LossReport, ingest_file
from realsim_core.store import RunExistsError, RunSummary, Store

# (stage, fraction done 0..1, message) — the page maps it onto a progress bar.
Progress = Callable[[str, float, str], None]
AGAINST = "real"
ANNOTATE_SHARE = (0.10, 0.80)  # ingest takes the first 10 %, compare the last 20 %


class UploadError(RuntimeError):
    """An upload could not be scored; the message is meant for the user as is."""


@dataclass
class LLMSettings:
    """An OpenAI-compatible endpoint for the LLM annotators (key held in memory only)."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)

    def annotator_options(self) -> dict[str, dict[str, Any]]:
        from realsim_core.annotate import DIMENSIONS, parse_dims

        parse_dims(None)  # fills the registry
        options = {"base_url": self.base_url, "model": self.model, "api_key": self.api_key or "not-needed"}
        return {name: dict(options) for name, info in DIMENSIONS.items() if info.llm_capable}


def available_dimensions(backend: str = "local") -> list[str]:
    """Registered dimensions whose annotator can run here (offline models not yet trained are left out)."""
    from realsim_core.annotate import build_annotator, parse_dims

    names = parse_dims(None)
    if backend != "local":
        return names
    return [n for n in names if build_annotator(n, "local").spec.params.get("model_sha") != "missing"]


@dataclass
class UploadOutcome:
    summary: RunSummary
    report: LossReport
    comparison: ComparisonResult


def _annotation_progress(progress: Progress, dims: list[str]) -> Callable[[str, int, int], None]:
    """Map the runner's per-dimension callbacks (run first, then the real corpus) onto one rising bar."""
    lo, hi = ANNOTATE_SHARE
    step = (hi - lo) / (2 * max(len(dims), 1))
    state = {"side": 0, "last": -1}

    def callback(dim: str, done: int, total: int) -> None:
        k = dims.index(dim) if dim in dims else 0
        if k < state["last"]:
            state["side"] = 1  # the runner went back to the first dimension: now the real corpus
        state["last"] = k
        side = "your run" if state["side"] == 0 else "the real corpus (cached after the first time)"
        frac = lo + step * (state["side"] * len(dims) + k + (done / total if total else 1.0))
        progress("annotate", min(frac, hi), f"annotating {dim} of {side}: {done}/{total} dialogues")

    return callback


def _refuse_all_failed(result: ComparisonResult, n_dialogues: int) -> None:
    """A dimension none of whose dialogues could be annotated (e.g. unreachable endpoint) fails the upload."""
    t2 = result.table2
    dead = t2[(t2["failed_run"] >= n_dialogues) & (n_dialogues > 0)]
    if not dead.empty:
        raise RuntimeError(f"every annotation failed for {', '.join(dict.fromkeys(dead['dimension']))} "
                           "(is the endpoint reachable and the model name right?)")


def score_upload(
    store: Store,
    path: str | Path,
    name: str,
    *,
    fmt: str = "auto",
    backend: str = "local",
    llm: LLMSettings | None = None,
    settings: CompareSettings | None = None,
    dims: list[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    on_progress: Progress | None = None,
) -> UploadOutcome:
    """Ingest ``path`` as run ``name``, annotate it and compare it with the real corpus."""
    from realsim_core.annotate import parse_dims

    progress: Progress = on_progress or (lambda stage, frac, msg: None)
    name = (name or "").strip()
    if not name:
        raise UploadError("Give the run a name.")
    if name == AGAINST:
        raise UploadError(f"The name {AGAINST!r} is reserved for the real corpus; choose another name.")
    if backend == "llm" and llm is None:
        raise UploadError("The LLM backend needs an endpoint URL and a model name.")
    if not store.run_exists(AGAINST):
        raise UploadError("The real corpus is not in the database yet: run `realsim fetch` (or `make build`) first.")
    if store.run_exists(name):
        raise UploadError(f"A run named {name!r} already exists; choose another name.")
    progress("ingest", 0.0, f"reading {Path(path).name}")
    try:
        summary, report = ingest_file(store, path, name, fmt=fmt, data_dir=data_dir)
    except (IngestError, RunExistsError, ValueError) as exc:
        raise UploadError(f"The file could not be read: {exc}") from exc
    progress("ingest", ANNOTATE_SHARE[0], f"stored {summary.n_dialogues} dialogues")
    names = parse_dims(dims)
    options: dict[str, Any] = {"on_progress": _annotation_progress(progress, names)}
    if backend == "llm" and llm is not None:
        options["annotator_options"] = llm.annotator_options()
    try:
        comparison = compare_runs(store, name, AGAINST, settings=settings or CompareSettings(bootstrap=500),
                                  backend=backend, dims=names, show_progress=False, annotate_options=options)
        _refuse_all_failed(comparison, summary.n_dialogues)
    except BaseException as exc:
        store.delete_run(name)  # all or nothing: the run disappears with the failed scoring
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise UploadError(f"Scoring failed, so the run was not kept: {type(exc).__name__}: {exc}") from exc
    progress("done", 1.0, f"{name}: {summary.n_dialogues} dialogues scored")
    return UploadOutcome(summary=summary, report=report, comparison=comparison)

