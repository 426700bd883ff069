"""Dimensions: label shares (intent, feedback, emotion, identity), surface distributions, missing/invented labels."""

from __future__ import annotations

import streamlit as st

from realsim_core.report import app_data, ui
from realsim_core.report.figures import label_share_figure, scalar_figure

st.title("Dimensions: where do simulated users differ?")
compared = ui.need_runs()
chosen = st.multiselect("Runs to compare with real users", compared, default=compared[:3], key="dim_runs")
if not chosen:
    st.info("Choose at least one run.")
    st.stop()
large = ui.meeting_mode()

all_shares, all_values = ui.load("dimension_tables", chosen)
specs = [("share", dim, frame) for dim, frame in all_shares.items() if not frame.empty]
specs += [("scalar", name, frame) for name, frame in all_values.items() if not frame.empty]
if not specs:
    st.warning("The chosen runs have no stored annotations for any dimension.")
    st.stop()


def show(kind: str, name: str, frame: object) -> None:
    spec = label_share_figure(frame, name, large) if kind == "share" else scalar_figure(frame, name, large)
    ui.figure(spec, f"dim_{name}")
    ui.csv_button(frame, spec.key, "Download the data of this figure (CSV)")


if large:  # meeting mode: one figure per screen
    labels = [name for _, name, _ in specs]
    pick = st.select_slider("Figure", options=labels, key="dim_figure")
    kind, name, frame = specs[labels.index(pick)]
    show(kind, name, frame)
else:
    st.header("Communicative function and user state")
    for kind, name, frame in specs:
        if kind == "share":
            show(kind, name, frame)
    st.header("Surface form")
    for kind, name, frame in specs:
        if kind == "scalar":
            show(kind, name, frame)

st.header("Missing and invented labels")
st.caption("Labels whose share differs most between a run and real users, in percentage points. "
           "*Invented*: the run produces it more than real users (examples from the run). *Missing*: real "
           "users do it more (examples from real users). Examples are shown as plain text.")
dim = st.selectbox("Dimension", list(app_data.CATEGORICAL), key="missing_dim")
missing = ui.load("missing_labels", chosen, dim)
if missing.empty:
    st.info("No stored label differences for this dimension.")
for row in missing.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{ui.escape_markdown(row.run)}** · {ui.safe_label(row.direction)} "
                    f"**{ui.safe_label(row.label)}**: {100 * row.run_share:.1f}% vs "
                    f"{100 * row.real_share:.1f}% for real users ({row.difference_pts:+.1f} pts)")
        for text in row.examples:
            st.caption(f"example from {ui.escape_markdown(row.example_from)}:")
            ui.dialogue_text(text)
ui.csv_button(missing.assign(examples=missing["examples"].map(" | ".join)), f"missing_{dim}")
