"""``realsim fetch``: get the real corpus and store it as run ``real``."""

from __future__ import annotations

import click

from realsim_core.cli._options import RealsimError, data_dir_option
from realsim_core.corpus import COMMIT, REPOSITORY, FetchError, build_real_run, fetch_corpus, real_run_is_current


@click.command("fetch")
@click.option(
    "--source",
    default=None,
    envvar="REALSIM_SOURCE",
    show_envvar=True,
    help=f"Local folder (or base URL) holding the corpus files; default: {REPOSITORY} at commit {COMMIT[:10]}.",
)
@click.option("--no-build", is_flag=True, help="Only fetch and verify the files; do not store run 'real'.")
@data_dir_option
def command(source: str | None, no_build: bool, data_dir: str | None) -> None:
    """Fetch the 20 corpus files, verify their sha256, and store the 961 real dialogues.

    Files already present and valid are skipped; each file is written
    atomically. Without network, point --source (or REALSIM_SOURCE) at a
    local copy of the repository's files.
    """
    try:
        report = fetch_corpus(data_dir=data_dir, source=source)
    except FetchError as err:
        raise RealsimError(str(err)) from err
    click.echo(f"corpus in {report.target}: {len(report.fetched)} fetched, {len(report.skipped)} already valid")
    if no_build:
        return
    if not report.fetched and real_run_is_current(data_dir):
        # Rebuilding would store the same dialogues and drop every comparison against them.
        click.echo("run 'real' is up to date (files unchanged); nothing to rebuild")
        return
    summary, corpus_report = build_real_run(data_dir)
    click.echo(corpus_report.render())
    click.echo(f"stored run 'real': {summary.n_dialogues} dialogues, {summary.n_messages} messages")
