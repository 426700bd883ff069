"""Exports: figures as PNG/SVG (kaleido + Debian chromium), a self-contained HTML report, and PDF.

kaleido 1.x drives a Chromium through ``choreographer``, which takes the
browser from the ``BROWSER_PATH`` environment variable; we point it at the
system chromium so nothing is ever downloaded. The HTML report inlines
plotly.js and escapes every string that came from data (run names, labels,
example turns), so it opens offline and no stored text can inject markup.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from realsim_core.report.document import ReportDocument
from realsim_core.report.figures import FigureSpec

FORMATS = ("png", "svg")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


class ExportError(RuntimeError):
    """An export could not be produced (no browser, browser failed)."""


def chromium_path() -> str:
    """The system Chromium: ``BROWSER_PATH`` if set, else the usual Debian locations."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen and Path(chosen).exists():
        return chosen
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise ExportError("image and PDF export need Chromium: install the Debian package `chromium` "
                      "or set BROWSER_PATH to a Chrome/Chromium binary")


def figure_bytes(fig: go.Figure, fmt: str, width: int = 1200, height: int | None = None) -> bytes:
    """One figure as PNG or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; valid: {', '.join(FORMATS)}")
    os.environ["BROWSER_PATH"] = chromium_path()
    try:
        with warnings.catch_warnings():  # plotly warns that its own kaleido options are ignored by the server
            warnings.simplefilter("ignore", UserWarning)
            return fig.to_image(format=fmt, width=width, height=height or fig.layout.height or 600, scale=1)
    except Exception as exc:  # kaleido raises several unrelated types; name the cause once
        raise ExportError(f"could not render the figure as {fmt} with {os.environ['BROWSER_PATH']}: {exc}") from exc


def export_figures(specs: list[FigureSpec], out_dir: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write every figure in every format to ``out_dir``; one browser serves the whole batch."""
    import kaleido

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["BROWSER_PATH"] = chromium_path()
    kaleido.start_sync_server(silence_warnings=True)
    written = []
    try:
        for spec in specs:
            for fmt in formats:
                path = out / f"{spec.key}.{fmt}"
                path.write_bytes(figure_bytes(spec.figure, fmt))
                written.append(path)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return written


def _table_html(frame: pd.DataFrame, css: pd.DataFrame | None = None) -> str:
    """An HTML table with every cell and header escaped (Styler does not escape by default)."""
    if frame.empty:
        return "<p><em>No data.</em></p>"
    shown = frame.copy()
    shown.columns = [str(c) for c in shown.columns]
    styler = shown.style.format(escape="html", precision=3, na_rep="—").format_index(escape="html", axis=0) \
        .format_index(escape="html", axis=1)
    if css is not None:
        styler = styler.apply(lambda _: css.values, axis=None)
    return styler.hide(axis="index").to_html() if css is None else styler.to_html()


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0 1.5em}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}
.caption{color:#555;font-size:14px;margin:0 0 2em}
.figure{page-break-inside:avoid;margin-bottom:1em}
.prov{font-size:12px;color:#555}
"""


def render_html(doc: ReportDocument) -> str:
    """A self-contained HTML report (plotly.js inlined once; works offline)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(doc.title)}</title><style>{STYLE}</style>",
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>",
        f"<h1>{e(doc.title)}</h1>",
        f"<p>Generated {e(doc.created)}. Runs compared with real users: {e(', '.join(doc.runs) or 'none')}.</p>",
        "<h2>Headline findings</h2><ul>", *[f"<li>{e(h)}</li>" for h in doc.headlines], "</ul>",
        "<h2>Distance to real users (Table 2)</h2>",
        "<p class='caption'>Each cell: distance to real users with its 95% bootstrap interval. The grey row is "
        "the real-vs-real noise floor (two halves of the real corpus); cells marked “≈ noise” are no further "
        "from real users than that. Red shading grows with the gap beyond the noise floor.</p>",
        _table_html(doc.distance.display, doc.distance.css),
    ]
    for name, frame in doc.tables.items():
        if name == "table2_distances":
            continue
        parts += [f"<h2>{e(name.replace('_', ' '))}</h2>", _table_html(frame)]
    parts.append("<h2>Figures</h2>")
    for i, spec in enumerate(doc.figures):
        div = spec.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig{i}",
                                  config={"displaylogo": False})
        parts += [f"<div class='figure'><h3>{e(spec.title)}</h3>{div}",
                  f"<p class='caption'>{e(spec.caption)}</p></div>"]
    parts += ["<h2>Settings and provenance</h2><div class='prov'>", _table_html(doc.provenance), "</div>",
              "</body></html>"]
    return "\n".join(parts)


def write_html(doc: ReportDocument, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(doc), encoding="utf-8")
    return target


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 180.0) -> Path:
    """Print an HTML file to PDF with headless Chromium (figures get time to draw first)."""
    source, target = Path(html_path).resolve(), Path(pdf_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="realsim-chromium-") as profile:
        cmd = [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
               "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise ExportError(f"chromium did not finish printing {source} within {timeout:.0f} s") from exc
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise ExportError(f"chromium could not print {source} to PDF (exit {done.returncode}): "
                          f"{done.stderr.strip()[-500:]}")
    return target
