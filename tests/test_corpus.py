"""The real corpus: fetch (checksums, atomic writes, skips), loading and scenario links."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from realsim_core.corpus import (
    DOMAINS,
    FILES,
    FetchError,
    domain_of,
    fetch_corpus,
    load_personas,
    load_real_corpus,
)
from realsim_core.store import Store

EXPECTED_DOMAINS = {
    "books", "branding", "cybersecurity", "datascience", "education", "email", "finance", "general",
    "governance", "hardware", "job", "mental", "music", "nutrition", "song", "travel",
}


def test_fetch_skips_valid_files_and_verifies(tmp_path: Path, source_dir: Path) -> None:
    first = fetch_corpus(data_dir=tmp_path, source=str(source_dir), show_progress=False)
    assert len(first.fetched) == len(FILES) == 20
    again = fetch_corpus(data_dir=tmp_path, source=str(source_dir), show_progress=False)
    assert again.fetched == [] and len(again.skipped) == 20
    assert not list(tmp_path.rglob("*.part"))


def test_fetch_names_the_file_on_checksum_mismatch(tmp_path: Path, source_dir: Path) -> None:
    bad_source = tmp_path / "src"
    shutil.copytree(source_dir, bad_source)
    target = bad_source / "real_dialogues" / "email.json"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b" ")
    data = tmp_path / "data"
    with pytest.raises(FetchError, match=r"real_dialogues/email.json: sha256 mismatch"):
        fetch_corpus(data_dir=data, source=str(bad_source), show_progress=False)
    # Nothing half-written is left behind, and the bad file is not kept.
    assert not list(data.rglob("*.part"))
    assert not (data / "corpus" / "real_dialogues" / "email.json").exists()


def test_fetch_without_network_explains_source(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="--source"):
        fetch_corpus(data_dir=tmp_path, source="http://127.0.0.1:9/none", show_progress=False)


def test_missing_source_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such folder"):
        fetch_corpus(data_dir=tmp_path, source=str(tmp_path / "nope"), show_progress=False)


@pytest.fixture(scope="module")
def corpus(real_data_dir: Path):
    return load_real_corpus(real_data_dir)


def test_real_corpus_counts_and_ids(corpus) -> None:
    dialogues, report = corpus
    assert len(dialogues) == 961 and report.dialogues == 961
    assert {d.domain for d in dialogues} == EXPECTED_DOMAINS == set(DOMAINS)
    assert len({d.id for d in dialogues}) == 961
    assert "lit_analysis:3" in {d.id for d in dialogues}
    assert "education" in report.dropped_files
    assert not any(d.id.startswith("education:") for d in dialogues)
    assert report.records_read == 981


def test_scenario_links_are_one_to_one_and_within_domain(corpus) -> None:
    dialogues, _ = corpus
    ids = [d.scenario_id for d in dialogues]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(domain_of(d.scenario_id) == d.domain for d in dialogues)
    assert all(d.scenario.startswith("interacting with a chatbot") for d in dialogues)


def test_scenario_links_follow_index_order_where_the_readme_says_so(corpus) -> None:
    """For most domains key i is the i-th dialogue; content matching must agree
    there for the vast majority, while being free to deviate where the order is off."""
    dialogues, _ = corpus
    by_domain: dict[str, list] = {}
    for d in dialogues:
        by_domain.setdefault(d.domain, []).append(d)
    agree = total = 0
    for domain, members in by_domain.items():
        if domain in ("datascience", "song", "education"):
            continue
        for i, d in enumerate(members):
            total += 1
            agree += d.scenario_id == f"{domain}_{i}"
    assert agree / total >= 0.97, (agree, total)


def test_education_links_fall_in_the_documented_key_range(corpus) -> None:
    dialogues, _ = corpus
    keys = [int(d.scenario_id.rsplit("_", 1)[1]) for d in dialogues if d.domain == "education"]
    assert len(keys) == 32
    assert sum(35 <= k <= 66 for k in keys) / len(keys) >= 0.9


def test_duplicates_are_reported_not_dropped(corpus) -> None:
    dialogues, report = corpus
    kinds = Counter(g.kind for g in report.duplicates)
    assert len(report.duplicates) == 16
    assert kinds["identical copies within one domain"] >= 2
    assert kinds["different dialogues sharing one conversation id"] >= 1
    copies = next(g for g in report.duplicates if "mental_health:18" in g.ids)
    assert {"mental_health:18", "mental_health:19", "mental_health:20", "mental_health:21"} <= set(copies.ids)
    assert "repeated conversations" in report.render()


def test_personas_filter_refusals_and_empties(real_data_dir: Path) -> None:
    personas = load_personas(real_data_dir)
    assert len(personas["email_41"]) == 5
    assert all(p.strip() for values in personas.values() for p in values)


def test_real_run_stored_with_word_and_turn_means(real_data_dir: Path) -> None:
    store = Store(real_data_dir)
    dialogues = store.load_dialogues("real")
    assert len(dialogues) == 961
    words = [sum(len(m.split()) for m in d.user_messages) for d in dialogues]
    turns = [len(d.user_messages) for d in dialogues]
    assert round(sum(words) / len(words), 1) == 151.0
    assert round(sum(turns) / len(turns), 2) == 7.04
    meta = store.run_metadata("real")
    assert meta["commit"].startswith("7c2c2c5f") and len(meta["duplicates"]) == 16
    json.dumps(meta)  # provenance is plain JSON


def test_second_fetch_keeps_the_stored_run_and_its_comparisons(real_data_dir: Path, source_dir: Path) -> None:
    from click.testing import CliRunner

    from realsim_core.cli import main

    before = Store(real_data_dir).version()
    result = CliRunner().invoke(main, ["fetch", "--source", str(source_dir), "--data-dir", str(real_data_dir)])
    assert result.exit_code == 0, result.output
    assert "0 fetched, 20 already valid" in result.output and "up to date" in result.output
    assert Store(real_data_dir).version() == before
