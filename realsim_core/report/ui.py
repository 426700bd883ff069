"""Streamlit helpers shared by the pages: cached data access, safe text, figures with captions.

Caching: every query result is cached with ``st.cache_data`` keyed by the data
directory and ``Store.version()``, which every committed write bumps, so a new
upload invalidates all pages at once while re-renders cost no query at all.

Safety: dialogue text is only ever rendered with ``st.text`` (no Markdown, no
HTML). Labels shown as chips are reduced to a safe character set first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from realsim_core.paths import resolve_data_dir
from realsim_core.report import app_data
from realsim_core.report.figures import FigureSpec
from realsim_core.store import Store

T = TypeVar("T")
MEETING_KEY = "meeting_mode"
_SAFE_LABEL = re.compile(r"[^A-Za-z0-9 _\-]")


def data_dir() -> str:
    return str(resolve_data_dir(os.environ.get("REALSIM_DATA_DIR")))


def store() -> Store:
    return Store(data_dir())


def version() -> int:
    """The store version: part of every cache key (a write anywhere invalidates every page)."""
    return store().version()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, directory: str, store_version: int, args: tuple[Any, ...]) -> Any:
    func: Callable[..., Any] = getattr(app_data, name)
    return func(Store(directory), *args)


def load(name: str, *args: Any) -> Any:
    """``app_data.<name>(store, *args)``, cached per store version."""
    return _cached(name, data_dir(), version(), tuple(args))


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_document(directory: str, store_version: int, runs: tuple[str, ...]) -> str:
    from realsim_core.report.document import build_document
    from realsim_core.report.export import render_html

    return render_html(build_document(Store(directory), list(runs)))


def report_html(runs: list[str]) -> str:
    return _cached_document(data_dir(), version(), tuple(runs))


def meeting_mode() -> bool:
    return bool(st.session_state.get(MEETING_KEY, False))


def safe_label(text: str) -> str:
    """A label reduced to letters, digits, space, '_' and '-' (safe inside Markdown)."""
    return _SAFE_LABEL.sub("", str(text))[:60]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:<])")


def escape_markdown(text: str) -> str:
    """Escape Markdown specials so a run name or setting shows literally inside st.markdown/st.caption.

    Used for short non-dialogue strings only; dialogue text always goes through :func:`dialogue_text`.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("&", "&amp;"))


def chips(values: dict[str, list[str]]) -> str:
    """'intent: info_retrieval · feedback: no_feedback' with every label sanitised."""
    parts = [f"{safe_label(dim)}: {', '.join(safe_label(v) for v in labels) or '—'}"
             for dim, labels in values.items()]
    return " · ".join(parts)


def dialogue_text(text: str) -> None:
    """Render dialogue text literally: no Markdown, HTML or script can change the page."""
    st.text(text if text.strip() else "(empty message)")


def figure(spec: FigureSpec, key: str) -> None:
    """A figure, its how-to-read caption and its PNG/SVG export buttons."""
    st.plotly_chart(spec.figure, width="stretch", key=f"chart_{key}")
    st.caption(spec.caption)
    with st.popover("Export figure"):
        fmt = st.radio("format", ["png", "svg"], horizontal=True, key=f"fmt_{key}")
        if st.button("Render", key=f"render_{key}"):
            from realsim_core.report.export import ExportError, figure_bytes

            try:
                data = figure_bytes(spec.figure, fmt)
            except ExportError as exc:
                st.error(str(exc))
            else:
                st.download_button(f"Download {spec.key}.{fmt}", data, file_name=f"{spec.key}.{fmt}",
                                   mime="image/png" if fmt == "png" else "image/svg+xml", key=f"dl_{key}")


def csv_button(frame: pd.DataFrame, name: str, label: str | None = None) -> None:
    st.download_button(label or f"Download {name}.csv", frame.to_csv(index=False).encode("utf-8"),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv_{name}")


def need_runs() -> list[str]:
    """Compared runs, or a plain-words explanation and ``st.stop()`` when there are none."""
    runs = load("runs_table")
    compared = [r for r, ok in zip(runs["run"], runs["compared with real"]) if ok and r != "real"]
    if not compared:
        st.info("No run has been compared with the real corpus yet. Upload one on **Upload & score**, "
                "or run `realsim compare --run NAME` on the command line.")
        st.stop()
    return compared
