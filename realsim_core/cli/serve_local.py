"""``realsim serve-local``: the offline model as an OpenAI-compatible server, in the foreground."""

from __future__ import annotations

import time

import click

from realsim_core.cli._options import RealsimError


@click.command("serve-local")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--n-ctx", type=click.IntRange(512), default=8192, show_default=True, help="Context window in tokens.")
def command(port: int | None, n_ctx: int) -> None:
    """Serve SmolLM2-135M-Instruct with llama.cpp on 127.0.0.1 until Ctrl-C.

    Point any command (or another tool) at the printed base URL with model
    name smollm2-135m-instruct; no API key is needed.
    """
    from realsim_core.llm import LOCAL_MODEL_NAME, LocalServer, LocalServerError

    server = LocalServer(port=port, n_ctx=n_ctx)
    try:
        server.start()
    except LocalServerError as err:
        raise RealsimError(str(err)) from err
    click.echo(f"serving {LOCAL_MODEL_NAME} at {server.base_url}  (Ctrl-C to stop)")
    try:
        while server.running:
            time.sleep(0.5)
        raise RealsimError("the llama.cpp server exited unexpectedly")
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        server.stop()
