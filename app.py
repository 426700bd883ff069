"""realsim dashboard: the page registry and the shared frame.

Navigation is declared once here (``st.navigation``), so ``pages/`` is never
auto-discovered and this list is the page registry the tests walk. The frame
around every page -- data-dir check, meeting mode, provenance footer -- lives
here too; pages only lay out what ``realsim_core.report`` returns.
"""

from __future__ import annotations

import streamlit as st

from realsim_core.report import ui

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/table_chart:", default=True),
    st.Page("pages/dimensions.py", title="Dimensions", icon=":material/bar_chart:"),
    st.Page("pages/domains.py", title="Domains", icon=":material/grid_on:"),
    st.Page("pages/transcripts.py", title="Transcripts", icon=":material/forum:"),
    st.Page("pages/upload.py", title="Upload & score", icon=":material/upload_file:"),
]

# Static CSS only (no data in it): larger type in meeting mode and the identity highlight.
# Dialogue text itself is rendered with st.text and never passes through HTML.
BASE_CSS = """<style>
[class*="st-key-identity_turn"] {background: #fff4d6; border-radius: 0.5rem;}
</style>"""
MEETING_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] {font-size: 20px;}
h1 {font-size: 2.6rem !important;} h2 {font-size: 2.0rem !important;}
[data-testid="stCaptionContainer"] {font-size: 1.05rem !important;}
</style>"""

meeting = st.session_state.get(ui.MEETING_KEY, False)
st.set_page_config(page_title="realsim", page_icon=":material/compare_arrows:",
                   layout="wide" if meeting else "centered")
page = st.navigation(PAGES)

with st.sidebar:
    # The widget has its own key; the mode lives in a plain session key so it survives page switches.
    st.toggle("Meeting mode", value=meeting, key="meeting_toggle",
              on_change=lambda: st.session_state.update({ui.MEETING_KEY: st.session_state["meeting_toggle"]}),
              help="Wide layout, large fonts and one figure per screen, each with its how-to-read caption.")
    st.caption(f"Data: `{ui.data_dir()}`")

st.html(BASE_CSS + (MEETING_CSS if meeting else ""))

try:
    store_version = ui.version()
except Exception as exc:  # a broken or locked database should say so in plain words
    st.error(f"The database in {ui.data_dir()} cannot be read: {exc}")
    st.stop()

if not ui.store().run_exists("real"):
    st.warning("The real corpus is not in the database yet. Run `realsim fetch` (or `make build`) "
               "with the same data directory, then reload this page.")

page.run()

summary = ui.load("settings_summary")
st.divider()
if summary:
    st.caption("Numbers on screen were produced with — " + " · ".join(
        f"{key}: {ui.escape_markdown(value)}" for key, value in summary.items())
        + ". Per-run annotator versions are on the Overview page.")
else:
    st.caption("No comparison stored yet: nothing to attribute.")
