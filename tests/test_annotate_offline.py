"""Offline backend of intent, feedback, identity and knowledge.

Fixture dialogues are invented here; the reference labels and corpus are read
from ../shared at test time only (never copied).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from realsim_core.annotate import annotate_dialogues, build_annotator, dialogue_records
from realsim_core.annotate.offline.decode import ALL_FEEDBACK_TAGS, IDENTITY_CATEGORIES, INTENT_TAGS
from realsim_core.annotate.offline.knowledge import turn_statements
from realsim_core.annotate.offline.model import MODEL_FILES, MODELS_DIR, read_model
from realsim_core.schema import Dialogue, Message

DIMS = ("intent", "feedback", "identity", "knowledge")


def _dialogue(id_: str, *turns: str) -> Dialogue:
    messages = []
    for k, text in enumerate(turns):
        messages.append(Message(role="user", content=text))
        messages.append(Message(role="assistant", content=f"Here is my answer number {k + 1}. It has some detail."))
    return Dialogue(id=id_, source="test", messages=messages)


INVENTED = [
    _dialogue("a", "Write a short poem about a lighthouse keeper and his cat.", "Too long. Make it shorter please.",
              "", "perfect, thanks!"),
    _dialogue("b", "I'm a 34 year old nurse from Ohio and I have type 2 diabetes. What is a good breakfast?",
              "My husband and I plan to visit Lisbon next month. Which neighbourhoods are quiet?",
              "no, I meant places to stay, not to eat"),
    _dialogue("c", "How do I fix a KeyError in pandas.read_csv?", "continue", "what do you mean by index column?"),
    Dialogue(id="d", source="test", messages=[Message(role="user", content="hello")]),
]


def test_shipped_models_are_numeric_files() -> None:
    for name, filename in MODEL_FILES.items():
        path = MODELS_DIR / filename
        assert path.exists() and path.stat().st_size < 2_000_000, path
        model = read_model(path)  # refuses pickles
        assert model.coef.shape == (len(model.tags), model.mean.shape[0]) and np.isfinite(model.coef).all()
        assert model.hashed_coef.shape[0] == len(model.tags) and np.isfinite(model.hashed_coef.data).all()
        with np.load(path, allow_pickle=False) as data:  # numbers and tag names only: no vocabulary
            assert all(data[k].dtype.kind in "fiu" for k in data.files if k != "tags")
        assert set(model.tags) <= set(INTENT_TAGS) | set(ALL_FEEDBACK_TAGS) | set(IDENTITY_CATEGORIES) | {"none"}


def test_invented_dialogues_get_valid_values() -> None:
    result = annotate_dialogues(INVENTED, dims=list(DIMS), show_progress=False)
    for i, dialogue in enumerate(INVENTED):
        n = len(dialogue.user_messages)
        intents, feedbacks, knowledge = (result.values[d][i] for d in ("intent", "feedback", "knowledge"))
        assert len(intents) == len(feedbacks) == len(knowledge) == n
        assert all(set(tags) <= set(INTENT_TAGS) for tags in intents)
        assert all(tags and set(tags) <= set(ALL_FEEDBACK_TAGS) for tags in feedbacks)
        assert all("no_feedback" not in tags or tags == ["no_feedback"] for tags in feedbacks)
        assert feedbacks[0] == ["no_feedback"]
        assert all(s.startswith(("the user knows ", "the user does not know ")) for ss in knowledge for s in ss)
        identity = result.values["identity"][i]
        assert list(identity) == list(IDENTITY_CATEGORIES)
        for quotes in identity.values():
            assert all(any(q in text for text in dialogue.user_messages) for q in quotes)
    assert result.values["intent"][0][2] == []  # empty message: no request
    assert result.values["intent"][0][0] == ["content_generation"] or "content_generation" in result.values[
        "intent"][0][0]
    records = dialogue_records(result)
    assert [t["turn"] for t in records[1]["turns"]] == [1, 2, 3]


def test_identity_finds_self_disclosure() -> None:
    identity = build_annotator("identity", "local").annotate([INVENTED[1]])[0]
    assert identity["demographic"] or identity["physical"], identity
    assert not any(build_annotator("identity", "local").annotate([INVENTED[0]])[0].values())


def test_output_is_deterministic() -> None:
    first = [build_annotator(d, "local").annotate(INVENTED) for d in DIMS]
    second = [build_annotator(d, "local").annotate(list(reversed(INVENTED)))[::-1] for d in DIMS]
    assert first == second


def test_knowledge_rules() -> None:
    assert turn_statements("") == []
    assert turn_statements("ok thanks") == []
    gap = turn_statements("What is a mutual fund?")
    assert gap == ["the user does not know about mutual fund"]
    claims = turn_statements("I have been using Kubernetes for years.")
    assert "the user knows that they have been using Kubernetes for years" in claims
    assert "the user knows about Kubernetes" in claims
    assert turn_statements("Can you write a limerick about frogs?") == []


def test_spec_tracks_model_and_rejects_options() -> None:
    spec = build_annotator("intent", "local").spec
    assert spec.backend == "local" and spec.params["model_sha"] != "missing"
    with pytest.raises(ValueError, match="takes no options"):
        build_annotator("feedback", "local", temperature=0.2)


def _labels_path() -> Path:
    chosen = os.environ.get("REALSIM_LABELS")
    return Path(chosen) if chosen else Path(__file__).resolve().parents[2] / "shared" / "labels" / "reference_labels.json"


@pytest.mark.slow
def test_shipped_model_fits_reference_labels(source_dir: Path) -> None:
    """Training-fit floor: the shipped models re-scored on the 240 labelled dialogues."""
    from realsim_core.annotate.offline import infer
    from realsim_core.annotate.offline.evaluate import score_annotations
    from realsim_core.annotate.offline.reference import load_reference

    refs = load_reference(_labels_path(), source_dir)
    dialogues = [r.dialogue for r in refs]
    identity = infer.identity_for(dialogues)
    scores = score_annotations(refs, infer.intent_for(dialogues), infer.feedback_for(dialogues),
                               [[c for c, q in d.items() if q] for d in identity])
    assert scores["turns"] == 1543
    # Floors a little under the fit measured at training time (docs/annotators.md). Feedback's fit is
    # lower than intent's: its no-feedback gate is fitted on out-of-fold scores, so it ignores the tags
    # that were weak out of fold (provide_clarification) even where the in-sample scores are sure.
    assert scores["intent"]["micro"]["f1"] >= 0.92
    assert scores["feedback"]["tags"]["no_feedback"]["f1"] >= 0.90
    assert scores["feedback"]["tags"]["regeneration_request"]["f1"] >= 0.84
    assert scores["identity"]["micro"]["f1"] >= 0.70


def test_shipped_encoders_are_plain_tensors() -> None:
    """The fine-tuned layers ship as float16 tensors of the encoder layers and one head each."""
    from safetensors.numpy import load_file

    from realsim_core.annotate.offline.model import ENCODER_FILES

    sizes = {"intent": len(INTENT_TAGS) + 1, "feedback": len(ALL_FEEDBACK_TAGS) - 1}
    for name, filename in ENCODER_FILES.items():
        path = MODELS_DIR / filename
        assert path.exists() and path.stat().st_size < 25_000_000
        arrays = load_file(str(path))
        assert all(a.dtype == np.float16 and np.isfinite(a).all() for a in arrays.values())
        assert not any("embeddings" in key for key in arrays)  # the vocabulary table is the base model's
        assert {k for k in arrays if k.startswith("head.")} == {f"head.{name}.weight", f"head.{name}.bias"}
        assert arrays[f"head.{name}.weight"].shape == (sizes[name], 384)


def test_fine_tune_saves_and_reloads(tmp_path: Path) -> None:
    """A short real fine-tune moves the scores towards the targets and survives a save/load round trip."""
    from realsim_core.annotate.offline.tuned import FineTuneSettings, fine_tune, load_turn_encoder

    texts = ["write a poem about rain", "summarise this article for me", "write a song about cats",
             "give me the key points of this text"] * 2
    y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]] * 2, dtype=np.int8)
    settings = FineTuneSettings(epochs=3, batch_size=4, encoder_lr=1e-4, head_lr=1e-2)
    encoder = fine_tune(texts, {"intent": y}, {"intent": np.ones(len(texts), dtype=np.float32)}, settings)
    scores = encoder.encode(texts)["intent"]
    assert (scores[y == 1].mean() - scores[y == 0].mean()) > 0.3
    encoder.save(tmp_path / "enc.safetensors")
    again = load_turn_encoder(tmp_path / "enc.safetensors").encode(texts)
    assert np.allclose(again["intent"], scores, atol=0.02)
    assert np.allclose(np.linalg.norm(again["pooled"], axis=1), 1.0, atol=1e-3)


def test_turn_encoder_file_missing_tensors_is_an_error(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    from realsim_core.annotate.offline.tuned import load_turn_encoder

    save_file({"head.intent.weight": np.zeros((2, 384), np.float16), "head.intent.bias": np.zeros(2, np.float16)},
              str(tmp_path / "bad.safetensors"))
    with pytest.raises(ValueError, match="lacks .* encoder tensors"):
        load_turn_encoder(tmp_path / "bad.safetensors")


def test_encoder_precision_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """REALSIM_ENCODER_PRECISION picks the inference precision; a bad value is a clear error."""
    from realsim_core.annotate.offline.tuned import PRECISION_ENV, inference_precision, native_bf16

    monkeypatch.setenv(PRECISION_ENV, "fp32")
    assert inference_precision() == "fp32"
    assert build_annotator("feedback", "local").spec.params["encoder_precision"] == "fp32"
    monkeypatch.setenv(PRECISION_ENV, "BF16")
    assert inference_precision() == "bf16"
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    fp32_fingerprint = build_annotator("intent", "local").spec.fingerprint()
    monkeypatch.setenv(PRECISION_ENV, "bf16")
    assert build_annotator("intent", "local").spec.fingerprint() != fp32_fingerprint  # cached apart
    assert "encoder_precision" not in build_annotator("identity", "local").spec.params
    monkeypatch.delenv(PRECISION_ENV)
    assert inference_precision() == ("bf16" if native_bf16() else "fp32")
    monkeypatch.setenv(PRECISION_ENV, "half")
    with pytest.raises(ValueError, match="REALSIM_ENCODER_PRECISION='half'"):
        inference_precision()


def test_bf16_encoding_stays_close_to_fp32() -> None:
    """bfloat16 autocast moves the shipped encoders' scores only slightly (the speed/agreement
    trade-off itself is measured by benchmarks/encoder_precision.py)."""
    from realsim_core.annotate.offline.tuned import shipped_encoder

    texts = ["write a poem about rain", "no, shorter please", "what does that word mean?", ""]
    previous = ["", "write a poem about rain", "shorter", "thanks"]
    for name, contexts in (("intent", None), ("feedback", previous)):
        encoder = shipped_encoder(name)
        full, half = encoder.encode(texts, contexts), encoder.encode(texts, contexts, precision="bf16")
        assert full[name].dtype == half[name].dtype == np.float32
        assert np.abs(full[name] - half[name]).max() < 0.05
        assert np.abs(full[name] - half[name]).max() > 0  # it really ran at another precision
    with pytest.raises(ValueError, match="precision must be"):
        shipped_encoder("intent").encode(texts, precision="int8")
