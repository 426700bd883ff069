"""Score the offline annotators against reference labels.

``cross_validate`` gives the honest numbers (grouped outer CV, thresholds
tuned inside each training fold); ``score_annotations`` scores any predicted
annotations (e.g. the shipped model's on the labelled set, a training-fit
check used by the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


from realsim_core.annotate.offline.decode import ALL_FEEDBACK_TAGS, IDENTITY_CATEGORIES, INTENT_TAGS
from realsim_core.annotate.offline.metrics import Score, pair_scores
from realsim_core.annotate.offline.reference import Labelled
from realsim_core.annotate.offline.training import cv_identity_presence, sentence_dataset
from realsim_core.annotate.offline.turn_training import TurnCV, TurnLabels, cv_predictions


def _presence(identity: dict[str, list[str]]) -> list[str]:
    return [c for c in IDENTITY_CATEGORIES if identity.get(c)]


def score_annotations(
    refs: Sequence[Labelled],
    intent: Sequence[Sequence[Sequence[str]]],
    feedback: Sequence[Sequence[Sequence[str]]],
    identity_presence: Sequence[Sequence[str]],
) -> dict[str, Any]:
    """Scores of per-dialogue predictions (turn lists, present categories) against ``refs``."""
    true_intent = [tags for ref in refs for tags in ref.intent]
    true_feedback = [tags for ref in refs for tags in ref.feedback]
    pred_intent = [tags for turns in intent for tags in turns]
    pred_feedback = [tags for turns in feedback for tags in turns]
    later_true = [tags for ref in refs for tags in ref.feedback[1:]]
    later_pred = [tags for turns in feedback for tags in turns[1:]]
    intent_micro, intent_tags = pair_scores(true_intent, pred_intent, INTENT_TAGS)
    feedback_micro, feedback_tags = pair_scores(true_feedback, pred_feedback, ALL_FEEDBACK_TAGS)
    later_micro, later_tags = pair_scores(later_true, later_pred, ALL_FEEDBACK_TAGS)
    identity_micro, identity_tags = pair_scores(
        [_presence(ref.identity) for ref in refs], identity_presence, IDENTITY_CATEGORIES
    )
    empty_true = [not tags for tags in true_intent]
    empty_pred = [not tags for tags in pred_intent]
    no_request = Score(
        tp=sum(t and p for t, p in zip(empty_true, empty_pred)),
        fp=sum(p and not t for t, p in zip(empty_true, empty_pred)),
        fn=sum(t and not p for t, p in zip(empty_true, empty_pred)),
    )
    return {
        "turns": len(true_intent), "dialogues": len(refs),
        "intent": {"micro": intent_micro.as_dict(), "tags": {k: v.as_dict() for k, v in intent_tags.items()},
                   "no_request": no_request.as_dict()},
        "feedback": {"micro": feedback_micro.as_dict(), "tags": {k: v.as_dict() for k, v in feedback_tags.items()},
                     "later_micro": later_micro.as_dict(),
                     "later_tags": {k: v.as_dict() for k, v in later_tags.items()}},
        "identity": {"micro": identity_micro.as_dict(),
                     "tags": {k: v.as_dict() for k, v in identity_tags.items()}},
    }


def _per_dialogue(flat: list[list[str]], refs: Sequence[Labelled]) -> list[list[list[str]]]:
    out, start = [], 0
    for ref in refs:
        n = len(ref.intent)
        out.append(flat[start : start + n])
        start += n
    return out


def cross_validate(refs: Sequence[Labelled], labels: TurnLabels, turn_cv: TurnCV) -> dict[str, Any]:
    """Grouped outer cross-validation of all three models (turn models from their out-of-fold scores)."""
    predicted = cv_predictions(labels, turn_cv)
    sentences = sentence_dataset(refs)
    presence = cv_identity_presence(sentences, len(refs))
    present = [[c for c, flag in zip(IDENTITY_CATEGORIES, row) if flag] for row in presence]
    intent = _per_dialogue(predicted.intent, refs)
    scores = score_annotations(refs, intent, _per_dialogue(predicted.feedback, refs), present)
    ungated_micro, ungated_tags = pair_scores([tags for ref in refs for tags in ref.feedback],
                                              predicted.feedback_without_gate, ALL_FEEDBACK_TAGS)
    reachable = sum(
        1 for g, ref in enumerate(refs) for c in _presence(ref.identity)
        if sentences.Y[sentences.groups == g][:, IDENTITY_CATEGORIES.index(c)].any()
    )
    scores["intent"]["head_weights"] = predicted.head_weights
    scores["feedback"]["without_gate"] = {"micro": ungated_micro.as_dict(),
                                          "tags": {t: ungated_tags[t].as_dict()
                                                   for t in ("no_feedback", "regeneration_request")}}
    scores["identity"]["candidate_recall_ceiling"] = round(
        reachable / max(1, sum(len(_presence(r.identity)) for r in refs)), 3
    )
    return scores
