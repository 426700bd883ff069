"""Fetch the corpus files from the pinned commit or a local folder.

Each file is written to ``<name>.part`` and renamed only after its sha256 is
verified, so an interrupted fetch never leaves a half-written file behind.
Files already present and valid are skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
from tqdm import tqdm

from realsim_core.corpus._manifest import FILES, RAW_BASE_URL
from realsim_core.paths import corpus_dir


class FetchError(RuntimeError):
    """A corpus file could not be fetched or failed its checksum."""


@dataclass(frozen=True)
class FetchReport:
    fetched: list[str]
    skipped: list[str]
    target: Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_local(src_root: Path, name: str, part: Path) -> None:
    src = src_root / name
    if not src.exists():
        raise FetchError(f"{name}: not found in {src_root} (is --source the folder holding real_dialogues/?)")
    shutil.copyfile(src, part)


def _download(base_url: str, name: str, part: Path, client: httpx.Client) -> None:
    url = f"{base_url.rstrip('/')}/{name}"
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise FetchError(f"{name}: {url} answered HTTP {response.status_code}")
            with part.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
    except httpx.HTTPError as err:
        raise FetchError(
            f"{name}: cannot download {url} ({type(err).__name__}: {err}). Without network, fetch from a "
            "local copy: `realsim fetch --source /path/to/realsim` or set REALSIM_SOURCE"
        ) from err


def fetch_corpus(
    data_dir: str | os.PathLike[str] | None = None,
    source: str | None = None,
    show_progress: bool = True,
) -> FetchReport:
    """Bring the 20 corpus files into ``<data-dir>/corpus`` and verify them.

    ``source`` is a local folder or a base URL; default ``REALSIM_SOURCE``,
    then the raw files of the pinned public commit.
    """
    target = corpus_dir(data_dir)
    chosen = source or os.environ.get("REALSIM_SOURCE") or RAW_BASE_URL
    is_url = chosen.startswith(("http://", "https://"))
    local_root = None if is_url else Path(chosen).expanduser()
    if local_root is not None and not local_root.is_dir():
        raise FetchError(f"--source {chosen}: no such folder")
    fetched: list[str] = []
    skipped: list[str] = []
    client = httpx.Client(timeout=60.0, follow_redirects=True) if is_url else None
    try:
        bar = tqdm(FILES.items(), desc="fetch corpus", unit="file", disable=not show_progress)
        for name, expected in bar:
            final = target / name
            if final.exists() and sha256_of(final) == expected:
                skipped.append(name)
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            part = final.with_name(final.name + ".part")
            try:
                if local_root is not None:
                    _copy_local(local_root, name, part)
                else:
                    assert client is not None
                    _download(chosen, name, part, client)
                actual = sha256_of(part)
                if actual != expected:
                    raise FetchError(f"{name}: sha256 mismatch (expected {expected}, got {actual}) from {chosen}")
                part.replace(final)
            finally:
                part.unlink(missing_ok=True)
            fetched.append(name)
    finally:
        if client is not None:
            client.close()
    return FetchReport(fetched=fetched, skipped=skipped, target=target)
