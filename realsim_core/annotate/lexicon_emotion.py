"""Offline emotion default: the NRC Emotion Lexicon mapped to the paper's 7 classes.

The NRC lexicon (Mohammad & Turney 2013, bundled in ``nrclex``) tags words
with eight emotions and two polarities. A sentence's label is chosen so that a
stray topical word ("money", "music") rarely makes a request emotional,
mirroring the classifier's 0.75 confidence floor:

1. tokens are lower-cased words; a token within three tokens after a negator
   (not, no, never, n't, without, …) is ignored (negated emotion is not the
   emotion; we do not guess its opposite);
2. a token is looked up as is, then with a plural, -ed, -ing, -ly or -ness ending
   removed; a short supplement adds common chat words the bundled lexicon lacks
   (``sad``, ``great``, ``thanks``, ``sorry``, …), with the NRC's own tags;
3. words are fed to ``NRCLex.load_token_list`` and the raw scores read back;
4. the sentence's polarity is positive if more hits are tagged positive than
   negative, negative if fewer; on a tie, the side whose emotion classes have
   more hits wins (joy+surprise vs anger+disgust+fear+sadness); if that ties
   too, the sentence is neutral;
5. among the classes of that polarity (joy, surprise | anger, disgust, fear,
   sadness) the one with the most hits wins; ties go to the first in that
   order. No hit of that polarity's classes → neutral.

Classes anticipation and trust have no counterpart in the seven and are
used only through their words' polarity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING

from realsim_core.annotate._registry import AnnotatorSpec
from realsim_core.annotate.text import SPLITTER_ID, split_sentences
from realsim_core.schema import Dialogue

if TYPE_CHECKING:
    from nrclex import NRCLex

POSITIVE_CLASSES = ("joy", "surprise")
NEGATIVE_CLASSES = ("anger", "sadness", "fear", "disgust")
NEGATORS = frozenset({"not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without",
                      "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "cannot",
                      "couldnt", "wont", "wouldnt", "shouldnt", "aint", "hardly"})
NEGATION_SCOPE = 3
# Common chat words missing from nrclex's bundled lexicon, tagged as in NRC's conventions.
SUPPLEMENT: dict[str, list[str]] = {
    "sad": ["negative", "sadness"],
    "great": ["joy", "positive"],
    "amazing": ["joy", "positive", "surprise"],
    "awesome": ["joy", "positive"],
    "wonderful": ["joy", "positive", "surprise"],
    "thanks": ["joy", "positive"],
    "thank": ["joy", "positive"],
    "glad": ["joy", "positive"],
    "sorry": ["negative", "sadness"],
    "wow": ["positive", "surprise"],
    "upset": ["anger", "negative", "sadness"],
    "scared": ["fear", "negative"],
    "annoying": ["anger", "negative"],
    "annoyed": ["anger", "negative"],
    "stupid": ["anger", "disgust", "negative"],
    "gross": ["disgust", "negative"],
    "shocked": ["negative", "surprise"],
}
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SUFFIXES = ("ness", "ing", "ed", "ly", "es", "s")


@lru_cache(maxsize=1)
def _nrc() -> NRCLex:
    from nrclex import NRCLex

    return NRCLex()


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[str]]:
    merged = dict(_nrc().__lexicon__)
    for word, tags in SUPPLEMENT.items():
        merged.setdefault(word, tags)
    return merged


@lru_cache(maxsize=65536)
def _lookup(token: str) -> str | None:
    """The lexicon form of ``token`` (itself or with one common ending removed)."""
    lexicon = _lexicon()
    if token in lexicon:
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            stem = token[: -len(suffix)]
            for candidate in (stem, stem + "e"):
                if candidate in lexicon:
                    return candidate
    return None


def _emotion_words(sentence: str) -> list[str]:
    raw = _TOKEN.findall(sentence.lower().replace("\u2019", "'"))
    words: list[str] = []
    negated_until = -1
    for i, original in enumerate(raw):
        token = original.replace("'", "")
        if token in NEGATORS or original.endswith("n't"):
            negated_until = i + NEGATION_SCOPE
            continue
        if i <= negated_until:
            continue
        form = _lookup(token)
        if form is not None:
            words.append(form)
    return words


def label_sentence(sentence: str) -> str:
    """The 7-class label of one sentence by the rule in the module docstring."""
    words = _emotion_words(sentence)
    if not words:
        return "neutral"
    lexicon = _lexicon()
    nrc = _nrc()
    # nrclex scores only words of its own lexicon; supplement words are counted here.
    nrc.load_token_list([w for w in words if w in nrc.__lexicon__])
    scores: dict[str, int] = dict(nrc.raw_emotion_scores)
    for word in words:
        if word not in nrc.__lexicon__:
            for tag in lexicon[word]:
                scores[tag] = scores.get(tag, 0) + 1
    positive, negative = scores.get("positive", 0), scores.get("negative", 0)
    if positive == negative:  # tie on polarity: let the emotion tags of each side decide
        positive = sum(scores.get(c, 0) for c in POSITIVE_CLASSES)
        negative = sum(scores.get(c, 0) for c in NEGATIVE_CLASSES)
        if positive == negative:
            return "neutral"
    classes = POSITIVE_CLASSES if positive > negative else NEGATIVE_CLASSES
    best = max(classes, key=lambda c: (scores.get(c, 0), -classes.index(c)))
    return best if scores.get(best, 0) > 0 else "neutral"


class LexiconEmotionAnnotator:
    """Per-sentence NRC-lexicon labels; needs no download."""

    spec = AnnotatorSpec(
        dimension="emotion", backend="local", version="1", model=f"nrclex-{version('nrclex')}",
        params={"method": "lexicon", "negation_scope": NEGATION_SCOPE, "supplement": sorted(SUPPLEMENT),
                "splitter": SPLITTER_ID},
    )

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[list[list[str]]]:
        return [[[label_sentence(s) for s in split_sentences(text)] for text in d.user_messages]
                for d in dialogues]
