"""The DuckDB store: all-or-nothing runs, refusal to overwrite, serialised writers."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from realsim_core.schema import Dialogue, Message
from realsim_core.store import RunExistsError, RunNotFoundError, Store


def make_dialogues(n: int, prefix: str = "d") -> list[Dialogue]:
    return [
        Dialogue(
            id=f"{prefix}{i}",
            source="sim",
            domain="travel",
            scenario_id=f"travel_{i}",
            messages=[
                Message(role="user", content=f"plan a trip number {i}"),
                Message(role="assistant", content="Sure, where to?"),
                Message(role="user", content="somewhere warm"),
            ],
            metadata={"k": i},
        )
        for i in range(n)
    ]


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    store = Store(tmp_path)
    original = make_dialogues(3)
    summary = store.save_run("sim", original, kind="upload")
    assert summary.n_dialogues == 3 and summary.n_messages == 9
    assert store.load_dialogues("sim") == original
    assert store.list_runs()["name"].tolist() == ["sim"]


def test_existing_name_refused_without_replace(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_run("sim", make_dialogues(2), kind="upload")
    with pytest.raises(RunExistsError, match="--replace"):
        store.save_run("sim", make_dialogues(5), kind="upload")
    assert len(store.load_dialogues("sim")) == 2
    store.save_run("sim", make_dialogues(5), kind="upload", replace=True)
    assert len(store.load_dialogues("sim")) == 5


def test_failure_mid_run_leaves_store_unchanged(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_run("keep", make_dialogues(2), kind="upload")
    before = store.version()

    def broken():
        yield from make_dialogues(600, prefix="x")  # crosses a batch flush
        raise ValueError("record 601: bad")

    with pytest.raises(ValueError, match="record 601"):
        store.save_run("broken", broken(), kind="upload")
    assert store.run_names() == ["keep"]
    assert store.query_df("SELECT count(*) AS n FROM dialogues WHERE run = 'broken'")["n"][0] == 0
    assert store.version() == before


def test_replace_that_fails_keeps_the_old_run(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_run("sim", make_dialogues(2), kind="upload")
    dup = make_dialogues(2) + make_dialogues(1)
    with pytest.raises(ValueError, match="duplicate dialogue id"):
        store.save_run("sim", dup, kind="upload", replace=True)
    assert len(store.load_dialogues("sim")) == 2


def test_delete(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_run("sim", make_dialogues(2), kind="upload")
    store.delete_run("sim")
    assert store.run_names() == []
    with pytest.raises(RunNotFoundError):
        store.delete_run("sim")
    with pytest.raises(RunNotFoundError, match="no run named 'sim'"):
        store.dialogue_index("sim")


def _write_run(args: tuple[str, str]) -> int:
    data_dir, name = args
    return Store(data_dir).save_run(name, make_dialogues(300, prefix=name), kind="upload").n_dialogues


def test_concurrent_writers_are_serialised(tmp_path: Path) -> None:
    Store(tmp_path)
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        counts = pool.map(_write_run, [(str(tmp_path), f"run{i}") for i in range(4)])
    assert counts == [300] * 4
    store = Store(tmp_path)
    assert sorted(store.run_names()) == ["run0", "run1", "run2", "run3"]
    assert store.version() == 5  # creation + four writes, none lost
