"""Upload & score: ingest a file, annotate it, compare it with real users, then it is on every page."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from realsim_core.compare import CompareSettings
from realsim_core.ingest import FORMATS
from realsim_core.report import ui
from realsim_core.annotate import parse_dims
from realsim_core.report.upload import LLMSettings, UploadError, available_dimensions, score_upload

LIMIT_MB = int(st.get_option("server.maxUploadSize"))

st.title("Upload & score a simulator's dialogues")
st.write(f"Upload dialogues in any supported format (JSON, JSON Lines, CSV, chat exports; at most {LIMIT_MB} MB). "
         "They are paired with the real corpus by scenario, annotated, and compared with real users. "
         "If anything fails, the database stays as it was.")

with st.form("upload_form"):
    file = st.file_uploader(f"Dialogue file (max {LIMIT_MB} MB)", key="upload_file")
    name = st.text_input("Run name", key="upload_name", placeholder="e.g. my-simulator-v2")
    fmt = st.selectbox("Format", ["auto", *FORMATS], key="upload_format")
    backend = st.radio("Annotator backend", ["local", "llm"], horizontal=True, key="upload_backend",
                       format_func={"local": "offline (no network)", "llm": "LLM endpoint"}.get)
    st.caption("LLM endpoint (only for the LLM backend; the key is kept for this browser session only, "
               "never stored or exported):")
    base_url = st.text_input("Endpoint URL", key="llm_base_url", placeholder="http://127.0.0.1:8080/v1")
    model = st.text_input("Model", key="llm_model")
    api_key = st.text_input("API key", type="password", key="llm_api_key")
    dims = st.multiselect("Dimensions to score", parse_dims(None), default=available_dimensions("local"),
                          key="upload_dims", help="Offline annotators whose trained model is missing are "
                          "left out by default.")
    bootstrap = st.number_input("Bootstrap replicates", min_value=10, max_value=5000, value=200, step=10,
                                key="upload_bootstrap")
    submitted = st.form_submit_button("Upload and score")

if submitted:
    if file is None:
        st.error("Choose a file to upload first.")
        st.stop()
    if not dims:
        st.error("Choose at least one dimension to score.")
        st.stop()
    llm = LLMSettings(base_url=base_url.strip(), model=model.strip(), api_key=api_key or None) \
        if backend == "llm" and base_url.strip() and model.strip() else None
    bar = st.progress(0.0, text="starting")
    suffix = Path(file.name).suffix
    with tempfile.TemporaryDirectory(prefix="realsim-upload-") as tmp:
        path = Path(tmp) / (Path(file.name).name or f"upload{suffix}")
        path.write_bytes(file.getvalue())
        try:
            outcome = score_upload(ui.store(), path, name, fmt=fmt, backend=backend, llm=llm,
                                   settings=CompareSettings(bootstrap=int(bootstrap)), dims=dims,
                                   data_dir=ui.data_dir(),
                                   on_progress=lambda stage, frac, msg: bar.progress(frac, text=msg))
        except UploadError as exc:
            bar.empty()
            st.error(str(exc))
            st.stop()
    bar.progress(1.0, text="done")
    st.session_state["last_upload"] = {"run": outcome.summary.name, "n": outcome.summary.n_dialogues,
                                       "loss": outcome.report.render()}

last = st.session_state.get("last_upload")
if last:
    st.success(f"Scored run {ui.escape_markdown(last['run'])}: {last['n']} dialogues. "
               "It now appears on every page.")
    st.caption("Loss report (what was read, kept and dropped, and why):")
    st.code(last["loss"], language=None)
