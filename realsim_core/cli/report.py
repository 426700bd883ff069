"""``realsim report``: the dashboard's tables and figures as a self-contained HTML report (and PDF, images)."""

from __future__ import annotations

from pathlib import Path

import click

from realsim_core.cli._options import RealsimError, data_dir_option


@click.command("report")
@data_dir_option
@click.option("--run", "runs", multiple=True, help="Run to include (repeatable). Use --all for every compared run.")
@click.option("--all", "all_runs", is_flag=True, help="Include every run compared with the real corpus.")
@click.option("--out", type=click.Path(dir_okay=False), default="report.html", show_default=True,
              help="HTML file to write (plotly.js inlined: opens offline).")
@click.option("--pdf", is_flag=True, help="Also print the report to PDF next to it (needs chromium).")
@click.option("--figures", "figures_dir", type=click.Path(file_okay=False), default=None,
              help="Also write every figure as PNG and SVG into this folder (needs chromium).")
def command(data_dir: str | None, runs: tuple[str, ...], all_runs: bool, out: str, pdf: bool,
            figures_dir: str | None) -> None:
    """Write the report of stored comparisons (what the dashboard shows) to --out."""
    from realsim_core.report import ExportError, build_document, export_figures, html_to_pdf, write_html
    from realsim_core.store import Store

    if bool(runs) == all_runs:
        raise RealsimError("pass either --run NAME (repeatable) or --all")
    store = Store(data_dir)
    try:
        doc = build_document(store, None if all_runs else list(runs))
    except ValueError as exc:
        raise RealsimError(str(exc)) from exc
    if not doc.runs:
        raise RealsimError("no run has been compared with the real corpus yet; run `realsim compare` first")
    path = write_html(doc, out)
    click.echo(f"wrote {path} ({len(doc.figures)} figures, {len(doc.headlines)} headline findings)")
    try:
        if pdf:
            click.echo(f"wrote {html_to_pdf(path, Path(out).with_suffix('.pdf'))}")
        if figures_dir:
            written = export_figures(doc.figures, figures_dir)
            click.echo(f"wrote {len(written)} images to {figures_dir}")
    except ExportError as exc:
        raise RealsimError(str(exc)) from exc
