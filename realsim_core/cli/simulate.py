"""``realsim simulate``: run a prompted user simulator on the corpus' scenarios."""

from __future__ import annotations

import click

from realsim_core.cli._options import RealsimError, api_key_option, data_dir_option


@click.command("simulate")
@click.option("--name", required=True, help="Run name; rerunning the same name resumes it.")
@click.option(
    "--scenarios", default="all", show_default=True,
    help="all | DOMAIN[,DOMAIN…] | N-per-domain (seeded stratified sample) | file with one scenario id per line.",
)
@click.option("--persona", type=click.Choice(["generic", "informed"]), default="generic", show_default=True,
              help="generic: 'a human user'; informed: one of the scenario's personas, drawn with --seed.")
@click.option("--user-model", default=None, help="Simulator model (default: the local SmolLM2-135M).")
@click.option("--user-base-url", default=None,
              help="OpenAI-compatible endpoint of the simulator (default: a local llama.cpp server).")
@click.option("--assistant-model", default=None, help="Assistant model (default: the local SmolLM2-135M).")
@click.option("--assistant-base-url", default=None,
              help="OpenAI-compatible endpoint of the assistant (default: a local llama.cpp server).")
@api_key_option
@click.option("--max-turns", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Hard cap on user turns.")
@click.option("--min-turns-before-end", type=click.IntRange(1), default=4, show_default=True,
              help="User turns written before the simulator may end the chat.")
@click.option("--flip-roles/--no-flip-roles", default=True, show_default=True,
              help="Show the simulator the history with user/assistant roles swapped.")
@click.option("--guardrails", is_flag=True,
              help="UserLM-style: regenerate turns outside 3-25 words, verbatim repeats, or starting I/You/Here.")
@click.option("--guardrail-tries", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Regenerations allowed per turn when a guardrail fires.")
@click.option("--user-temperature", type=click.FloatRange(0, 2), default=0.8, show_default=True)
@click.option("--user-max-tokens", type=click.IntRange(1), default=120, show_default=True)
@click.option("--assistant-max-tokens", type=click.IntRange(1), default=512, show_default=True)
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Dialogues in flight at once (a local llama.cpp server still answers one request at a time).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds sampling, persona draws and N-per-domain.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="JSONL file to append dialogues to (default: <data-dir>/runs/<name>.jsonl).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@data_dir_option
def command(
    name: str, scenarios: str, persona: str, user_model: str | None, user_base_url: str | None,
    assistant_model: str | None, assistant_base_url: str | None, api_key: str | None, max_turns: int,
    min_turns_before_end: int, flip_roles: bool, guardrails: bool, guardrail_tries: int,
    user_temperature: float, user_max_tokens: int, assistant_max_tokens: int, concurrency: int,
    seed: int, out: str | None, quiet: bool, data_dir: str | None,
) -> None:
    """Simulate users on the corpus' scenarios and store the dialogues as run NAME.

    Each finished dialogue is appended to the run's JSONL file at once;
    rerunning the same command skips the scenarios already there. With no
    --*-base-url, a local llama.cpp server with SmolLM2-135M-Instruct is
    started for the run (offline, small, fast, and not a realistic user).
    """
    from realsim_core.corpus import FetchError
    from realsim_core.llm import LocalServerError
    from realsim_core.simulate import (
        RunFileError, ScenarioSelectionError, SimulationConfig, SimulationError, simulate_run,
    )

    config = SimulationConfig(
        persona=persona, max_turns=max_turns, min_turns_before_end=min_turns_before_end,  # type: ignore[arg-type]
        flip_roles=flip_roles, guardrails=guardrails, guardrail_tries=guardrail_tries, seed=seed,
        user_temperature=user_temperature, user_max_tokens=user_max_tokens,
        assistant_max_tokens=assistant_max_tokens,
    )
    try:
        outcome = simulate_run(
            name, data_dir=data_dir, scenarios=scenarios, config=config,
            user_model=user_model, user_base_url=user_base_url,
            assistant_model=assistant_model, assistant_base_url=assistant_base_url, api_key=api_key,
            concurrency=concurrency, out=out, show_progress=not quiet,
        )
    except (SimulationError, ScenarioSelectionError, RunFileError, FetchError, LocalServerError, ValueError) as err:
        raise RealsimError(str(err)) from err
    click.echo(
        f"run {name!r}: {outcome.n_stored} dialogues stored from {outcome.out_path} "
        f"({outcome.n_generated} generated now, {outcome.n_resumed} already finished)"
    )
    if outcome.failures:
        click.echo(
            f"{len(outcome.failures)} scenario(s) failed (rerun to retry): " + ", ".join(sorted(outcome.failures)),
            err=True,
        )
    totals = outcome.metadata.get("totals", {})
    if totals:
        click.echo(f"end reasons: {totals.get('end_reasons')}; mean user turns: {totals.get('mean_user_turns')}")
        if guardrails:
            click.echo(f"guardrail firings: {totals.get('guardrails')}")
