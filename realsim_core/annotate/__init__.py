"""Annotate dialogues on the eight dimensions (offline and LLM backends)."""

from realsim_core.annotate._output import dialogue_records
from realsim_core.annotate._registry import (
    BACKENDS,
    DIMENSION_ORDER,
    DIMENSIONS,
    AnnotationFailure,
    AnnotatorSpec,
    build_annotator,
    parse_dims,
    register_dimension,
)
from realsim_core.annotate._runner import AnnotationResult, annotate_dialogues

__all__ = [
    "BACKENDS", "DIMENSIONS", "DIMENSION_ORDER", "AnnotationFailure", "AnnotationResult",
    "AnnotatorSpec", "annotate_dialogues", "build_annotator", "dialogue_records", "parse_dims",
    "register_dimension",
]
