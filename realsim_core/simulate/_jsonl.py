"""The run's JSONL file: the crash-safe record of finished dialogues.

Each finished dialogue is appended as one canonical line and flushed to disk
at once, so a crash or Ctrl-C loses at most the dialogues in flight. On
resume the file is read back; a last line cut short by a kill is dropped
(the file is truncated to the last complete line) and any other bad line is
an error, since it means the file was edited or mixed up.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from realsim_core.schema import Dialogue


class RunFileError(ValueError):
    """The run's JSONL file is corrupt somewhere other than its last line."""


def read_run_file(path: Path, *, repair: bool = True) -> list[Dialogue]:
    """Finished dialogues in ``path`` (empty if it does not exist).

    With ``repair`` a truncated last line is cut off the file so appends start clean.
    """
    if not path.exists():
        return []
    data = path.read_bytes()
    dialogues: list[Dialogue] = []
    offset = 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        is_last = number == len(lines)
        if not line.strip():
            offset += len(line) + 1
            continue
        try:
            dialogues.append(Dialogue.model_validate(json.loads(line)))
        except (json.JSONDecodeError, UnicodeDecodeError, ValidationError) as err:
            # Only the final piece can be a half-written line: it has no newline after it.
            if is_last:
                if repair:
                    with path.open("r+b") as handle:
                        handle.truncate(offset)
                break
            raise RunFileError(f"{path}, line {number}: not a canonical dialogue ({err})") from err
        offset += len(line) + 1
    return dialogues


class RunFileWriter:
    """Append-only writer: one line per dialogue, flushed and synced immediately."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle: IO[str] = path.open("a", encoding="utf-8")

    def append(self, dialogue: Dialogue) -> None:
        self._handle.write(dialogue.to_json_line() + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "RunFileWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
