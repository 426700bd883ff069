"""``realsim demo``: the demo database behind ``make run``.

The local model plays a generic and an informed user on a stratified sample
of scenarios; both runs are annotated offline and compared with the real
corpus, so a new user sees real findings at once. Every step resumes or
reuses its cache, so a second build takes seconds.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from realsim_core.cli._options import RealsimError, data_dir_option

if TYPE_CHECKING:
    from realsim_core.simulate import RunOutcome


@click.command("demo")
@click.option("--per-domain", type=click.IntRange(1, 100), default=2, show_default=True,
              help="Scenarios per domain for each demo run.")
@click.option("--budget-seconds", type=click.FloatRange(0), default=None,
              help="Wall-clock budget for simulating (default: the demo's own); the rest resumes next build.")
@click.option("--bootstrap", type=click.IntRange(10, 100_000), default=1000, show_default=True,
              help="Bootstrap resamples of the comparisons.")
@click.option("--extend", is_flag=True,
              help="Simulate the scenarios an earlier build postponed (by default stored demo runs are reused).")
@data_dir_option
def command(per_domain: int, budget_seconds: float | None, bootstrap: int, extend: bool, data_dir: str | None) -> None:
    """Simulate the two demo runs with the local model, annotate them offline and compare them with real users.

    The first build simulates within a time budget; later builds reuse the
    stored runs and comparisons (seconds) unless --extend asks to simulate
    what the budget postponed.
    """
    from realsim_core.compare import CompareSettings, compare_runs
    from realsim_core.simulate import DEMO_RUNS
    from realsim_core.store import Store

    store = Store(data_dir)
    if not store.run_exists("real"):
        raise RealsimError("the real corpus is not stored yet: run `realsim fetch` first (make run does)")
    started = time.monotonic()
    if not extend and all(store.run_exists(name) for name in DEMO_RUNS):
        click.echo("demo runs already stored: reusing them (--extend simulates postponed scenarios)")
        names = list(DEMO_RUNS)
    else:
        names = [o.name for o in _simulate(data_dir, per_domain, budget_seconds)]
        click.echo(f"simulation: {time.monotonic() - started:.0f} s")
    settings = CompareSettings(bootstrap=bootstrap)
    for name in names:
        if not store.run_exists(name):
            click.echo(f"{name}: nothing stored yet, skipped")
            continue
        step = time.monotonic()
        result = compare_runs(store, name, "real", settings=settings)
        state = "reused" if result.from_cache else "computed"
        click.echo(f"{name} vs real: {state} in {time.monotonic() - step:.0f} s")
    click.echo(f"demo database ready in {time.monotonic() - started:.0f} s: {store.path}")


def _simulate(data_dir: str | None, per_domain: int, budget_seconds: float | None) -> list[RunOutcome]:
    """Simulate (or resume) both demo runs within the budget."""
    from realsim_core.simulate import build_demo_runs
    from realsim_core.simulate._demo import DEMO_BUDGET_SECONDS

    return build_demo_runs(
        data_dir,
        per_domain=per_domain,
        budget_seconds=DEMO_BUDGET_SECONDS if budget_seconds is None else budget_seconds,
        log=click.echo,
    )
