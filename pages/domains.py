"""Domains: heatmaps domain × run and the across-domain Pearson table; a cell opens its transcripts."""

from __future__ import annotations

import streamlit as st

from realsim_core.report import ui
from realsim_core.report.figures import domain_heatmap

st.title("Domains: where do simulators fail?")
compared = ui.need_runs()
large = ui.meeting_mode()

options = ["knowledge", "intent", "feedback", "emotion", "identity", "words", "turns", "errors", "fk_grade", "mtld"]
dimension = st.selectbox("Dimension", options, key="domain_dimension",
                         help="knowledge: cosine similarity (higher = closer); others: distance to real users.")
matrix = ui.load("domain_matrix", dimension)
if matrix.empty:
    st.info(f"No per-domain values stored for {dimension}.")
else:
    metric = "cosine similarity" if dimension == "knowledge" else (
        "TVD ×100" if dimension in ("intent", "feedback", "emotion", "identity") else "Wasserstein-1")
    spec = domain_heatmap(matrix, dimension, metric, large)
    st.plotly_chart(spec.figure, width="stretch", key="domain_heatmap", on_select="rerun",
                    selection_mode="points")
    st.caption(spec.caption)
    ui.csv_button(matrix.reset_index(), f"domains_{dimension}")
    selected = st.session_state.get("domain_heatmap")
    points = (selected or {}).get("selection", {}).get("points", []) if selected else []
    if points:
        st.session_state["domain_pick"] = str(points[0].get("y"))

    st.subheader("Open a domain's transcripts")
    domains = list(matrix.index)
    default = st.session_state.get("domain_pick")
    pick = st.selectbox("Domain", domains, index=domains.index(default) if default in domains else 0,
                        key="domain_jump")
    if st.button("Open transcripts of this domain", key="open_domain"):
        st.session_state["transcript_domain"] = pick
        st.switch_page("pages/transcripts.py")

if not large:
    st.subheader("Does the simulator reproduce how real behaviour varies across domains?")
    st.caption("Pearson r between real and simulated per-domain values (label shares centred per label for "
               "categorical dimensions), with 95% Fisher intervals over domains. r near 1: the run varies across "
               "domains like real users; near 0 or negative: it does not.")
    pearson = ui.load("pearson_matrix")
    st.dataframe(pearson, width="stretch", key="pearson_table")
    ui.csv_button(ui.load("pearson_table"), "table3_domain_pearson")
