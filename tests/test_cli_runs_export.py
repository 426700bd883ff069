"""`realsim ingest` -> `realsim export` round trips, `realsim runs`, and concurrent ingests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from realsim_core.cli import main
from realsim_core.ingest import load_scenario_index, pair_dialogues, read_dialogues
from realsim_core.store import Store

UPLOADS = Path(__file__).parent / "data" / "uploads"
REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("sample", sorted(p.name for p in UPLOADS.iterdir()))
def test_ingest_export_round_trip(sample: str, tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out.jsonl"
    output = _run("ingest", str(UPLOADS / sample), "--name", "sim", "--data-dir", str(data))
    assert "read " in output and "stored run 'sim'" in output
    _run("export", "sim", "--data-dir", str(data), "--out", str(out))
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").rstrip("\n").split("\n")]
    result = read_dialogues(UPLOADS / sample, source="sim")
    paired = pair_dialogues(result.dialogues, load_scenario_index(data), result.report)
    expected = [json.loads(d.to_json_line()) for d in paired]
    assert len(expected) == result.report.kept > 0
    assert exported == expected
    # and the exported canonical JSONL ingests back to the same dialogues
    _run("ingest", str(out), "--name", "again", "--data-dir", str(data))
    again = [json.loads(d.to_json_line()) for d in Store(data).iter_dialogues("again")]
    assert [{**d, "source": "sim"} for d in again] == expected


def test_runs_list_and_delete(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert "no runs stored yet" in _run("runs", "--data-dir", data)
    _run("ingest", str(UPLOADS / "sharegpt.json"), "--name", "gpt-sim", "--data-dir", data)
    _run("ingest", str(UPLOADS / "longform.csv"), "--name", "csv-sim", "--data-dir", data)
    listing = _run("runs", "--data-dir", data)
    header, *rows = listing.strip().splitlines()
    assert header.split()[:3] == ["name", "kind", "created_at"]
    assert [r.split()[0] for r in rows] == ["gpt-sim", "csv-sim"]
    records = json.loads(_run("runs", "--json", "--data-dir", data))
    csv_run = next(r for r in records if r["name"] == "csv-sim")
    assert (csv_run["n_read"], csv_run["n_kept"], csv_run["n_dropped"], csv_run["format"]) == (4, 2, 2, "csv")
    loss = Store(data).run_metadata("csv-sim")["loss_report"]
    assert loss["reasons"] == {"unknown role": 1, "duplicate id": 1}
    assert "deleted run 'gpt-sim'" in _run("runs", "delete", "gpt-sim", "--data-dir", data)
    assert Store(data).run_names() == ["csv-sim"]
    result = CliRunner().invoke(main, ["runs", "delete", "gpt-sim", "--data-dir", data])
    assert result.exit_code == 1 and "no run named 'gpt-sim'" in result.output
    result = CliRunner().invoke(main, ["export", "nothere", "--data-dir", data, "--out", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1 and "nothere" in result.output


def _realsim_cli() -> list[str]:
    script = Path(sys.executable).with_name("realsim")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from realsim_core.cli import main; main()"]


@pytest.mark.slow
def test_two_concurrent_ingests_both_succeed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(data)  # created up front so both processes open an existing file
    records = [
        {"conversation_id": f"c{i}", "conversation": [{"role": "user", "content": f"question {i} " * 20},
                                                      {"role": "assistant", "content": f"answer {i} " * 40}]}
        for i in range(4000)
    ]
    upload = tmp_path / "many.json"
    upload.write_text(json.dumps(records), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = [
        subprocess.Popen([*_realsim_cli(), "ingest", str(upload), "--name", name, "--data-dir", str(data)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
        for name in ("first", "second")
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = Store(data)
    assert sorted(store.run_names()) == ["first", "second"]
    for name in ("first", "second"):
        assert len(store.dialogue_index(name)) == 4000


def test_export_real_and_pair_with_corpus(real_data_dir: Path, tmp_path: Path) -> None:
    from realsim_core.corpus import load_scenarios

    out = tmp_path / "real.jsonl"
    assert "wrote 961 dialogues" in _run("export", "real", "--data-dir", str(real_data_dir), "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").rstrip("\n").split("\n")]
    assert len(lines) == 961 and len({d["domain"] for d in lines}) == 16
    # An upload naming a scenario by id or by its exact text gets paired with the corpus.
    scenarios = load_scenarios(real_data_dir)
    by_id, by_text = sorted(scenarios)[:2]
    upload = tmp_path / "paired.jsonl"
    rows = [
        {"messages": [{"role": "user", "content": "first invented turn"}], "scenario_id": by_id},
        {"messages": [{"role": "user", "content": "second invented turn"}], "scenario": scenarios[by_text]},
        {"messages": [{"role": "user", "content": "third invented turn"}], "scenario_id": "nosuch_1"},
    ]
    upload.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    output = _run("ingest", str(upload), "--name", "paired", "--data-dir", str(real_data_dir))
    assert "paired with real scenarios: 2 of 3" in output and "nosuch_1" in output
    stored = {d.id: d for d in Store(real_data_dir).iter_dialogues("paired")}
    assert stored["paired:0"].scenario == scenarios[by_id]
    assert stored["paired:1"].scenario_id == by_text
    assert stored["paired:0"].domain == by_id.rpartition("_")[0]
    _run("runs", "delete", "paired", "--data-dir", str(real_data_dir))
