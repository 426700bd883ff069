"""CLI options defined once and shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="REALSIM_DATA_DIR",
    show_envvar=True,
    help="Where realsim keeps the corpus and its DuckDB store (default: data/).",
)


def endpoint_options(prefix: str = "", what: str = "model") -> Callable[[F], F]:
    """``--[prefix-]base-url``, ``--[prefix-]model`` and ``--api-key`` for an OpenAI-compatible endpoint.

    The key is read from the flag or ``OPENAI_API_KEY`` and only held in memory.
    """
    dash = f"{prefix}-" if prefix else ""
    under = f"{prefix}_" if prefix else ""

    def decorate(func: F) -> F:
        func = click.option(
            f"--{dash}base-url", f"{under}base_url", default=None,
            help=f"OpenAI-compatible endpoint of the {what} (default: OPENAI_BASE_URL, or a local llama.cpp server).",
        )(func)
        func = click.option(f"--{dash}model", f"{under}model", default=None, help=f"Model name of the {what}.")(func)
        return func

    return decorate


api_key_option = click.option(
    "--api-key", default=None, envvar="OPENAI_API_KEY", show_envvar=True, show_default=False,
    help="API key for the endpoint; held in memory only, never written anywhere.",
)


class RealsimError(click.ClickException):
    """A user-facing error: printed as one clear line, exit code 1."""
