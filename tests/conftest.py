"""Shared fixtures: the real corpus from ../shared (REALSIM_SOURCE), temporary
data dirs, and one real llama.cpp server per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpus_source() -> Path:
    """The local corpus copy: REALSIM_SOURCE, else ../shared/realsim beside the repo."""
    chosen = os.environ.get("REALSIM_SOURCE")
    path = Path(chosen) if chosen else REPO.parent / "shared" / "realsim"
    if not (path / "all_extracted_scenarios.json").exists():
        raise RuntimeError(f"the real corpus is not at {path}; set REALSIM_SOURCE")
    return path


@pytest.fixture(scope="session")
def source_dir() -> Path:
    return corpus_source()


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> Path:
    """A data dir with the real corpus fetched and stored as run 'real' (built once)."""
    from realsim_core.corpus import build_real_run, fetch_corpus

    data_dir = tmp_path_factory.mktemp("realdata")
    fetch_corpus(data_dir=data_dir, source=str(source_dir), show_progress=False)
    build_real_run(data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="session")
def local_llm() -> Iterator["object"]:
    """A real OpenAI-compatible llama.cpp server with SmolLM2-135M on 127.0.0.1."""
    from realsim_core.llm import LocalServer

    with LocalServer(n_ctx=8192) as server:
        yield server
