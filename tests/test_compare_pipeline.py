"""Comparison tables, storage and the CLI on invented dialogues (no corpus text)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from realsim_core.annotate import AnnotationFailure, AnnotationResult
from realsim_core.cli import main
from realsim_core.compare import (
    TABLE2_COLUMNS, CompareSettings, build_frames, compare_frames, compare_runs, knowledge_heatmap, load_comparison,
    load_table,
)
from realsim_core.schema import Dialogue, Message
from realsim_core.store import Store

TOPICS = ["gardening", "taxes", "chess", "bicycles", "baking", "astronomy"]
INTENTS = ["info_retrieval", "content_generation", "method_guidance", "info_analysis"]


def invented_dialogues(run: str, n: int, seed: int, verbose: int = 1) -> list[Dialogue]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        msgs = []
        for t in range(int(rng.integers(2, 6))):
            words = " ".join([f"{topic} question {t}"] + ["please"] * int(rng.integers(0, 6)) * verbose)
            msgs += [Message(role="user", content=words), Message(role="assistant", content=f"answer about {topic}")]
        out.append(Dialogue(id=f"{run}:{i}", source=run, domain=topic, scenario_id=f"{topic}_{i // 6}",
                            messages=msgs))
    return out


def synthetic_result(dialogues: list[Dialogue], seed: int, skew: int = 0) -> AnnotationResult:
    rng = np.random.default_rng(seed)
    values: dict[str, list[object]] = {"length": [], "intent": [], "identity": [], "knowledge": []}
    for d in dialogues:
        turns = d.user_messages
        values["length"].append({"words": sum(len(t.split()) for t in turns), "turns": len(turns)})
        values["intent"].append([[INTENTS[int(rng.integers(0, len(INTENTS) - skew))]] for _ in turns])
        values["identity"].append({"demographic": ["my invented job"] if rng.random() < 0.3 else [], "past": []})
        values["knowledge"].append([[f"the user knows about {d.domain}"] for _ in turns])
    values["intent"][0] = AnnotationFailure(error="invented failure")
    return AnnotationResult(dialogues=dialogues, values=values, specs={})


def test_tables_have_the_contract_shape() -> None:
    run = build_frames(synthetic_result(invented_dialogues("sim", 60, 1, verbose=3), 1, skew=2))
    real = build_frames(synthetic_result(invented_dialogues("real", 90, 2), 2))
    result = compare_frames("sim", "real", run, real, CompareSettings(bootstrap=100, embeddings=False))
    t2 = result.table2
    assert list(t2.columns[:13]) == TABLE2_COLUMNS[:13]
    assert t2["dimension"].tolist() == ["intent", "feedback", "emotion", "identity", "knowledge", "words", "turns",
                                        "errors", "fk_grade", "mtld", "frechet", "c2st_auc"]
    intent = t2.set_index("dimension").loc["intent"]
    assert intent["failed_run"] == 1 and "failed" in intent["warning"] and intent["n_run"] == 59
    assert intent["value"] > intent["noise_ci_high"]  # skewed intents are a real gap
    assert t2.set_index("dimension").loc["feedback", "warning"] == "feedback not annotated"
    assert result.table1["run"].tolist() == ["sim", "real"]
    assert {"mean_words", "share_intent_info_retrieval", "share_identity_demographic"} <= set(result.table1.columns)
    missing = result.missing[result.missing["dimension"] == "intent"]
    top = missing.iloc[0]
    assert top["direction"] in {"invented", "missing"} and json.loads(top["examples"])
    assert set(result.table3["dimension"]) >= {"intent", "words", "turns", "identity"}
    assert (result.table3["n_domains"] == len(TOPICS)).all()


def test_embedding_metrics_with_minilm() -> None:
    sim = invented_dialogues("sim", 36, 3, verbose=4)
    real = invented_dialogues("real", 36, 4)
    result = compare_frames("sim", "real", build_frames(synthetic_result(sim, 3)),
                            build_frames(synthetic_result(real, 4)), CompareSettings(bootstrap=50))
    t2 = result.table2.set_index("dimension")
    assert 0.5 < t2.loc["c2st_auc", "value"] <= 1.0
    frechet = t2.loc["frechet"]
    assert frechet["value"] > 0 and 0 <= frechet["ci_low"] <= frechet["ci_high"] and frechet["replicates"] == 50
    assert 0.0 < t2.loc["knowledge", "value"] <= 1.0 + 1e-6
    assert set(result.domains.loc[result.domains["dimension"] == "knowledge", "domain"]) == set(TOPICS)


def _store_with_runs(tmp_path: Path) -> Store:
    store = Store(tmp_path)
    store.save_run("real", invented_dialogues("real", 40, 5), kind="real")
    store.save_run("sim", invented_dialogues("sim", 40, 6, verbose=3), kind="simulated")
    return store


def test_compare_runs_stores_and_reuses(tmp_path: Path) -> None:
    store = _store_with_runs(tmp_path)
    settings = CompareSettings(bootstrap=50, embeddings=False)
    first = compare_runs(store, "sim", "real", settings=settings, dims="length", show_progress=False)
    assert not first.from_cache
    again = compare_runs(store, "sim", "real", settings=settings, dims="length", show_progress=False)
    assert again.from_cache and again.inputs_fingerprint == first.inputs_fingerprint
    pd.testing.assert_frame_equal(again.table2, first.table2, check_dtype=False)
    other = compare_runs(store, "sim", "real", settings=CompareSettings(bootstrap=60, embeddings=False),
                         dims="length", show_progress=False)
    assert not other.from_cache and other.inputs_fingerprint != first.inputs_fingerprint
    loaded = load_comparison(store, "sim", "real")
    assert loaded is not None and loaded.settings["bootstrap"] == 60
    assert loaded.settings["annotators"]["length"]["dimension"] == "length"
    assert load_table(store, "table2")["run"].unique().tolist() == ["sim"]
    assert knowledge_heatmap(store).empty  # knowledge was not annotated
    with pytest.raises(ValueError, match="itself"):
        compare_runs(store, "real", "real", settings=settings, dims="length", show_progress=False)


def test_cli_writes_all_tables(tmp_path: Path) -> None:
    _store_with_runs(tmp_path)
    out = tmp_path / "out"
    args = ["compare", "--run", "sim", "--data-dir", str(tmp_path), "--out", str(out), "--dims", "length",
            "--bootstrap", "50", "--no-embeddings"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for name in ("table1", "table2", "table3", "domains", "missing"):
        assert (out / f"{name}.csv").exists()
    t2 = pd.read_csv(out / "table2.csv")
    assert list(t2.columns[:13]) == TABLE2_COLUMNS[:13]
    words = t2.set_index("dimension").loc["words"]
    assert words["value"] > 0 and words["ci_low"] > 0
    payload = json.loads((out / "comparison.json").read_text())
    assert payload["settings"]["seed"] == 0 and payload["settings"]["bootstrap"] == 50
    bad = CliRunner().invoke(main, ["compare", "--run", "nope", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 1 and "nope" in bad.output
