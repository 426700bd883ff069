"""Offline (default) backend for intent, feedback, identity and knowledge.

Small linear classifiers over MiniLM embeddings and hand-written cue features,
fitted on the reference labels by ``scripts/train_annotators.py`` and shipped
as numeric ``.npz`` files in ``models/``; knowledge is rule-based. See
``docs/annotators.md`` for the method and cross-validated quality.
"""

from realsim_core.annotate.offline.annotator import OfflineAnnotator

__all__ = ["OfflineAnnotator"]
