"""Emotion: the transformer path with a tiny real RoBERTa built here, and the NRC lexicon default.

All fixture text below is invented for these tests.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from realsim_core.annotate.dimensions.emotion import (
    EMOTIONS,
    PAPER_MODEL,
    TransformerEmotionAnnotator,
    find_emotion_model,
    make_emotion,
)
from realsim_core.annotate.lexicon_emotion import LexiconEmotionAnnotator, label_sentence
from realsim_core.schema import Dialogue, Message

ID2LABEL = {0: "anger", 1: "disgust", 2: "fear", 3: "joy", 4: "neutral", 5: "sadness", 6: "surprise"}
WORDS = "i am so happy today the plot was dull please fix my code thanks what a surprise".split()


def dialogue(*user: str) -> Dialogue:
    messages = []
    for text in user:
        messages += [Message(role="user", content=text), Message(role="assistant", content="Sure.")]
    return Dialogue(id="d", source="test", messages=messages)


def build_tiny_model(folder: Path, joy_logit: float) -> Path:
    """A 1-layer RoBERTa classifier with 7 emotion labels whose output only depends on the bias."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, RobertaConfig, RobertaForSequenceClassification

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {tok: i for i, tok in enumerate(specials + WORDS)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>",
        model_max_length=32,
    )
    config = RobertaConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=40, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        num_labels=7, id2label=ID2LABEL, label2id={v: k for k, v in ID2LABEL.items()},
    )
    torch.manual_seed(0)
    model = RobertaForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.out_proj.weight.zero_()
        model.classifier.out_proj.bias.zero_()
        model.classifier.out_proj.bias[3] = joy_logit
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def joy_logit_for(p: float) -> float:
    """Logit of joy (others 0) that gives joy probability ``p`` among 7 classes."""
    return math.log(6 * p / (1 - p))


TEXTS = ("i am so happy today. the plot was dull!", "", "please fix my code\nthanks")


def test_transformer_confident_model_labels_every_sentence(tmp_path: Path) -> None:
    annotator = TransformerEmotionAnnotator(build_tiny_model(tmp_path / "m", joy_logit_for(0.99)))
    (value,) = annotator.annotate([dialogue(*TEXTS)])
    assert [len(turn) for turn in value] == [2, 0, 2]  # one label per sentence; empty turn kept
    assert {label for turn in value for label in turn} == {"joy"}
    assert annotator.spec.params["method"] == "model" and annotator.spec.params["threshold"] == 0.75


@pytest.mark.parametrize(("p", "expected"), [(0.80, "joy"), (0.70, "neutral"), (1 / 7, "neutral")])
def test_transformer_confidence_threshold(tmp_path: Path, p: float, expected: str) -> None:
    annotator = TransformerEmotionAnnotator(build_tiny_model(tmp_path / "m", joy_logit_for(p)))
    assert annotator.classify(["what a surprise", "i am so happy"]) == [expected, expected]
    assert set(annotator.classify(WORDS)) <= set(EMOTIONS)


def test_model_is_found_by_env_and_in_the_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants as hf_constants

    cache = tmp_path / "hub"
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.delenv("REALSIM_EMOTION_MODEL", raising=False)
    assert find_emotion_model() is None
    assert isinstance(make_emotion(), LexiconEmotionAnnotator)
    with pytest.raises(FileNotFoundError, match="not available offline"):
        make_emotion(method="model")

    # Lay the tiny model out exactly as the hub cache does for the paper's model.
    commit = "0" * 40
    repo = cache / ("models--" + PAPER_MODEL.replace("/", "--"))
    build_tiny_model(repo / "snapshots" / commit, joy_logit_for(0.99))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    assert find_emotion_model() == repo / "snapshots" / commit
    cached = make_emotion()
    assert isinstance(cached, TransformerEmotionAnnotator)
    assert cached.spec.model.startswith(PAPER_MODEL + "@")

    local = build_tiny_model(tmp_path / "local", joy_logit_for(0.5))
    monkeypatch.setenv("REALSIM_EMOTION_MODEL", str(local))
    from_env = make_emotion()
    assert isinstance(from_env, TransformerEmotionAnnotator)
    # Different weights or method → different cache keys.
    fingerprints = {from_env.spec.fingerprint(), cached.spec.fingerprint(), LexiconEmotionAnnotator.spec.fingerprint()}
    assert len(fingerprints) == 3
    monkeypatch.setenv("REALSIM_EMOTION_MODEL", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="neither a folder"):
        make_emotion()


def test_transformer_rejects_wrong_labels(tmp_path: Path) -> None:
    from transformers import AutoConfig

    folder = build_tiny_model(tmp_path / "m", 0.0)
    config = AutoConfig.from_pretrained(folder)
    config.id2label = {i: f"LABEL_{i}" for i in range(7)}
    config.save_pretrained(folder)
    with pytest.raises(ValueError, match="expected the seven"):
        TransformerEmotionAnnotator(folder)


@pytest.mark.parametrize(("sentence", "label"), [
    ("I am absolutely furious with this answer.", "anger"),
    ("I love it, thank you so much!", "joy"),
    ("My dog died last week and I feel terrible grief.", "sadness"),
    ("I am not happy with it.", "neutral"),
    ("Write a function that sorts a list of numbers.", "neutral"),
    ("Convert this table to a bulleted list", "neutral"),
])
def test_lexicon_labels(sentence: str, label: str) -> None:
    assert label_sentence(sentence) == label


def test_lexicon_shape_and_spec() -> None:
    (value,) = LexiconEmotionAnnotator().annotate([dialogue(*TEXTS)])
    assert [len(turn) for turn in value] == [2, 0, 2]
    assert all(label in EMOTIONS for turn in value for label in turn)
    assert LexiconEmotionAnnotator.spec.params["method"] == "lexicon"
    with pytest.raises(ValueError, match="unknown emotion method"):
        make_emotion(method="guess")  # type: ignore[arg-type]
