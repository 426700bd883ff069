"""Bad uploads: a clear error naming the file and the problem, exit code 1, store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from realsim_core.cli import main
from realsim_core.ingest import IngestError, ingest_file, read_dialogues
from realsim_core.store import RunExistsError, Store

UPLOADS = Path(__file__).parent / "data" / "uploads"
GOOD = '{"messages": [{"role": "user", "content": "hello there"}, {"role": "assistant", "content": "hi"}]}\n'

# name -> (bytes, expected fragments of the error message)
BAD_FILES: dict[str, tuple[bytes, list[str]]] = {
    "malformed.json": (
        b'[\n {"conversation": [{"role": "user", "content": "a"}]},\n {"conversation": tru}\n]',
        ["malformed JSON", "line 3, column 19"],
    ),
    "malformed.jsonl": (GOOD.encode() + b'{"messages": [}\n', ["malformed JSON", "line 2, column 15"]),
    "truncated.json": (b'[{"conversation": [{"role": "user", "content": "a"}]}, {"conv', ["malformed JSON", "line 1"]),
    "empty.json": (b"", ["the file is empty"]),
    "blank.jsonl": (b"\n   \n", ["the file is empty"]),
    "object.json": (b'{\n  "dialogues": [1, 2]\n}\n', ["wrong top-level shape", "single JSON object"]),
    "strings.json": (b'["one", "two"]', ["wrong top-level shape", "JSON string"]),
    "scalar.json": (b"42\n", ["wrong top-level shape"]),
    "prose.txt": (b"These are not dialogues.\n", ["not JSON, JSON Lines or CSV"]),
    "latin1.jsonl": (GOOD.encode() + '{"messages": [{"role": "user", "content": "café"}]}\n'.encode("latin-1"),
                     ["not valid UTF-8", "line 2", "byte offset"]),
    "latin1.json": ('[{"messages": [{"role": "user", "content": "café"}]}]'.encode("latin-1"),
                    ["not valid UTF-8", "line 1"]),
    "utf16.json": ('[{"messages": []}]'.encode("utf-16"), ["UTF-16"]),
    "badheader.csv": (b"id,speaker,words\n1,user,hi\n", ["CSV header lacks", "dialogue_id"]),
    "unknown_roles.jsonl": (b'{"messages": [{"role": "narrator", "content": "x"}]}\n'
                            b'{"messages": [{"role": "robot", "content": "y"}]}\n',
                            ["no dialogue could be kept", "unknown role"]),
    "all_repeated.csv": (b"dialogue_id,turn,role,text\nd,0,user,hi\nd,0,user,again\n",
                         ["no dialogue could be kept", "bad turn"]),
}


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A store that already holds a run, to prove failed ingests leave it intact."""
    data = tmp_path / "data"
    ingest_file(Store(data), UPLOADS / "sharegpt.json", "kept", data_dir=data)
    return data


def _snapshot(data: Path) -> tuple[list[str], list[str]]:
    store = Store(data)
    return store.run_names(), [d.to_json_line() for d in store.iter_dialogues("kept")]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_fails_cleanly(name: str, tmp_path: Path, data_dir: Path) -> None:
    content, fragments = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    before = _snapshot(data_dir)
    result = CliRunner().invoke(main, ["ingest", str(path), "--name", "bad", "--data-dir", str(data_dir)])
    assert result.exit_code == 1, result.output
    assert str(path) in result.output
    for fragment in fragments:
        assert fragment in result.output
    assert "Traceback" not in result.output
    assert _snapshot(data_dir) == before


def test_error_mid_stream_rolls_back_everything(tmp_path: Path, data_dir: Path) -> None:
    """A syntax error after thousands of good records leaves no partial run (nor a replaced one)."""
    good = {"conversation": [{"role": "user", "content": "fine"}, {"role": "assistant", "content": "ok"}]}
    body = ",\n".join(json.dumps(good) for _ in range(3000))
    path = tmp_path / "late_error.json"
    path.write_text("[\n" + body + ",\n{\"conversation\": [}\n]", encoding="utf-8")
    before = _snapshot(data_dir)
    with pytest.raises(IngestError, match=r"line 3002, column 19"):
        ingest_file(Store(data_dir), path, "kept", replace=True, data_dir=data_dir)
    assert _snapshot(data_dir) == before


def test_existing_name_needs_replace(data_dir: Path) -> None:
    with pytest.raises(RunExistsError):
        ingest_file(Store(data_dir), UPLOADS / "openai.jsonl", "kept", data_dir=data_dir)
    result = CliRunner().invoke(main, ["ingest", str(UPLOADS / "openai.jsonl"), "--name", "kept",
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "--replace" in result.output
    result = CliRunner().invoke(main, ["ingest", str(UPLOADS / "openai.jsonl"), "--name", "kept", "--replace",
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert [d.id for d in Store(data_dir).iter_dialogues("kept")] == ["openai:0", "openai:2"]


def test_real_is_reserved(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(UPLOADS / "openai.jsonl"), "--name", "real",
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "reserved" in result.output
    assert "real" not in Store(data_dir).run_names()


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_dialogues(tmp_path / "nope.json")
    with pytest.raises(ValueError, match="unknown format"):
        read_dialogues(UPLOADS / "openai.jsonl", fmt="yaml")


def test_repeated_ids_are_reported_not_fatal(tmp_path: Path, data_dir: Path) -> None:
    line = '{"id": "same", "source": "s", "messages": [{"role": "user", "content": "%s"}]}\n'
    path = tmp_path / "dups.jsonl"
    path.write_text(line % "first" + line % "second" + line % "third", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path), "--name", "dups", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "read 3, kept 1, dropped 2" in result.output
    assert "line 2 (id 'same'): duplicate id 'same' (first at line 1)" in result.output
    (kept,) = Store(data_dir).load_dialogues("dups")
    assert kept.messages[0].content == "first"
