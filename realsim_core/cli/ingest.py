"""``realsim ingest``: load a simulator's dialogues from a file into the store."""

from __future__ import annotations

import click

from realsim_core.cli._options import RealsimError, data_dir_option
from realsim_core.ingest import FORMATS, IngestError, ingest_file
from realsim_core.store import RunExistsError, Store, StoreBusyError


@click.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", required=True, help="Run name to store the dialogues under ('real' is reserved).")
@click.option(
    "--format", "fmt", type=click.Choice(("auto", *FORMATS)), default="auto", show_default=True,
    help="Upload format; auto-detected from the file's content by default.",
)
@click.option("--replace", is_flag=True, help="Replace a stored run of the same name.")
@click.option("--strict", is_flag=True, help="Fail on the first bad record instead of dropping it.")
@data_dir_option
def command(file: str, name: str, fmt: str, replace: bool, strict: bool, data_dir: str | None) -> None:
    """Read FILE, pair it with the corpus scenarios and store it as run NAME.

    Accepted: canonical JSONL, realsim/WildChat/LMSYS JSON, OpenAI chat
    JSON/JSONL, ShareGPT, tau-bench trajectories and CSV long format. Bad
    records are dropped with a reason (see the report); a file that cannot be
    read at all is an error and leaves the store unchanged.
    """
    try:
        store = Store(data_dir)
        summary, report = ingest_file(store, file, name, fmt=fmt, replace=replace, data_dir=data_dir, strict=strict)
    except (IngestError, RunExistsError, StoreBusyError, ValueError) as err:
        raise RealsimError(f"ingest failed, nothing stored: {err}") from err
    click.echo(report.render())
    click.echo(f"stored run {summary.name!r}: {summary.n_dialogues} dialogues, {summary.n_messages} messages "
               f"in {store.path}")
