"""Acceptance checks on the real corpus (read at run time; nothing copied into the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from realsim_core.compare import CompareSettings, compare_runs
from realsim_core.schema import Dialogue, Message
from realsim_core.store import Store

pytestmark = pytest.mark.slow
SETTINGS = CompareSettings(bootstrap=300, embeddings=False)


@pytest.fixture()
def real_store(real_data_dir: Path, tmp_path: Path) -> Store:
    """A private copy of the real store, so runs added here never leak into other tests."""
    shutil.copy(real_data_dir / "realsim.duckdb", tmp_path / "realsim.duckdb")
    return Store(tmp_path)


def test_real_halves_sit_inside_the_noise_floor(real_store: Store) -> None:
    real = real_store.load_dialogues("real")
    order = np.random.default_rng(42).permutation(len(real))
    half = len(real) // 2
    real_store.save_run("half_a", [real[i] for i in sorted(order[:half])], kind="split")
    real_store.save_run("half_b", [real[i] for i in sorted(order[half:])], kind="split")
    result = compare_runs(real_store, "half_a", "half_b", settings=SETTINGS, dims="length,linguistic",
                          show_progress=False)
    rows = result.table2.dropna(subset=["value"])
    assert {"words", "turns"} <= set(rows["dimension"])
    for row in rows.itertuples():
        assert row.ci_low <= row.noise_ci_high and row.noise_ci_low <= row.ci_high, row.dimension
        assert row.p_value > 0.01, row.dimension


def test_tripled_messages_double_the_words_distance(real_store: Store) -> None:
    real = real_store.load_dialogues("real")
    tripled = [
        Dialogue(**{**d.model_dump(), "source": "tripled", "messages": [
            Message(role=m.role, content=" ".join([m.content] * 3) if m.role == "user" else m.content)
            for m in d.messages]})
        for d in real
    ]
    real_store.save_run("tripled", tripled, kind="test")
    result = compare_runs(real_store, "tripled", "real", settings=SETTINGS, dims="length", show_progress=False)
    t2 = result.table2.set_index("dimension")
    mean_words = result.table1.set_index("run").loc["real", "mean_words"]
    assert t2.loc["words", "value"] == pytest.approx(2 * mean_words)
    assert t2.loc["words", "value"] == pytest.approx(302, abs=3)
    assert t2.loc["words", "ci_low"] > 0
    assert t2.loc["turns", "value"] == 0.0
    assert t2.loc["words", "p_value"] < 0.01
