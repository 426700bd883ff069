"""Transcripts: the real dialogue and each run's dialogue of one scenario, side by side, turn by turn.

Every piece of dialogue text goes through ``ui.dialogue_text`` (st.text): no
HTML, Markdown or script in a dialogue can change the page.
"""

from __future__ import annotations

import streamlit as st

from realsim_core.report import ui

st.title("Transcripts side by side")
domains = ui.load("domains")
if not domains:
    st.info("No real dialogues stored yet.")
    st.stop()

wanted = st.session_state.pop("transcript_domain", None) or st.query_params.get("domain")
if wanted in domains:
    st.session_state["tr_domain"] = wanted
domain = st.selectbox("Domain", domains, key="tr_domain")
st.query_params["domain"] = domain

scen = ui.load("scenarios", domain)
if scen.empty:
    st.info("No scenario of this domain is stored.")
    st.stop()
labels = {row.scenario_id: f"{row.scenario_id} · {row.n_runs} run(s) · {str(row.scenario or '')[:110]}"
          for row in scen.itertuples(index=False)}
scenario_id = st.selectbox("Scenario (type to search)", list(labels), format_func=labels.get, key="tr_scenario")

runs = [r for r in ui.load("runs_table")["run"] if r != "real"]
shown = st.multiselect("Runs shown next to real users", runs, default=runs[:2], key="tr_runs")
views = ui.load("transcripts", scenario_id, shown)
if not views:
    st.info("No dialogue for this scenario.")
    st.stop()
scenario_text = scen.set_index("scenario_id").loc[scenario_id, "scenario"]
if scenario_text:
    st.caption("Scenario:")
    ui.dialogue_text(str(scenario_text))

columns = st.columns(len(views))
for c, (column, view) in enumerate(zip(columns, views)):
    with column:
        st.subheader(ui.escape_markdown(view.run))
        st.caption(f"dialogue {ui.escape_markdown(view.dialogue_id)}")
        if view.persona:
            st.caption("persona:")
            ui.dialogue_text(view.persona)
        if view.failed:
            st.warning("Annotation failed for: " + ", ".join(ui.safe_label(d) for d in view.failed))
        for t, turn in enumerate(view.turns):
            key = f"identity_turn_{c}_{t}" if turn.identity else f"turn_{c}_{t}"
            with st.container(border=True, key=key):
                st.caption("**user**" if turn.role == "user" else "assistant")
                ui.dialogue_text(turn.text)
                if turn.chips:
                    st.caption(ui.chips(turn.chips))
                for category, quote in turn.identity:
                    st.caption(f"discloses identity · {ui.safe_label(category)}:")
                    ui.dialogue_text(quote)
        for category, quote in view.identity_elsewhere:
            st.caption(f"identity · {ui.safe_label(category)} (quote not found verbatim in a turn):")
            ui.dialogue_text(quote)
