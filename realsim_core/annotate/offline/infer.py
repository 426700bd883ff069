"""Offline inference for intent, feedback and identity over batches of dialogues.

Intent and feedback run the fine-tuned turn encoder over all turns of the
batch once (its per-process cache makes the second of them free); identity
needs no encoding. Each scores its rows with the shipped linear model (intent
and feedback blend in their encoder's head; feedback's gate decides
``no_feedback`` from both scorers) and decodes with the guide's rules, so the
encoder pass over the user turns is the only real cost.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from realsim_core.annotate.offline.decode import decode_feedback, decode_identity, decode_intent, empty_identity
from realsim_core.annotate.offline.features import sentence_features, sentence_hashed, turn_features, turn_hashed
from realsim_core.annotate.offline.model import load_model
from realsim_core.annotate.offline.text import FIRST_PERSON, USER_CHARS, Turn, dialogue_turns, split_sentences
from realsim_core.annotate.offline.tuned import encode_turns, feedback_scores
from realsim_core.schema import Dialogue

# Sentences longer than this are pasted material rather than a disclosure.
MAX_SENTENCE_WORDS = 80


def _batch_turns(dialogues: Sequence[Dialogue]) -> tuple[list[Turn], list[int]]:
    turns: list[Turn] = []
    counts: list[int] = []
    for dialogue in dialogues:
        own = dialogue_turns(dialogue)
        turns.extend(own)
        counts.append(len(own))
    return turns, counts


def _split(values: list, counts: Sequence[int]) -> list[list]:
    out, start = [], 0
    for count in counts:
        out.append(values[start : start + count])
        start += count
    return out


def intent_for(dialogues: Sequence[Dialogue]) -> list[list[list[str]]]:
    """Per dialogue, one intent tag list per user message."""
    model = load_model("intent")
    turns, counts = _batch_turns(dialogues)
    if not turns:
        return [[] for _ in dialogues]
    encoded = encode_turns([t.text[:USER_CHARS] for t in turns])
    linear = model.proba(turn_features(turns, encoded["pooled"]), turn_hashed(turns, with_previous=False))
    proba = model.blend(linear, encoded.get("intent"))
    tags = decode_intent(proba, model.thresholds, [t.text for t in turns])
    return _split(tags, counts)


def feedback_for(dialogues: Sequence[Dialogue]) -> list[list[list[str]]]:
    """Per dialogue, one feedback tag list per user message."""
    model = load_model("feedback")
    turns, counts = _batch_turns(dialogues)
    if not turns:
        return [[] for _ in dialogues]
    encoded = encode_turns([t.text[:USER_CHARS] for t in turns])
    linear = model.proba(turn_features(turns, encoded["pooled"]), turn_hashed(turns, with_previous=True))
    head = None
    if model.head_weight or model.has_gate:
        later = [i for i, t in enumerate(turns) if t.index > 0]  # turn 1 is no_feedback by rule
        head = np.zeros_like(linear)
        head[later] = feedback_scores([turns[i].text[:USER_CHARS] for i in later],
                                      [turns[i].previous_user[:USER_CHARS] for i in later])
    proba = model.blend(linear, head)
    gate = model.no_feedback_proba(linear, head) if head is not None else None
    tags = decode_feedback(proba, model.thresholds, [t.index for t in turns], gate, model.gate_threshold)
    return _split(tags, counts)


def candidate_sentences(dialogue: Dialogue) -> list[tuple[str, int, int, int]]:
    """(sentence, 0-based turn, start, end) where the user may speak about themselves.

    Only first-person sentences qualify: the guide asks for the user's own
    disclosures and forbids guessing, and the filter keeps encoding cheap.
    """
    out: list[tuple[str, int, int, int]] = []
    for k, text in enumerate(dialogue.user_messages):
        for start, end in split_sentences(text):
            sentence = text[start:end]
            if FIRST_PERSON.search(sentence) and 2 <= len(sentence.split()) <= MAX_SENTENCE_WORDS:
                out.append((sentence, k, start, end))
    return out


def identity_for(dialogues: Sequence[Dialogue]) -> list[dict[str, list[str]]]:
    """Per dialogue, verbatim user quotes per identity category."""
    model = load_model("identity")
    per_dialogue = [candidate_sentences(d) for d in dialogues]
    flat = [pair for pairs in per_dialogue for pair in pairs]
    if not flat:
        return [empty_identity() for _ in dialogues]
    sentences = [c[0] for c in flat]
    proba = model.proba(sentence_features(sentences, [c[1] for c in flat]), sentence_hashed(sentences))
    out, start = [], 0
    for pairs in per_dialogue:
        rows = proba[start : start + len(pairs)]
        start += len(pairs)
        out.append(decode_identity(rows, model.thresholds, [c[0] for c in pairs]))
    return out
