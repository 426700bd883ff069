"""Feature matrices for the offline classifiers.

Every model sees a dense block and a hashed block. Dense turn features
(intent, feedback): the fine-tuned turn encoder's embedding of the user
message (:mod:`.tuned`), its cosine similarity to the previous user turn's
embedding (a repeated, slightly edited request signals regeneration), word overlap with the opening of the previous reply,
position, length and the hand-written cue groups of :mod:`.text`. Hashed
block: word 1–2-grams of the message (feedback also of the previous user
message, in a separate bucket space) hashed into fixed buckets, so the
shipped weights are numbers over bucket indices and no vocabulary is stored.
Identity sentences: hashed n-grams of the sentence plus length and cue
groups; no sentence embedding (grouped CV showed it did not help, and it was
a second MiniLM pass over the corpus).
Turn embeddings are passed in (one row per turn, rows of a dialogue
consecutive): inference takes them from the shipped encoder, training from
the encoder of the cross-validation fold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from realsim_core.annotate.offline.text import (
    IDENTITY_CUES,
    REPLY_CHARS,
    TURN_CUES,
    USER_CHARS,
    Turn,
    cue_vector,
)

DIM = 384
_WORD = re.compile(r"[a-z0-9']+")
# Hashed bucket counts: the current message, and (feedback) the previous user message.
TEXT_BUCKETS = 2**16
PREV_BUCKETS = 2**14

TURN_SCALAR_NAMES = (
    "is_first", "log_position", "log_words", "log_chars", "n_questions", "is_empty",
    "sim_prev_user", "overlap_prev_reply", "same_as_prev", "log_reply_chars",
)
SENTENCE_SCALAR_NAMES = ("log_words", "turn_is_first", "has_question")


def hashed_ngrams(texts: Sequence[str], buckets: int) -> sp.csr_matrix:
    """Binary, L2-normalised word 1–2-grams (and ? / ! marks) hashed into ``buckets`` columns."""
    vectorizer = HashingVectorizer(
        ngram_range=(1, 2), n_features=buckets, alternate_sign=False, norm="l2", binary=True,
        lowercase=True, token_pattern=r"(?u)\b\w+\b|[?!]",
    )
    return vectorizer.transform([t[:USER_CHARS] for t in texts]).tocsr().astype(np.float32)


def turn_hashed(turns: Sequence[Turn], with_previous: bool) -> sp.csr_matrix:
    """Hashed block of the turn rows: the message, and optionally the previous user message."""
    blocks = [hashed_ngrams([t.text for t in turns], TEXT_BUCKETS)]
    if with_previous:
        blocks.append(hashed_ngrams([t.previous_user for t in turns], PREV_BUCKETS))
    return sp.hstack(blocks, format="csr")


def _log1(x: float) -> float:
    return math.log1p(max(x, 0.0))


def _overlap(text: str, reply: str) -> float:
    """Share of the message's words found in the reply's opening."""
    words = set(_WORD.findall(text.lower()))
    if not words:
        return 0.0
    return len(words & set(_WORD.findall(reply[:REPLY_CHARS].lower()))) / len(words)


def previous_rows(turns: Sequence[Turn]) -> np.ndarray:
    """Row of each turn's previous user turn (-1 for a first turn); rows of a dialogue are consecutive."""
    return np.array([i - 1 if turn.index > 0 else -1 for i, turn in enumerate(turns)], dtype=np.int64)


def turn_features(turns: Sequence[Turn], pooled: np.ndarray) -> np.ndarray:
    """(n_turns, 384 + scalars + cues) float32 matrix; ``pooled`` is (n_turns, 384), one row per turn."""
    if not turns:
        return np.zeros((0, DIM + len(TURN_SCALAR_NAMES) + len(TURN_CUES)), dtype=np.float32)
    if pooled.shape != (len(turns), DIM):
        raise ValueError(f"expected ({len(turns)}, {DIM}) turn embeddings, got {pooled.shape}")
    user = np.asarray(pooled, dtype=np.float32)
    prev = np.vstack([user, np.zeros((1, DIM), dtype=np.float32)])[previous_rows(turns)]
    scalars = []
    for i, turn in enumerate(turns):
        text = turn.text.strip()
        scalars.append([
            1.0 if turn.index == 0 else 0.0,
            _log1(turn.index),
            _log1(len(text.split())),
            _log1(len(text)),
            min(text.count("?"), 5) / 5.0,
            0.0 if text else 1.0,
            float(user[i] @ prev[i]),
            _overlap(text, turn.previous_reply),
            1.0 if text and text == turn.previous_user.strip() else 0.0,
            _log1(len(turn.previous_reply)),
        ] + cue_vector(text[:USER_CHARS], TURN_CUES))
    return np.hstack([user, np.asarray(scalars, dtype=np.float32)]).astype(np.float32)


def sentence_features(sentences: Sequence[str], turn_indices: Sequence[int]) -> np.ndarray:
    """(n_sentences, scalars + identity cues) float32 matrix (dense block of identity)."""
    width = len(SENTENCE_SCALAR_NAMES) + len(IDENTITY_CUES)
    if not sentences:
        return np.zeros((0, width), dtype=np.float32)
    scalars = [
        [_log1(len(s.split())), 1.0 if k == 0 else 0.0, 1.0 if "?" in s else 0.0] + cue_vector(s, IDENTITY_CUES)
        for s, k in zip(sentences, turn_indices)
    ]
    return np.asarray(scalars, dtype=np.float32)


def sentence_hashed(sentences: Sequence[str]) -> sp.csr_matrix:
    """Hashed block of identity sentences."""
    return hashed_ngrams(sentences, TEXT_BUCKETS)
