"""Emotion: one of seven labels for every sentence the user writes.

Card — measures: anger, disgust, fear, joy, sadness, surprise or neutral per
sentence of each user message (sentences from
:func:`realsim_core.annotate.text.split_sentences`; an empty message gives
``[]`` but keeps its turn). Unit: sentence. Value kind: label shares.
Reference: realsim paper §3 (user state), which used Hartmann's DistilRoBERTa
classifier and counted predictions under 75 % confidence as neutral.

Two methods, chosen per run and recorded in the annotator spec (its ``model``
and ``params``), so the cache never mixes them:

* ``model`` — the paper's classifier ``j-hartmann/emotion-english-distilroberta-base``
  (or any sequence classifier with the same seven labels), loaded from a
  local folder given as option ``model`` / ``REALSIM_EMOTION_MODEL``, or from
  the Hugging Face cache if it is already there (looked up offline, never
  downloaded). Softmax over the seven classes; if the top probability is
  under 0.75 the sentence is neutral. Texts are truncated at 512 tokens.
* ``lexicon`` — the offline default when no model is found: the NRC
  Emotion Lexicon (Mohammad & Turney 2013, via ``nrclex``); see
  :mod:`realsim_core.annotate.lexicon_emotion` for the rule.

``method="auto"`` (the default) takes the model when it is found, else the
lexicon. Limits: both are English-only; the lexicon ignores context beyond a
simple negation rule, so it is a coarse stand-in for the classifier.

>>> from realsim_core.schema import Dialogue, Message
>>> d = Dialogue(id="x", source="t", messages=[Message(role="user", content="I am furious. Fix the table."),
...     Message(role="assistant", content="Sorry."), Message(role="user", content="")])
>>> make_emotion(method="lexicon").annotate([d])
[[['anger', 'neutral'], []]]
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from realsim_core.annotate._registry import AnnotatorSpec, register_dimension
from realsim_core.annotate.lexicon_emotion import LexiconEmotionAnnotator
from realsim_core.annotate.text import SPLITTER_ID, split_sentences
from realsim_core.schema import Dialogue

EMOTIONS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
PAPER_MODEL = "j-hartmann/emotion-english-distilroberta-base"
CONFIDENCE_THRESHOLD = 0.75
MODEL_ENV = "REALSIM_EMOTION_MODEL"
Method = Literal["auto", "model", "lexicon"]


def _hub_cached(repo_id: str) -> Path | None:
    """The snapshot folder of ``repo_id`` if it is in the local HF cache (no network)."""
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # not cached, bad repo id, or no huggingface_hub: all mean "absent"
        return None
    return folder if (folder / "config.json").exists() else None


def find_emotion_model(model: str | os.PathLike[str] | None = None) -> Path | None:
    """Folder of the emotion classifier to use, or ``None`` when none is available.

    An explicit ``model`` (or ``REALSIM_EMOTION_MODEL``) must exist, as a folder
    or a cached hub id, otherwise this raises: a user who asked for the model
    should not silently get the lexicon.
    """
    chosen = model or os.environ.get(MODEL_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if path.is_dir():
            if not (path / "config.json").exists():
                raise FileNotFoundError(f"emotion model folder {path} has no config.json")
            return path
        cached = _hub_cached(str(chosen))
        if cached is None:
            raise FileNotFoundError(
                f"emotion model {str(chosen)!r} is neither a folder nor in the Hugging Face cache"
            )
        return cached
    return _hub_cached(PAPER_MODEL)


def _model_identity(path: Path) -> str:
    """Name plus a digest of the config and weight files' sizes: a changed model changes the key."""
    digest = hashlib.sha256((path / "config.json").read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    name = PAPER_MODEL if "emotion-english-distilroberta-base" in str(path) else path.name
    return f"{name}@{digest.hexdigest()[:12]}"


class TransformerEmotionAnnotator:
    """The paper's method: a 7-class sequence classifier with a confidence floor."""

    def __init__(self, path: Path, threshold: float = CONFIDENCE_THRESHOLD, batch_size: int = 32,
                 max_length: int = 512) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True)
        self.model.eval()
        labels = [str(self.model.config.id2label[i]).lower() for i in range(self.model.config.num_labels)]
        if sorted(labels) != sorted(EMOTIONS):
            raise ValueError(f"emotion model {path} has labels {labels}; expected the seven {list(EMOTIONS)}")
        self.labels = labels
        # Never past the model's own limit (512 for the paper's model).
        max_length = min(max_length, int(getattr(self.tokenizer, "model_max_length", max_length) or max_length))
        self.threshold, self.batch_size, self.max_length = threshold, batch_size, max_length
        self.spec = AnnotatorSpec(
            dimension="emotion", backend="local", version="1", model=_model_identity(path),
            params={"method": "model", "threshold": threshold, "max_length": max_length,
                    "splitter": SPLITTER_ID},
        )

    def classify(self, sentences: Sequence[str]) -> list[str]:
        """One label per sentence; under ``threshold`` confidence → neutral."""
        import torch

        out: list[str] = [""] * len(sentences)
        order = sorted(range(len(sentences)), key=lambda k: len(sentences[k]))  # less padding
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer([sentences[k] for k in idx], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                probs = torch.softmax(self.model(**batch).logits.float(), dim=-1)
                top_p, top_k = probs.max(dim=-1)
                for k, p, c in zip(idx, top_p.tolist(), top_k.tolist()):
                    out[k] = self.labels[c] if p >= self.threshold else "neutral"
        return out

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[list[list[str]]]:
        per_turn = [[split_sentences(text) for text in d.user_messages] for d in dialogues]
        flat = [s for turns in per_turn for sentences in turns for s in sentences]
        labels = iter(self.classify(flat))
        return [[[next(labels) for _ in sentences] for sentences in turns] for turns in per_turn]


@register_dimension(
    "emotion", unit="sentence", kind="label_shares",
    description="7-class emotion per user sentence (paper's DistilRoBERTa if available, else NRC lexicon)",
)
def make_emotion(
    backend: str = "local", method: Method = "auto", model: str | None = None,
    threshold: float = CONFIDENCE_THRESHOLD, **_: Any,
) -> TransformerEmotionAnnotator | LexiconEmotionAnnotator:
    """Pick the method: ``auto`` uses the classifier when found, else the lexicon."""
    if method not in ("auto", "model", "lexicon"):
        raise ValueError(f"unknown emotion method {method!r}; valid: auto, model, lexicon")
    if method == "lexicon":
        return LexiconEmotionAnnotator()
    path = find_emotion_model(model)
    if path is None:
        if method == "model":
            raise FileNotFoundError(
                f"the emotion model {PAPER_MODEL} is not available offline: put it in a folder and set "
                f"{MODEL_ENV} (or pass the emotion option model=PATH), or use method='lexicon'"
            )
        return LexiconEmotionAnnotator()
    return TransformerEmotionAnnotator(path, threshold=threshold)
