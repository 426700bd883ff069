"""Feature matrices for the offline classifiers.

Turn features (intent, feedback): MiniLM embedding of the user message, its
cosine similarity to the previous user turn (a repeated, slightly edited
request signals regeneration), word overlap with the opening of the previous
reply, position, length and the hand-written cue groups of :mod:`.text`.
An embedding of the previous reply was tried and dropped: it did not improve
grouped-CV scores and doubled the encoding time.
Sentence features (identity): MiniLM embedding of the sentence plus the
first-person cue groups.

Embeddings go through a per-process memo keyed by text so intent and feedback,
run one after the other on the same dialogues, encode each text only once.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

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
_MEMO_LIMIT = 60_000
_memo: OrderedDict[str, np.ndarray] = OrderedDict()

TURN_SCALAR_NAMES = (
    "is_first", "log_position", "log_words", "log_chars", "n_questions", "is_empty",
    "sim_prev_user", "overlap_prev_reply", "same_as_prev", "log_reply_chars",
)
SENTENCE_SCALAR_NAMES = ("log_words", "turn_is_first", "has_question")


def embed(texts: Sequence[str]) -> np.ndarray:
    """MiniLM embeddings with a per-process memo; empty text → zero vector."""
    from realsim_core.embeddings import encode

    keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
    missing = {k: t for k, t in zip(keys, texts) if t.strip() and k not in _memo}
    if missing:
        vectors = encode(list(missing.values()))
        for key, vector in zip(missing, vectors):
            _memo[key] = vector
        while len(_memo) > _MEMO_LIMIT:
            _memo.popitem(last=False)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, (key, text) in enumerate(zip(keys, texts)):
        if text.strip():
            vector = _memo.get(key)
            if vector is None:  # evicted inside this very call (huge batch): encode directly
                vector = encode([text])[0]
            out[i] = vector
    return out


def _log1(x: float) -> float:
    return math.log1p(max(x, 0.0))


def _overlap(text: str, reply: str) -> float:
    """Share of the message's words found in the reply's opening."""
    words = set(_WORD.findall(text.lower()))
    if not words:
        return 0.0
    return len(words & set(_WORD.findall(reply[:REPLY_CHARS].lower()))) / len(words)


def turn_features(turns: Sequence[Turn]) -> np.ndarray:
    """(n_turns, 384 + scalars + cues) float32 matrix."""
    if not turns:
        return np.zeros((0, DIM + len(TURN_SCALAR_NAMES) + len(TURN_CUES)), dtype=np.float32)
    # Previous user turns are the same texts as the turns themselves: the memo encodes each once.
    user = embed([t.text[:USER_CHARS] for t in turns])
    prev = embed([t.previous_user[:USER_CHARS] for t in turns])
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
    """(n_sentences, 384 + scalars + identity cues) float32 matrix."""
    width = DIM + len(SENTENCE_SCALAR_NAMES) + len(IDENTITY_CUES)
    if not sentences:
        return np.zeros((0, width), dtype=np.float32)
    vectors = embed([s[:USER_CHARS] for s in sentences])
    scalars = [
        [_log1(len(s.split())), 1.0 if k == 0 else 0.0, 1.0 if "?" in s else 0.0] + cue_vector(s, IDENTITY_CUES)
        for s, k in zip(sentences, turn_indices)
    ]
    return np.hstack([vectors, np.asarray(scalars, dtype=np.float32)]).astype(np.float32)
