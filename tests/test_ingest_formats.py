"""Every upload format: detection, counts, drop reasons, ids and pairing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realsim_core.ingest import FORMATS, IngestError, ScenarioIndex, detect_format, pair_dialogues, read_dialogues
from realsim_core.ingest import LossReport
from realsim_core.schema import Dialogue, Message

UPLOADS = Path(__file__).parent / "data" / "uploads"

# file -> (format, read, kept, kept ids, dropped reason kinds)
EXPECTED = {
    "canonical.jsonl": ("jsonl", 5, 2, ["c-1", "c-2"], {"no user turn", "unknown role", "duplicate id"}),
    "realsim.json": ("realsim", 4, 2, ["k7", "k8"], {"no user turn", "non-text content"}),
    "openai.jsonl": ("openai", 4, 2, ["openai:0", "openai:2"], {"non-text content", "unknown role"}),
    "sharegpt.json": ("sharegpt", 4, 2, ["sg-a", "sg-b"], {"empty record", "unknown role"}),
    "taubench.json": ("taubench", 2, 1, ["taubench:0"], {"no user turn"}),
    "longform.csv": ("csv", 4, 2, ["d1", "d2"], {"unknown role", "duplicate id"}),
}


def test_every_format_has_a_sample() -> None:
    assert sorted(v[0] for v in EXPECTED.values()) == sorted(FORMATS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_counts_and_reasons(name: str) -> None:
    fmt, n_read, n_kept, ids, kinds = EXPECTED[name]
    path = UPLOADS / name
    assert detect_format(path) == fmt
    result = read_dialogues(path, source="sim")
    dialogues = list(result.dialogues)
    report = result.report
    assert (report.read, report.kept, report.dropped) == (n_read, n_kept, n_read - n_kept)
    assert [d.id for d in dialogues] == ids
    assert set(report.reason_counts) == kinds
    assert all(d.source == "sim" for d in dialogues)
    assert all(r.locator.startswith(("line ", "record ")) for r in report.dropped_records)
    rendered = report.render()
    assert f"read {n_read}, kept {n_kept}, dropped {n_read - n_kept}" in rendered
    # explicit --format gives the same result as auto-detection
    again = read_dialogues(path, fmt=fmt, source="sim")
    assert [d.id for d in again.dialogues] == ids


def test_message_level_mapping() -> None:
    openai = {d.id: d for d in read_dialogues(UPLOADS / "openai.jsonl").dialogues}
    assert openai["openai:0"].metadata["system"] == ["You are a terse bicycle mechanic."]
    assert [m.role for m in openai["openai:2"].messages] == ["user", "assistant"]
    sharegpt = next(iter(read_dialogues(UPLOADS / "sharegpt.json").dialogues))
    assert [m.role for m in sharegpt.messages] == ["user", "assistant", "user", "assistant"]
    assert sharegpt.metadata["system"] == ["Answer like a patient chess coach."]
    result = read_dialogues(UPLOADS / "taubench.json")
    tau = next(iter(result.dialogues))
    assert [m.role for m in tau.messages] == ["user", "assistant", "user"]
    assert [t["role"] for t in tau.metadata["tool_messages"]] == ["assistant", "tool"]
    assert tau.metadata["task_id"] == 3 and tau.metadata["reward"] == 1.0
    csv_d = {d.id: d for d in read_dialogues(UPLOADS / "longform.csv").dialogues}
    assert csv_d["d2"].messages[0].content.startswith("Write me")  # rows sorted by turn
    assert csv_d["d2"].messages[1].content == 'Sure, "quoted" words and\na line break are fine.'
    assert csv_d["d2"].scenario_id == "song_902" and csv_d["d1"].domain == "general"
    assert csv_d["d1"].metadata == {"temperature": "0.7"}
    real = list(read_dialogues(UPLOADS / "realsim.json").dialogues)
    assert real[1].messages[-1].content == ""  # empty user turns are kept, as in the corpus
    assert real[0].metadata["model"] == "toy-sim"


def test_strict_mode_raises_on_first_bad_record() -> None:
    with pytest.raises(IngestError) as err:
        list(read_dialogues(UPLOADS / "canonical.jsonl", strict=True).dialogues)
    assert "canonical.jsonl at line 3" in str(err.value) and "no user turn" in str(err.value)


def _realsim_file(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_repeated_conversation_ids_fall_back_to_stem_index(tmp_path: Path) -> None:
    turn = [{"role": "user", "content": "same id twice"}]
    path = _realsim_file(tmp_path / "sims.json", [
        {"conversation_id": "x", "conversation": turn},
        {"conversation_id": "x", "conversation": turn + [{"role": "assistant", "content": "ok"}]},
        {"conversation_id": "y", "conversation": turn},
    ])
    result = read_dialogues(path)
    dialogues = list(result.dialogues)
    assert [d.id for d in dialogues] == ["sims:0", "sims:1", "sims:2"]
    assert [d.metadata["conversation_id"] for d in dialogues] == ["x", "x", "y"]
    assert any("repeat" in w for w in result.report.warnings)


def test_record_with_10000_turns(tmp_path: Path) -> None:
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn number {i}"} for i in range(10_000)]
    path = _realsim_file(tmp_path / "long.json", [{"conversation_id": "long", "conversation": turns}])
    (dialogue,) = list(read_dialogues(path).dialogues)
    assert len(dialogue.messages) == 10_000
    assert dialogue.messages[-1].content == "turn number 9999"


def _dialogue(ident: str, **fields: str | None) -> Dialogue:
    return Dialogue(id=ident, source="sim", messages=[Message(role="user", content="hi")], **fields)


def test_pairing_by_id_and_by_text() -> None:
    index = ScenarioIndex({"garden_1": "interacting with a chatbot to plan a herb garden",
                           "garden_2": "interacting with a chatbot to fix a leaking hose"})
    report = LossReport(path="mem")
    dialogues = [
        _dialogue("a", scenario_id="garden_2"),
        _dialogue("b", scenario="  interacting with a chatbot to plan\na herb garden "),
        _dialogue("c", scenario_id="garden_77"),
        _dialogue("d", scenario="something else entirely"),
        _dialogue("e", scenario_id="garden_1", scenario="a different text", domain="kitchen"),
    ]
    paired = {d.id: d for d in pair_dialogues(dialogues, index, report)}
    assert (paired["a"].domain, paired["a"].scenario) == ("garden", "interacting with a chatbot to fix a leaking hose")
    assert (paired["b"].scenario_id, paired["b"].domain) == ("garden_1", "garden")
    assert paired["c"].scenario is None and paired["c"].domain == "garden"
    assert paired["d"].scenario_id is None and paired["d"].domain is None
    assert paired["e"].scenario == "a different text" and paired["e"].domain == "kitchen"
    assert report.paired == 3
    text = " ".join(report.warnings)
    assert "garden_77" in text and "differs" in text and "domain" in text


def test_pairing_without_corpus_trusts_the_record() -> None:
    report = LossReport(path="mem")
    (d,) = list(pair_dialogues([_dialogue("a", scenario_id="travel_5")], ScenarioIndex(None), report))
    assert d.domain == "travel" and d.scenario is None
    assert report.paired == 1 and "not fetched" in report.warnings[0]


def test_released_real_file_reads_as_realsim_format(source_dir: Path) -> None:
    """The corpus's own layout (repeated conversation ids) reads with <stem>:<index> ids."""
    path = source_dir / "real_dialogues" / "mental_health.json"
    result = read_dialogues(path, source="copy")
    dialogues = list(result.dialogues)
    assert result.format == "realsim" and result.report.dropped == 0
    assert len(dialogues) == result.report.read == len(json.loads(path.read_text(encoding="utf-8")))
    assert [d.id for d in dialogues[:2]] == ["mental_health:0", "mental_health:1"]
    assert all("conversation_id" in d.metadata for d in dialogues)
