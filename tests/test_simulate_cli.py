"""``realsim simulate`` end to end with the local model: the issue's check,
resume after a killed run, and keys never reaching disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from realsim_core.cli import main
from realsim_core.schema import Dialogue
from realsim_core.simulate import read_run_file
from realsim_core.store import Store

pytestmark = [pytest.mark.server, pytest.mark.slow]

FAST = ["--max-turns", "4", "--user-max-tokens", "24", "--assistant-max-tokens", "32", "--quiet"]


@pytest.fixture(scope="module")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> Path:
    """A data dir with the corpus files fetched (scenarios and personas; no real run needed)."""
    from realsim_core.corpus import fetch_corpus

    data_dir = tmp_path_factory.mktemp("simdata")
    fetch_corpus(data_dir=data_dir, source=str(source_dir), show_progress=False)
    return data_dir


def _children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _ids_file(tmp_path: Path, ids: list[str]) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(ids) + "\n")
    return path


def test_issue_check_two_scenarios_of_two_domains(local_llm: Any, corpus_data_dir: Path, tmp_path: Path) -> None:
    from realsim_core.corpus import load_scenarios

    ids = ["travel_3", "travel_10", "hardware_0", "hardware_7"]
    secret = "sk-test-never-store-this-0123456789"
    result = CliRunner().invoke(main, [
        "simulate", "--name", "check", "--scenarios", str(_ids_file(tmp_path, ids)), *FAST,
        "--user-base-url", local_llm.base_url, "--user-model", "smollm2-135m-instruct",
        "--assistant-base-url", local_llm.base_url, "--assistant-model", "smollm2-135m-instruct",
        "--api-key", secret, "--data-dir", str(corpus_data_dir),
    ])
    assert result.exit_code == 0, result.output
    assert "4 dialogues stored" in result.output
    out = corpus_data_dir / "runs" / "check.jsonl"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    dialogues = [Dialogue.model_validate_json(line) for line in lines]  # valid canonical JSONL
    scenarios = load_scenarios(corpus_data_dir)
    assert sorted(d.scenario_id for d in dialogues) == sorted(ids)
    for d in dialogues:
        assert len(d.user_messages) <= 4
        assert d.scenario == scenarios[d.scenario_id]
        assert d.domain == d.scenario_id.rsplit("_", 1)[0]
        assert d.source == "check" and d.persona == "a human user"
    store = Store(corpus_data_dir)
    runs = store.list_runs().set_index("name")
    assert runs.loc["check", "kind"] == "simulated" and runs.loc["check", "n_dialogues"] == 4
    meta = store.run_metadata("check")
    assert meta["user"]["model"] == "smollm2-135m-instruct" and meta["prompts_version"]
    assert meta["config"]["max_turns"] == 4 and meta["totals"]["usage"]["user"]["calls"] >= 4
    for path in corpus_data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), f"API key leaked into {path}"


def test_killed_run_resumes_only_missing_scenarios(corpus_data_dir: Path, tmp_path: Path) -> None:
    """Kill `realsim simulate` (own local server) after its first dialogue, rerun, check the rest."""
    ids = ["books_1", "song_4", "song_5"]
    args = ["simulate", "--name", "killed", "--scenarios", str(_ids_file(tmp_path, ids)), *FAST, "--max-turns", "2",
            "--seed", "9", "--data-dir", str(corpus_data_dir)]
    out = corpus_data_dir / "runs" / "killed.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    launcher = "from realsim_core.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", launcher, *args], env=env, cwd=Path(__file__).parents[1],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 1:
                break
            time.sleep(0.2)
        assert proc.poll() is None, f"run ended before it could be killed: {proc.stdout.read().decode()[-2000:]}"
        server = _children(proc.pid)  # the llama.cpp server runs in its own session
        os.kill(proc.pid, signal.SIGKILL)
        for pid in server:
            os.kill(pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = read_run_file(out, repair=False)
    assert 1 <= len(before) < len(ids)
    prefix = b"".join(d.to_json_line().encode() + b"\n" for d in before)

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"{len(ids) - len(before)} generated now, {len(before)} already finished" in result.output
    after = read_run_file(out)
    assert out.read_bytes().startswith(prefix)  # finished work untouched
    assert sorted(d.scenario_id for d in after) == sorted(ids)
    assert len(Store(corpus_data_dir).dialogue_index("killed")) == len(ids)

    again = CliRunner().invoke(main, args)  # nothing left: no server, no new lines
    assert again.exit_code == 0 and "0 generated now" in again.output
    assert len(read_run_file(out)) == len(ids)


def test_clear_errors(corpus_data_dir: Path) -> None:
    runner = CliRunner()
    base = ["simulate", "--name", "x", "--data-dir", str(corpus_data_dir)]
    result = runner.invoke(main, [*base, "--scenarios", "atlantis"])
    assert result.exit_code == 1 and "unknown domain(s) atlantis; valid domains:" in result.output
    result = runner.invoke(main, [*base, "--scenarios", "travel", "--user-model", "gpt-x"])
    assert result.exit_code == 1 and "--user-model gpt-x needs --user-base-url" in result.output
    result = runner.invoke(main, [*base, "--scenarios", "travel", "--user-base-url", "http://127.0.0.1:9/v1"])
    assert result.exit_code == 1 and "--user-model is not" in result.output


def test_demo_runs_respect_budget_and_resume(corpus_data_dir: Path) -> None:
    from realsim_core.corpus import load_personas
    from realsim_core.simulate import DEMO_RUNS, build_demo_runs

    first = build_demo_runs(corpus_data_dir, per_domain=1, max_turns=1, budget_seconds=0, show_progress=False)
    assert [o.name for o in first] == list(DEMO_RUNS)
    assert all((o.n_generated, o.n_stored, o.n_postponed) == (1, 1, 15) for o in first)
    second = build_demo_runs(corpus_data_dir, per_domain=1, max_turns=1, budget_seconds=0, show_progress=False)
    assert all((o.n_resumed, o.n_generated, o.n_stored) == (1, 1, 2) for o in second)
    store = Store(corpus_data_dir)
    informed = store.load_dialogues("smollm2-informed")
    personas = load_personas(corpus_data_dir)
    assert all(d.persona in personas[d.scenario_id] for d in informed)
    # Interleaved stratified order: the first two dialogues come from two different domains.
    assert len({d.domain for d in informed}) == 2
    assert store.run_metadata("smollm2-generic")["complete"] is False
