"""Compare two stored runs: annotate what is missing, reuse stored results when inputs are unchanged."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from realsim_core import __version__
from realsim_core.annotate import annotate_dialogues
from realsim_core.compare._compute import CompareSettings, compare_frames
from realsim_core.compare._embed import Encoder
from realsim_core.compare._frames import build_frames
from realsim_core.compare._persist import inputs_fingerprint, load_comparison, save_comparison
from realsim_core.compare._result import ComparisonResult
from realsim_core.store import Store


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def compare_runs(
    store: Store,
    run: str,
    against: str = "real",
    *,
    settings: CompareSettings | None = None,
    backend: str = "local",
    dims: str | Sequence[str] | None = None,
    force: bool = False,
    show_progress: bool = True,
    annotate_options: dict[str, Any] | None = None,
    encoder: Encoder | None = None,
) -> ComparisonResult:
    """Compare ``run`` with ``against`` and store the result.

    Missing annotations are computed first (cached in the store). If a stored
    comparison has the same inputs fingerprint it is returned as is
    (``from_cache=True``) unless ``force``.
    """
    if run == against:
        raise ValueError(f"cannot compare run {run!r} with itself; pick another --against")
    s = settings or CompareSettings()
    results = {}
    index = {}
    for name in (run, against):
        index[name] = store.dialogue_index(name)  # raises RunNotFoundError with the stored names
        if index[name].empty:
            raise ValueError(f"run {name!r} has no dialogues")
        dialogues = store.load_dialogues(name)
        results[name] = annotate_dialogues(dialogues, dims=dims, backend=backend, store=store,
                                           show_progress=show_progress, **(annotate_options or {}))
    from realsim_core.embeddings import EMBEDDING_MODEL_NAME

    annotators = {name: {dim: spec for dim, spec in res.specs.items()} for name, res in results.items()}
    fingerprint = inputs_fingerprint({
        "dialogues": {name: index[name][["id", "domain", "scenario_id", "content_hash"]].values.tolist()
                      for name in (run, against)},
        "annotators": annotators, "settings": s.model_dump(),
        "embedding_model": EMBEDDING_MODEL_NAME if s.embeddings else None,
    })
    if not force:
        stored = load_comparison(store, run, against)
        if stored is not None and stored.inputs_fingerprint == fingerprint:
            return stored
    result = compare_frames(run, against, build_frames(results[run]), build_frames(results[against]),
                            settings=s, encoder=encoder)
    result.inputs_fingerprint = fingerprint
    result.settings.update({
        "backend": backend, "annotators": annotators[run],
        "annotators_against": annotators[against] if annotators[against] != annotators[run] else "same",
        "embedding_model": EMBEDDING_MODEL_NAME if s.embeddings else None,
        "realsim_version": __version__, "git_commit": _git_commit(),
    })
    save_comparison(store, result)
    return result
