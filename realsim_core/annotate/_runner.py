"""Run annotators over dialogues with caching and progress.

The runner is the only place that talks to the cache, so every dimension gets
resumability and ``--no-cache`` for free.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from realsim_core.annotate import _cache
from realsim_core.annotate._registry import AnnotationFailure, Annotator, build_annotator, parse_dims
from realsim_core.schema import Dialogue
from realsim_core.store import Store

ProgressCallback = Callable[[str, int, int], None]


@dataclass
class AnnotationResult:
    """Per dimension: one value (or failure) per input dialogue, in order."""

    dialogues: list[Dialogue]
    values: dict[str, list[Any]]
    specs: dict[str, dict[str, Any]]
    computed: dict[str, int] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    annotators: dict[str, Annotator] = field(default_factory=dict, repr=False)

    def failures(self, dimension: str) -> int:
        return sum(isinstance(v, AnnotationFailure) for v in self.values[dimension])


def annotate_dialogues(
    dialogues: Sequence[Dialogue],
    *,
    dims: str | Sequence[str] | None = None,
    backend: str = "local",
    store: Store | None = None,
    use_cache: bool = True,
    batch_size: int = 64,
    show_progress: bool = True,
    on_progress: ProgressCallback | None = None,
    annotator_options: dict[str, dict[str, Any]] | None = None,
    annotators: dict[str, Annotator] | None = None,
) -> AnnotationResult:
    """Annotate ``dialogues`` on ``dims``; cached values are reused when ``store`` is given.

    ``annotators`` lets a caller pass ready-built annotators (e.g. an LLM
    annotator with a client); otherwise they are built from the registry.
    """
    names = parse_dims(dims)
    options = annotator_options or {}
    hashes = [d.content_hash() for d in dialogues]
    result = AnnotationResult(dialogues=list(dialogues), values={}, specs={})
    for name in names:
        started = time.perf_counter()
        annotator = (annotators or {}).get(name) or build_annotator(name, backend, **options.get(name, {}))
        result.annotators[name] = annotator
        spec = annotator.spec
        result.specs[name] = spec.model_dump()
        known: dict[str, Any] = _cache.lookup(store, spec, hashes) if (store is not None and use_cache) else {}
        todo_idx = []
        seen_hashes: set[str] = set()
        for i, h in enumerate(hashes):
            if h not in known and h not in seen_hashes:
                todo_idx.append(i)
                seen_hashes.add(h)
        result.cached[name] = len(dialogues) - len(todo_idx)
        bar = tqdm(total=len(todo_idx), desc=f"annotate {name}", unit="dlg", disable=not show_progress or not todo_idx)
        done = 0
        for start in range(0, len(todo_idx), batch_size):
            chunk = todo_idx[start : start + batch_size]
            values = annotator.annotate([dialogues[i] for i in chunk])
            fresh = {hashes[i]: v for i, v in zip(chunk, values)}
            if store is not None:
                _cache.save(store, spec, fresh)
            known.update(fresh)
            done += len(chunk)
            bar.update(len(chunk))
            if on_progress:
                on_progress(name, done, len(todo_idx))
        bar.close()
        result.computed[name] = len(todo_idx)
        result.values[name] = [known[h] for h in hashes]
        result.seconds[name] = time.perf_counter() - started
    return result
