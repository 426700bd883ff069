"""AppTest on every page of the navigation list against a small real database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_support import SIM_RUN, XSS_TURN, app_db  # noqa: F401  (session fixture)

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
pytestmark = pytest.mark.slow


def navigation_pages() -> list[str]:
    """The page files listed in app.py's st.navigation registry (read from the source, not hard-coded)."""
    tree = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"
            and node.args and isinstance(node.args[0], ast.Constant)]


@pytest.fixture()
def app(app_db: tuple[Path, dict[str, object]], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REALSIM_DATA_DIR", str(app_db[0]))
    return AppTest.from_file(APP, default_timeout=180)


def open_page(app: AppTest, page: str) -> AppTest:
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_navigation_lists_five_pages() -> None:
    pages = navigation_pages()
    assert pages == ["pages/overview.py", "pages/dimensions.py", "pages/domains.py", "pages/transcripts.py",
                     "pages/upload.py"]
    assert all((REPO / p).exists() for p in pages)


@pytest.mark.parametrize("page", navigation_pages())
def test_every_page_renders_without_error(app: AppTest, page: str) -> None:
    open_page(app, page)
    assert app.title, f"{page} shows no title"
    assert not app.error, [e.value for e in app.error]


def test_overview_tables_noise_marker_and_headlines(app: AppTest) -> None:
    open_page(app, "pages/overview.py")
    runs = app.dataframe[0].value
    assert {"real", SIM_RUN} <= set(runs["run"])
    distance = app.dataframe[1].value
    assert SIM_RUN in distance.index and "noise floor (real vs real)" in distance.index
    assert distance.loc[SIM_RUN, "words"].count("[") == 1  # value [ci_low, ci_high]
    # The invented run writes tidy, joyful text: words and emotion are far from real users, outside the noise.
    assert "≈ noise" not in distance.loc[SIM_RUN, "emotion"]
    headlines = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert 3 <= len(headlines) <= 5
    assert any("words per dialogue" in h for h in headlines)
    labels = [b.label for b in app.get("download_button")]
    assert any("table2" in label.lower() or "Table 2" in label for label in labels)
    assert any("table1" in label for label in labels)
    assert app.dataframe[2].value["run"].iloc[0] == "real"


def test_dimensions_page_has_charts_and_examples_as_text(app: AppTest) -> None:
    open_page(app, "pages/dimensions.py")
    assert app.multiselect(key="dim_runs").value == [SIM_RUN]
    charts = app.get("plotly_chart")
    assert len(charts) >= 6  # emotion shares + five surface distributions at least
    app.selectbox(key="missing_dim").set_value("emotion").run()
    assert not app.exception
    assert any("joy" in m.value for m in app.markdown)


def test_domains_page_heatmap_pearson_and_jump_to_transcripts(app: AppTest) -> None:
    open_page(app, "pages/domains.py")
    assert app.selectbox(key="domain_dimension").value == "knowledge"
    assert app.get("plotly_chart")
    assert not app.dataframe[0].value.empty
    app.selectbox(key="domain_dimension").set_value("words").run()
    app.selectbox(key="domain_jump").set_value("job").run()
    app.button(key="open_domain").click().run()
    assert not app.exception
    assert app.title[0].value == "Transcripts side by side"
    assert app.selectbox(key="tr_domain").value == "job"


def test_transcripts_render_dialogue_text_literally(app: AppTest, app_db: tuple[Path, dict[str, object]]) -> None:
    info = app_db[1]
    open_page(app, "pages/transcripts.py")
    app.selectbox(key="tr_domain").set_value(info["xss_domain"]).run()
    app.selectbox(key="tr_scenario").set_value(info["xss_scenario"]).run()
    assert not app.exception
    texts = [t.value for t in app.text]
    assert XSS_TURN in texts  # the payload arrives untouched, through st.text
    assert not any("<script>" in m.value for m in app.markdown)
    assert any(h.value.startswith("real") for h in app.subheader)
    assert any("emotion:" in c.value for c in app.caption)  # annotation chips on user turns


def test_upload_page_states_limit_and_refuses_empty_submit(app: AppTest) -> None:
    open_page(app, "pages/upload.py")
    assert any("200 MB" in m.value for m in app.markdown)
    app.text_input(key="upload_name").input("nothing-uploaded")
    app.button[0].click().run()  # the form's submit button
    assert [e.value for e in app.error] == ["Choose a file to upload first."]


def test_meeting_mode_shows_one_figure_per_screen_with_caption(app: AppTest) -> None:
    app.run()
    app.toggle[0].set_value(True).run()  # the sidebar toggle of the shared frame in app.py
    assert app.session_state["meeting_mode"] is True
    app.switch_page("pages/dimensions.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1
    assert any("how" in c.value.lower() or "bar" in c.value.lower() for c in app.caption)
    slider = app.select_slider(key="dim_figure")
    slider.set_value(slider.options[-1]).run()
    assert len(app.get("plotly_chart")) == 1 and not app.exception
