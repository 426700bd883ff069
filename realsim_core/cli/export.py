"""``realsim export``: write a stored run as canonical JSONL."""

from __future__ import annotations

from pathlib import Path

import click

from realsim_core.cli._options import RealsimError, data_dir_option
from realsim_core.schema import REAL_SOURCE, write_jsonl
from realsim_core.store import RunNotFoundError, Store, StoreBusyError


@click.command("export")
@click.argument("run")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file (JSONL, one dialogue a line).")
@data_dir_option
def command(run: str, out: str, data_dir: str | None) -> None:
    """Write run RUN ('real' or an ingested/simulated run) as canonical JSONL.

    If 'real' is asked for and the corpus is fetched but not yet stored, it is
    built first.
    """
    try:
        store = Store(data_dir)
        if run == REAL_SOURCE and not store.run_exists(REAL_SOURCE):
            _build_real(data_dir)
        count = write_jsonl(store.iter_dialogues(run), Path(out))
    except (RunNotFoundError, StoreBusyError, OSError) as err:
        raise RealsimError(f"export of run {run!r} failed: {err}") from err
    click.echo(f"wrote {count} dialogues of run {run!r} to {out}")


def _build_real(data_dir: str | None) -> None:
    from realsim_core.corpus import FetchError, build_real_run

    try:
        build_real_run(data_dir)
    except FetchError as err:
        raise RealsimError(f"run 'real' is not stored and the corpus is not fetched: {err}") from err
