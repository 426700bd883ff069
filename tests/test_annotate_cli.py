"""`realsim annotate` and the annotation cache (reuse, --no-cache, fingerprints, interruption).

All fixture text below is invented for these tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from realsim_core.annotate import AnnotatorSpec, annotate_dialogues, register_dimension
from realsim_core.annotate._registry import DIMENSIONS
from realsim_core.cli import main
from realsim_core.schema import Dialogue, Message, write_jsonl
from realsim_core.store import Store

FAST_DIMS = "length,linguistic,errors,emotion"


def make_dialogues(n: int) -> list[Dialogue]:
    out = []
    for i in range(n):
        out.append(Dialogue(id=f"t{i}", source="test", messages=[
            Message(role="user", content=f"please write {i} short poems about my garden. i love it"),
            Message(role="assistant", content="Here they are."),
            Message(role="user", content=""),
            Message(role="assistant", content="Anything else?"),
            Message(role="user", content=f"Make number {i} sadder.\nThanks!"),
        ]))
    return out


class CountingAnnotator:
    """Real work (word counts) that fails after ``fail_after`` dialogues, to interrupt a run."""

    def __init__(self, version: str = "1", fail_after: int | None = None) -> None:
        self.spec = AnnotatorSpec(dimension="probe", backend="local", version=version)
        self.fail_after, self.seen = fail_after, 0

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[int]:
        if self.fail_after is not None and self.seen + len(dialogues) > self.fail_after:
            raise RuntimeError("interrupted on purpose")
        self.seen += len(dialogues)
        return [len(" ".join(d.user_messages).split()) for d in dialogues]


@pytest.fixture()
def probe_dimension() -> Any:
    register_dimension("probe", unit="dialogue", kind="count", description="test probe")(
        lambda backend="local", **options: CountingAnnotator(**options))
    yield "probe"
    DIMENSIONS.pop("probe", None)


def test_cache_reuse_no_cache_fingerprint_and_interruption(tmp_path: Path, probe_dimension: str) -> None:
    store = Store(tmp_path)
    dialogues = make_dialogues(10)
    with pytest.raises(RuntimeError, match="on purpose"):
        annotate_dialogues(dialogues, dims=[probe_dimension], store=store, batch_size=3, show_progress=False,
                           annotators={"probe": CountingAnnotator(fail_after=7)})
    # Two finished batches of three survive the interruption.
    resumed = CountingAnnotator()
    result = annotate_dialogues(dialogues, dims=[probe_dimension], store=store, batch_size=3,
                                show_progress=False, annotators={"probe": resumed})
    assert (result.cached["probe"], result.computed["probe"], resumed.seen) == (6, 4, 4)

    again = CountingAnnotator()
    result = annotate_dialogues(dialogues, dims=[probe_dimension], store=store, show_progress=False,
                                annotators={"probe": again})
    assert (result.computed["probe"], again.seen) == (0, 0)
    assert result.values["probe"] == [len(" ".join(d.user_messages).split()) for d in dialogues]

    fresh = CountingAnnotator()
    result = annotate_dialogues(dialogues, dims=[probe_dimension], store=store, use_cache=False,
                                show_progress=False, annotators={"probe": fresh})
    assert (result.computed["probe"], fresh.seen) == (10, 10)

    bumped = CountingAnnotator(version="2")
    assert bumped.spec.fingerprint() != again.spec.fingerprint()
    assert bumped.spec.fingerprint() != AnnotatorSpec(dimension="probe", backend="local", version="1",
                                                      params={"x": 1}).fingerprint()
    result = annotate_dialogues(dialogues, dims=[probe_dimension], store=store, show_progress=False,
                                annotators={"probe": bumped})
    assert (result.computed["probe"], bumped.seen) == (10, 10)


def test_cli_file_mode_output_format_and_cache(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(make_dialogues(3), source)
    out = tmp_path / "out.jsonl"
    args = ["annotate", str(source), "--out", str(out), "--dims", FAST_DIMS, "--data-dir", str(tmp_path / "d"),
            "--quiet"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["t0", "t1", "t2"]
    rec = records[0]
    assert rec["length"] == {"words": 16, "turns": 3}
    assert set(rec["linguistic"]) == {"fk_grade", "mtld"} and isinstance(rec["errors"], int)
    assert [t["turn"] for t in rec["turns"]] == [1, 2, 3]
    assert [len(t["emotion"]) for t in rec["turns"]] == [2, 0, 2]
    assert "failed" not in rec
    assert "emotion" in first.output and "computed" in first.output

    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    rows = {line.split()[0]: line.split() for line in second.output.splitlines() if line.split()}
    for dim in FAST_DIMS.split(","):
        assert rows[dim][1:3] == ["0", "3"], second.output  # computed 0, cached 3
    assert [json.loads(line) for line in out.read_text().splitlines()] == records

    third = CliRunner().invoke(main, [*args, "--no-cache"])
    rows = {line.split()[0]: line.split() for line in third.output.splitlines() if line.split()}
    assert rows["errors"][1:3] == ["3", "0"]



def test_cli_encoder_precision_is_cached_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--encoder-precision reaches the offline encoders, keys their cache entries, and leaves the
    process environment as it was."""
    from realsim_core.annotate.offline.tuned import PRECISION_ENV

    monkeypatch.delenv(PRECISION_ENV, raising=False)
    source = tmp_path / "in.jsonl"
    write_jsonl(make_dialogues(2), source)
    base = ["annotate", str(source), "--out", str(tmp_path / "o.jsonl"), "--dims", "feedback",
            "--data-dir", str(tmp_path / "d"), "--quiet"]
    for precision, computed in (("fp32", "2"), ("bf16", "2"), ("fp32", "0")):
        result = CliRunner().invoke(main, [*base, "--encoder-precision", precision])
        assert result.exit_code == 0, result.output
        rows = {line.split()[0]: line.split() for line in result.output.splitlines() if line.split()}
        assert rows["feedback"][1] == computed, (precision, result.output)
        assert PRECISION_ENV not in os.environ
    bad = CliRunner().invoke(main, [*base, "--encoder-precision", "int4"])
    assert bad.exit_code == 2 and "int4" in bad.output

def test_cli_run_mode_and_errors(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_run("sim", make_dialogues(2), kind="simulated")
    ok = CliRunner().invoke(main, ["annotate", "--run", "sim", "--dims", "length", "--data-dir", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "of run 'sim'" in ok.output
    cached = store.query_df("SELECT count(*) AS n FROM annotations WHERE dimension = 'length'")
    assert int(cached["n"][0]) == 2

    bad = [
        (["annotate", "--run", "nope", "--data-dir", str(tmp_path)], "no run named 'nope'"),
        (["annotate", "--run", "sim", "--dims", "colour", "--data-dir", str(tmp_path)], "unknown dimension"),
        (["annotate", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.jsonl")], "no such file"),
        (["annotate", "--data-dir", str(tmp_path)], "either FILE"),
    ]
    for args, message in bad:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and message in result.output, result.output
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("{not json\n")
    result = CliRunner().invoke(main, ["annotate", str(garbage), "--out", str(tmp_path / "o.jsonl"),
                                       "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "not canonical realsim JSONL" in result.output, result.output


@pytest.mark.server
def test_cli_llm_backend_passes_endpoint(tmp_path: Path, local_llm: Any) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(make_dialogues(1), source)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, [
        "annotate", str(source), "--out", str(out), "--backend", "llm", "--dims", "feedback,length",
        "--base-url", local_llm.base_url, "--model", local_llm.endpoint().model, "--concurrency", "2",
        "--data-dir", str(tmp_path), "--quiet",
    ], env={"OPENAI_API_KEY": "local-test-key"})
    assert result.exit_code == 0, result.output
    assert "estimate" in result.output and "local-test-key" not in result.output
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(record["turns"]) == 3
    assert "feedback" in record["turns"][0] or "feedback" in record.get("failed", {})
    store_text = (tmp_path / "realsim.duckdb").read_bytes()
    assert b"local-test-key" not in store_text
