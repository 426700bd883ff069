"""The ``realsim`` command line: one module per command.

Everything the dashboard shows can be produced and scripted from here.
"""

from __future__ import annotations

import importlib

import click

from realsim_core import __version__

# Command modules; each defines ``command`` (a click command or group).
COMMAND_MODULES = [
    "fetch",
    "ingest", "export", "runs",
    "simulate", "serve_local",
    "annotate",
    "compare",
    "report",
    "demo",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="realsim")
def main() -> None:
    """realsim: how realistic is your user simulator?

    Typical flow: fetch the real corpus, ingest or simulate a run, annotate,
    compare, then open the dashboard (`make run`).
    """


for _name in COMMAND_MODULES:
    main.add_command(importlib.import_module(f"realsim_core.cli.{_name}").command)
