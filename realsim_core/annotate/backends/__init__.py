"""Annotation backends beyond the offline default: an OpenAI-compatible LLM.

Dimension modules call :func:`make_llm_annotator` for ``backend="llm"``; the
CLI calls :func:`estimate_cost` before a run and ``annotator.report()`` after.
"""

from realsim_core.annotate.backends._estimate import PRICES_PER_MTOK, cost_usd, estimate_cost
from realsim_core.annotate.backends.llm import LLM_DIMENSIONS, LLMAnnotator, make_llm_annotator

__all__ = ["LLM_DIMENSIONS", "PRICES_PER_MTOK", "LLMAnnotator", "cost_usd", "estimate_cost", "make_llm_annotator"]
