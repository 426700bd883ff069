"""``realsim runs``: list the stored runs, or delete one."""

from __future__ import annotations

import json

import click
import pandas as pd

from realsim_core.cli._options import RealsimError, data_dir_option
from realsim_core.store import RunNotFoundError, Store, StoreBusyError

_COLUMNS = ["name", "kind", "created_at", "format", "n_read", "n_kept", "n_dropped", "n_dialogues", "n_domains",
            "source_file"]


def runs_table(store: Store) -> pd.DataFrame:
    """The runs listing the CLI prints (one row per run, real first)."""
    frame = store.list_runs()
    frame = frame[[c for c in _COLUMNS if c in frame.columns]].copy()
    if "created_at" in frame:
        frame["created_at"] = pd.to_datetime(frame["created_at"]).dt.strftime("%Y-%m-%d %H:%M")
    return frame


@click.group("runs", invoke_without_command=True)
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON records.")
@click.pass_context
def command(ctx: click.Context, data_dir: str | None, as_json: bool) -> None:
    """List stored runs (real corpus, uploads, simulations) with their counts."""
    ctx.obj = {"data_dir": data_dir}
    if ctx.invoked_subcommand is not None:
        return
    try:
        frame = runs_table(Store(data_dir))
    except StoreBusyError as err:
        raise RealsimError(str(err)) from err
    if as_json:
        click.echo(json.dumps(frame.to_dict(orient="records"), default=str, indent=2))
    elif frame.empty:
        click.echo("no runs stored yet: run `realsim fetch`, then `realsim ingest FILE --name RUN`")
    else:
        click.echo(frame.to_string(index=False, na_rep="-"))


@command.command("delete")
@click.argument("name")
@data_dir_option
@click.pass_context
def delete(ctx: click.Context, name: str, data_dir: str | None) -> None:
    """Delete run NAME with its dialogues and comparison results."""
    data_dir = data_dir or (ctx.obj or {}).get("data_dir")
    try:
        Store(data_dir).delete_run(name)
    except (RunNotFoundError, StoreBusyError) as err:
        raise RealsimError(str(err)) from err
    click.echo(f"deleted run {name!r}")
