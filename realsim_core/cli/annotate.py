"""``realsim annotate``: annotate a JSONL file or a stored run on the eight dimensions.

Annotations always go through the DuckDB cache of the data dir, so a rerun
(or the same dialogues in another file or run) costs nothing, and an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from realsim_core.annotate import BACKENDS, DIMENSIONS, annotate_dialogues, dialogue_records, parse_dims
from realsim_core.annotate._registry import build_annotator
from realsim_core.annotate.offline.tuned import PRECISION_ENV
from realsim_core.cli._options import RealsimError, api_key_option, data_dir_option, endpoint_options
from realsim_core.schema import Dialogue
from realsim_core.store import RunNotFoundError, Store, StoreBusyError


def _load(file: str | None, run: str | None, store: Store) -> list[Dialogue]:
    if (file is None) == (run is None):
        raise RealsimError("give either FILE (canonical JSONL) or --run NAME, not both")
    if run is not None:
        try:
            return store.load_dialogues(run)
        except RunNotFoundError as err:
            raise RealsimError(str(err)) from err
    from realsim_core.ingest import IngestError, read_dialogues

    path = Path(file)  # type: ignore[arg-type]
    if not path.is_file():
        raise RealsimError(f"no such file: {path}")
    try:
        return list(read_dialogues(path, fmt="jsonl", strict=True).dialogues)
    except (IngestError, ValueError) as err:
        raise RealsimError(f"{path} is not canonical realsim JSONL: {err}") from err


def _options(dims: list[str], backend: str, base_url: str | None, model: str | None, api_key: str | None,
             concurrency: int, emotion_model: str | None, emotion_method: str) -> dict[str, dict[str, Any]]:
    """Per-dimension factory options; LLM dimensions share one endpoint object."""
    options: dict[str, dict[str, Any]] = {"emotion": {"method": emotion_method, "model": emotion_model}}
    llm_dims = [d for d in dims if DIMENSIONS[d].llm_capable]
    if backend == "llm" and llm_dims:
        from realsim_core.llm import Endpoint

        try:
            endpoint = Endpoint.from_env(base_url=base_url, model=model, api_key=api_key)
        except ValueError as err:
            raise RealsimError(str(err)) from err
        for dim in llm_dims:
            options[dim] = {"endpoint": endpoint, "concurrency": concurrency}
    return options


def _print_estimate(dialogues: list[Dialogue], dims: list[str], model: str | None) -> None:
    from realsim_core.annotate.backends import estimate_cost

    est = estimate_cost(dialogues, dims, model)
    cost = est.get("cost_usd")
    click.echo(
        f"estimate (before cache): {est['calls']} calls, ~{est['prompt_tokens']:,} prompt + "
        f"~{est.get('completion_tokens', 0):,} completion tokens"
        + (f", ~${cost:.2f}" if isinstance(cost, (int, float)) else ", price unknown for this model")
    )


@click.command("annotate")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--run", default=None, help="Annotate a stored run instead of a file.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write one JSON record per dialogue here (required with FILE).")
@click.option("--backend", type=click.Choice(BACKENDS), default="local", show_default=True,
              help="local: offline annotators; llm: an OpenAI-compatible endpoint for intent, feedback, "
                   "identity and knowledge (the others are always computed locally).")
@click.option("--dims", default=None, help="Comma-separated dimensions (default: all registered).")
@click.option("--no-cache", is_flag=True, help="Recompute everything (fresh values still refresh the cache).")
@endpoint_options(what="annotator LLM")
@api_key_option
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Parallel requests to the LLM endpoint.")
@click.option("--emotion-model", default=None, envvar="REALSIM_EMOTION_MODEL", show_envvar=True,
              help="Folder (or cached hub id) of the 7-class emotion classifier; default: the paper's model "
                   "if it is in the Hugging Face cache, else the NRC lexicon.")
@click.option("--emotion-method", type=click.Choice(("auto", "model", "lexicon")), default="auto",
              show_default=True, help="Force the emotion classifier or the lexicon.")
@click.option("--encoder-precision", type=click.Choice(("auto", "bf16", "fp32"), case_sensitive=False),
              default="auto", envvar="REALSIM_ENCODER_PRECISION", show_envvar=True, show_default=True,
              help="Precision of the offline intent/feedback encoders: bf16 autocast is about 1.8x faster and "
                   "agrees with fp32 on over 99.5% of turns; auto uses it only on CPUs with native bf16.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@data_dir_option
def command(file: str | None, run: str | None, out: str | None, backend: str, dims: str | None, no_cache: bool,
            base_url: str | None, model: str | None, api_key: str | None, concurrency: int,
            emotion_model: str | None, emotion_method: str, encoder_precision: str, quiet: bool,
            data_dir: str | None) -> None:
    """Annotate FILE (canonical JSONL) into --out, or a stored run (--run NAME) into the store.

    Output: one object per dialogue, {"id", "length", "linguistic", "errors",
    "identity", "turns": [{"turn": 1, "intent", "feedback", "emotion",
    "knowledge"}, ...]}, one turn per user message. Ends with a summary per
    dimension: computed vs cached, failures and seconds.
    """
    previous = os.environ.get(PRECISION_ENV)
    os.environ[PRECISION_ENV] = encoder_precision.lower()  # read by the offline encoders of this process
    try:
        _annotate(file, run, out, backend, dims, no_cache, base_url, model, api_key, concurrency, emotion_model,
                  emotion_method, quiet, data_dir)
    finally:
        if previous is None:
            os.environ.pop(PRECISION_ENV, None)
        else:
            os.environ[PRECISION_ENV] = previous


def _annotate(file: str | None, run: str | None, out: str | None, backend: str, dims: str | None, no_cache: bool,
              base_url: str | None, model: str | None, api_key: str | None, concurrency: int,
              emotion_model: str | None, emotion_method: str, quiet: bool, data_dir: str | None) -> None:
    """The command's work, with the encoder precision already set for this process."""
    if file is not None and out is None:
        raise RealsimError("annotating a file needs --out OUT.jsonl")
    try:
        names = parse_dims(dims)
        store = Store(data_dir)
        dialogues = _load(file, run, store)
        options = _options(names, backend, base_url, model, api_key, concurrency, emotion_model, emotion_method)
        annotators = {name: build_annotator(name, backend, **options.get(name, {})) for name in names}
    except (ValueError, FileNotFoundError, StoreBusyError) as err:
        raise RealsimError(str(err)) from err
    if backend == "llm" and any(DIMENSIONS[d].llm_capable for d in names):
        _print_estimate(dialogues, names, model or next(
            (a.spec.model for n, a in annotators.items() if DIMENSIONS[n].llm_capable), None))
    try:
        result = annotate_dialogues(dialogues, dims=names, backend=backend, store=store, use_cache=not no_cache,
                                    show_progress=not quiet, annotators=annotators)
    except KeyboardInterrupt:
        raise RealsimError("interrupted: finished batches are cached; run the same command again to resume")
    except Exception as err:  # an endpoint that stays down, a model that fails to load, ...
        raise RealsimError(f"annotation stopped ({type(err).__name__}: {err}); finished batches are cached, "
                           "run the same command again to resume") from err
    if out is not None:
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        with tmp.open("w", encoding="utf-8") as handle:
            for record in dialogue_records(result):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        tmp.replace(target)
    click.echo(f"{len(dialogues)} dialogues" + (f" → {out}" if out else f" of run {run!r} annotated in {store.path}"))
    click.echo(f"{'dimension':<12} {'computed':>8} {'cached':>8} {'failed':>7} {'seconds':>8}  method")
    for name in names:
        spec = result.annotators[name].spec
        method = f"{spec.backend}:{spec.model or spec.params.get('method', '-')}"
        click.echo(f"{name:<12} {result.computed[name]:>8} {result.cached[name]:>8} {result.failures(name):>7} "
                   f"{result.seconds[name]:>8.1f}  {method}")
    for name, annotator in result.annotators.items():
        report = getattr(annotator, "report", None)
        if callable(report) and result.computed[name]:
            usage = report()
            click.echo(f"{name} usage: {json.dumps(usage, default=str)}")
