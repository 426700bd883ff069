"""Report layer: headlines from numbers, escaping, HTML/PDF/PNG/SVG export, CLI, upload-and-score."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from app_support import SIM_RUN, app_db, real_slice, upload_file  # noqa: F401  (session fixture)
from realsim_core.cli import main
from realsim_core.compare import CompareSettings
from realsim_core.report import UploadError, build_document, render_html, score_upload
from realsim_core.report.app_data import distance_table, inside_noise
from realsim_core.report.export import _table_html
from realsim_core.report.headlines import headlines
from realsim_core.store import Store


def test_headlines_quote_the_numbers() -> None:
    t1 = pd.DataFrame({"run": ["real", "wordy", "terse"], "mean_words": [150.0, 2100.0, 140.0],
                       "mean_errors": [9.17, 1.98, 4.0], "share_identity_none": [0.8, 0.3, 0.75]})
    found = headlines(t1, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert found[0] == "wordy writes 14× more words per dialogue than real users (2,100 vs 150)."
    assert found[1].startswith("Real users make 4.6× more grammar and spelling errors per dialogue than wordy")
    assert "wordy discloses more about itself than real users: 70%" in found[2]


def test_noise_floor_direction_depends_on_metric() -> None:
    assert inside_noise("tvd_x100", 3.0, 1.0, 4.0) and not inside_noise("tvd_x100", 5.0, 1.0, 4.0)
    assert inside_noise("cosine_similarity", 0.9, 0.85, 0.95) and not inside_noise("cosine_similarity", 0.5, 0.85, 0.95)
    assert not inside_noise("w1", float("nan"), 0.0, 1.0)


@pytest.fixture()
def data(app_db: tuple[Path, dict[str, object]], tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(app_db[0], target)
    return target


@pytest.mark.slow
def test_report_html_escapes_names_and_is_self_contained(data: Path) -> None:
    store = Store(data)
    store.save_run("<img src=x onerror=alert(1)>", real_slice(store)[:3], kind="test")
    doc = build_document(store)
    assert doc.runs == [SIM_RUN] and 3 <= len(doc.headlines) <= 5 and doc.figures
    html = render_html(doc)
    assert "<img src=x" not in html  # neither the stored payload dialogue nor the run name leak as markup
    cell = _table_html(pd.DataFrame({"run": ["<img src=x onerror=alert(1)>"], "n": [1]}))
    assert "<img" not in cell and "&lt;img src=x onerror=alert(1)&gt;" in cell
    assert "<script src" not in html and "Plotly.newPlot" in html
    table = distance_table(store)
    assert "noise floor (real vs real)" in table.display.index
    assert table.inside.loc[SIM_RUN].dtype == bool
    with pytest.raises(ValueError, match="no stored comparison"):
        build_document(store, ["no-such-run"])


@pytest.mark.slow
def test_cli_report_writes_html_pdf_and_images(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    figures = tmp_path / "figs"
    result = CliRunner().invoke(main, ["report", "--data-dir", str(data), "--all", "--out", str(out), "--pdf",
                                       "--figures", str(figures)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1_000_000  # plotly.js inlined
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    pngs, svgs = sorted(figures.glob("*.png")), sorted(figures.glob("*.svg"))
    assert pngs and len(pngs) == len(svgs)
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in svgs[0].read_bytes()[:400]
    bad = CliRunner().invoke(main, ["report", "--data-dir", str(data), "--run", "nope", "--out", str(out)])
    assert bad.exit_code == 1 and "no stored comparison" in bad.output


@pytest.mark.slow
def test_upload_scores_and_a_failed_upload_leaves_the_store_as_it_was(data: Path, tmp_path: Path) -> None:
    store = Store(data)
    path = upload_file(real_slice(store), tmp_path / "upload.jsonl", "scored", n=6)
    stages: list[tuple[str, float]] = []
    outcome = score_upload(store, path, "scored", settings=CompareSettings(bootstrap=20, embeddings=False),
                           dims=["length", "emotion"], data_dir=data,
                           on_progress=lambda stage, frac, msg: stages.append((stage, frac)))
    assert outcome.summary.n_dialogues == 6 and outcome.report.paired == 6
    assert stages[0][0] == "ingest" and stages[-1] == ("done", 1.0)
    assert [f for _, f in stages] == sorted(f for _, f in stages)  # the bar only moves forward
    assert "scored" in set(store.list_runs()["name"])

    before = (store.run_names(), store.query_df("SELECT count(*) AS n FROM comparisons")["n"][0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json at all\n", encoding="utf-8")
    with pytest.raises(UploadError, match="could not be read"):
        score_upload(store, bad, "broken", data_dir=data)
    secret = "sk-test-never-stored-123"
    from realsim_core.report import LLMSettings

    with pytest.raises(UploadError, match="Scoring failed"):  # nothing listens on this port
        score_upload(store, path, "llm-run", backend="llm", dims=["intent"], data_dir=data,
                     llm=LLMSettings(base_url="http://127.0.0.1:9/v1", model="none", api_key=secret),
                     settings=CompareSettings(bootstrap=20, embeddings=False))
    assert (store.run_names(), store.query_df("SELECT count(*) AS n FROM comparisons")["n"][0]) == before
    assert secret.encode() not in (data / "realsim.duckdb").read_bytes()
    with pytest.raises(UploadError, match="already exists"):
        score_upload(store, path, "scored", data_dir=data)
