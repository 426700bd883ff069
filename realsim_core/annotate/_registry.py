"""Registry of dimensions: one module per dimension, registered by name.

A dimension says what it annotates (``unit``: turn, sentence or dialogue) and
what kind of value it yields (``kind``), which later picks the distance used in
``compare``. ``--dims`` and the dashboard's pickers read this registry, so an
unknown name fails with the list of valid ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from realsim_core.schema import Dialogue

Unit = Literal["turn", "sentence", "dialogue"]
ValueKind = Literal["label_shares", "count", "scalar", "statements"]
BACKENDS = ("local", "llm")


class AnnotatorSpec(BaseModel):
    """Everything that determines an annotation's value besides the text.

    Its fingerprint, with the dialogue's content hash, is the cache key: change
    a model, prompt or threshold (bump ``version`` or ``params``) and stale
    values are never reused.
    """

    model_config = ConfigDict(frozen=True)

    dimension: str
    backend: str
    version: str
    model: str | None = None
    params: dict[str, Any] = {}

    def fingerprint(self) -> str:
        payload = json.dumps(self.model_dump(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


class AnnotationFailure(BaseModel):
    """A failed annotation is a value: stored with its reason, skipped in aggregates."""

    error: str


class Annotator(Protocol):
    """Computes one dimension for a batch of dialogues with one backend."""

    spec: AnnotatorSpec

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[Any | AnnotationFailure]:
        """One value per dialogue, in order: for ``unit='turn'`` dimensions a list
        with one entry per user message (empty messages included)."""
        ...


@dataclass(frozen=True)
class DimensionInfo:
    """A registered dimension and how to build its annotator per backend."""

    name: str
    unit: Unit
    kind: ValueKind
    description: str
    factory: Callable[..., Annotator]
    llm_capable: bool = False
    options: dict[str, Any] = field(default_factory=dict)


DIMENSIONS: dict[str, DimensionInfo] = {}
# Order in which dimensions appear in outputs and tables.
DIMENSION_ORDER = (
    "intent", "feedback", "emotion", "identity", "knowledge", "length", "linguistic", "errors",
)


def register_dimension(
    name: str, *, unit: Unit, kind: ValueKind, description: str, llm_capable: bool = False
) -> Callable[[Callable[..., Annotator]], Callable[..., Annotator]]:
    """Decorator registering an annotator factory ``factory(backend, **options)``."""

    def decorate(factory: Callable[..., Annotator]) -> Callable[..., Annotator]:
        DIMENSIONS[name] = DimensionInfo(
            name=name, unit=unit, kind=kind, description=description,
            factory=factory, llm_capable=llm_capable,
        )
        return factory

    return decorate


def parse_dims(value: str | Sequence[str] | None) -> list[str]:
    """Turn ``"intent,length"`` (or ``None`` for all) into validated names."""
    from realsim_core.annotate import dimensions  # noqa: F401  (fills the registry)

    if value is None or value == "all" or value == ["all"]:
        return [d for d in DIMENSION_ORDER if d in DIMENSIONS]
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        valid = ", ".join(d for d in DIMENSION_ORDER if d in DIMENSIONS)
        raise ValueError(f"unknown dimension(s) {', '.join(unknown)}; valid: {valid}")
    return names


def build_annotator(name: str, backend: str, **options: Any) -> Annotator:
    """Instantiate the annotator of dimension ``name`` for ``backend``.

    Dimensions without an LLM variant (surface form, emotion) ignore
    ``backend='llm'`` and use their own method: the paper computes them without
    an LLM too.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
    info = DIMENSIONS[parse_dims([name])[0]]
    chosen = backend if info.llm_capable else "local"
    return info.factory(chosen, **options)
