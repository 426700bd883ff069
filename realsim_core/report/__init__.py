"""Reports and the dashboard's data layer: tables, figures, headlines, exports, upload-and-score.

``app_data`` holds pure functions returning tidy frames for the pages;
``figures`` the plotly figures with their captions; ``headlines`` the
findings written from the numbers; ``document`` gathers a report,
``export`` writes it as HTML/PDF/PNG/SVG; ``upload`` is the upload-and-score
workflow. ``ui`` (streamlit helpers) is imported by the pages only.
"""

from realsim_core.report.document import ReportDocument, build_document, compared_runs
from realsim_core.report.export import ExportError, export_figures, figure_bytes, html_to_pdf, render_html, write_html
from realsim_core.report.upload import LLMSettings, UploadError, UploadOutcome, score_upload

__all__ = [
    "ExportError", "LLMSettings", "ReportDocument", "UploadError", "UploadOutcome", "build_document",
    "compared_runs", "export_figures", "figure_bytes", "html_to_pdf", "render_html", "score_upload", "write_html",
]
