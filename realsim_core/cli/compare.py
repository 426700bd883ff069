"""``realsim compare``: distances with CIs, noise floor and domain analysis for one run."""

from __future__ import annotations

from pathlib import Path

import click

from realsim_core.cli._options import RealsimError, data_dir_option


@click.command("compare")
@click.option("--run", "run", required=True, help="The run to evaluate (a simulator run, or any stored run).")
@click.option("--against", default="real", show_default=True, help="The reference run (normally the real corpus).")
@click.option("--paired", is_flag=True, help="Knowledge similarity per scenario pair instead of per domain.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for table1/2/3, domains, missing CSVs and comparison.json "
                   "(default: <data-dir>/comparisons/<run>_vs_<against>).")
@click.option("--backend", type=click.Choice(["local", "llm"]), default="local", show_default=True,
              help="Annotator backend for annotations that are still missing.")
@click.option("--dims", default=None, help="Comma-separated annotation dimensions (default: all registered).")
@click.option("--bootstrap", type=click.IntRange(10, 100_000), default=1000, show_default=True,
              help="Bootstrap resamples (also permutations and noise-floor splits).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-embeddings", is_flag=True, help="Skip knowledge, Fréchet and the classifier test (no MiniLM).")
@click.option("--force", is_flag=True, help="Recompute even if a stored result has the same inputs.")
@data_dir_option
def command(run: str, against: str, paired: bool, out_dir: str | None, backend: str, dims: str | None,
            bootstrap: int, seed: int, no_embeddings: bool, force: bool, data_dir: str | None) -> None:
    """Compare RUN with real users (or another run) on every dimension.

    Annotates whatever is missing first, then writes the tables with 95%
    bootstrap CIs, the real-vs-real noise floor and permutation p-values, and
    stores them so the dashboard shows them without recomputing.
    """
    from realsim_core.compare import CompareSettings, compare_runs
    from realsim_core.paths import resolve_data_dir
    from realsim_core.store import RunNotFoundError, Store

    store = Store(data_dir)
    settings = CompareSettings(seed=seed, bootstrap=bootstrap, paired=paired, embeddings=not no_embeddings)
    try:
        result = compare_runs(store, run, against, settings=settings, backend=backend, dims=dims, force=force)
    except (RunNotFoundError, ValueError) as exc:
        raise RealsimError(str(exc)) from exc
    target = Path(out_dir) if out_dir else resolve_data_dir(data_dir) / "comparisons" / f"{run}_vs_{against}"
    written = result.write(target)
    state = "stored result reused (inputs unchanged)" if result.from_cache else "computed and stored"
    click.echo(f"{run} vs {against}: {state}; wrote {len(written)} files to {target}")
    shown = result.table2[["dimension", "metric", "value", "ci_low", "ci_high", "noise_floor", "p_value", "warning"]]
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
