"""Overview: the runs, the distance table with its noise floor, the descriptive table, headlines."""

from __future__ import annotations

import streamlit as st

from realsim_core.report import ui

st.title("How realistic are the simulated users?")

runs = ui.load("runs_table")
st.subheader("Runs in the database")
st.dataframe(runs, hide_index=True, width="stretch", key="runs_table")
ui.csv_button(runs, "runs")

compared = ui.need_runs()
chosen = st.multiselect("Runs to show", compared, default=compared, key="overview_runs")
if not chosen:
    st.info("Choose at least one run.")
    st.stop()

distance, table1, headlines = ui.load("overview", chosen)

st.subheader("Headline findings")
for line in headlines:
    st.markdown(f"- {ui.escape_markdown(line)}")

st.subheader("Distance to real users (Table 2)")
st.caption("Each cell: the run's distance to real users with its 95% bootstrap interval (TVD ×100 for labels, "
           "Wasserstein-1 for counts, cosine similarity for knowledge — higher is closer there, AUC for the "
           "classifier test). The grey row is the real-vs-real noise floor; **≈ noise** marks distances no larger "
           "than two halves of the real corpus already differ. Red shading grows with the gap beyond the noise.")
st.dataframe(distance.display.style.apply(lambda _: distance.css.values, axis=None), width="stretch",
             key="distance_table")
ui.csv_button(distance.long, "table2_distances", "Download Table 2 (all columns) as CSV")

st.subheader("Descriptive statistics (Table 1)")
st.caption("Mean words, user turns, Flesch–Kincaid grade, MTLD and errors per dialogue, and the share of each "
           "label, for real users (first row) and each run.")
st.dataframe(table1, hide_index=True, width="stretch", key="table1")
ui.csv_button(table1, "table1_descriptive")

st.subheader("Settings and provenance")
prov = ui.load("provenance")
st.dataframe(prov, hide_index=True, width="stretch", key="provenance")
ui.csv_button(prov, "provenance")

st.subheader("Export")
if st.button("Build the HTML report", key="build_report"):
    with st.spinner("Building the report…"):
        st.session_state["report_html"] = ui.report_html(chosen)
if "report_html" in st.session_state:
    st.download_button("Download report.html", st.session_state["report_html"].encode("utf-8"),
                       file_name="realsim_report.html", mime="text/html", key="download_report")
