"""Work out the container (JSON array, JSON Lines, CSV) and record format.

Detection looks at the first significant character and, for JSON, at the keys
of the first record only, so it costs the same for a 1 KB and a 1 GB file.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import ijson

from realsim_core.ingest._errors import IngestError
from realsim_core.ingest._records import json_type
from realsim_core.ingest._source import CheckedReader, bom_length, first_significant, iter_lines, malformed

FORMATS: tuple[str, ...] = ("jsonl", "realsim", "openai", "sharegpt", "taubench", "csv")
CSV_COLUMNS = ("dialogue_id", "turn", "role", "text")

_SIGNATURES = (
    "canonical JSONL {id, source, messages}; realsim/WildChat {conversation_id, conversation}; "
    "OpenAI {messages}; ShareGPT {conversations}; tau-bench {traj}"
)


def format_of_record(record: Any) -> str | None:
    """The format whose signature keys the record carries, or None."""
    if not isinstance(record, dict):
        return None
    keys = set(record)
    if {"id", "source", "messages"} <= keys:
        return "jsonl"
    if "traj" in keys:
        return "taubench"
    if "conversation" in keys:
        return "realsim"
    if "conversations" in keys:
        return "sharegpt"
    if "messages" in keys:
        return "openai"
    return None


def csv_header(path: Path) -> list[str] | None:
    """Normalised header of a CSV file, or None if the first line is not one."""
    for _, text in iter_lines(path):
        row = next(csv.reader(io.StringIO(text)), [])
        return [cell.strip().lower() for cell in row]
    return None


def _first_array_record(path: Path) -> Any:
    with path.open("rb") as handle:
        reader = CheckedReader(handle, path, bom_length(path))
        try:
            return next(iter(ijson.items(reader, "item", use_float=True)), None)
        except ijson.JSONError as exc:
            raise malformed(path, exc, after=None) from None


def _first_line_record(path: Path) -> tuple[bool, Any]:
    """(parsed?, value) of the first non-blank line."""
    for _, text in iter_lines(path):
        try:
            return True, json.loads(text)
        except json.JSONDecodeError:
            return False, None
    return False, None


def _single_value_problem(path: Path) -> IngestError:
    """The file is not JSON Lines: either one (pretty-printed) value or broken JSON."""
    with path.open("rb") as handle:
        reader = CheckedReader(handle, path, bom_length(path))
        try:
            for prefix, event, _ in ijson.parse(reader):
                if prefix == "" and event in ("end_map", "end_array"):
                    break
        except ijson.JSONError as exc:
            return malformed(path, exc, after=None)
    return IngestError(
        path,
        "wrong top-level shape: the file holds a single JSON object; expected a JSON array of dialogue "
        "records or JSON Lines (one record per line)",
    )


def sniff(path: Path, fmt: str = "auto") -> tuple[str, str]:
    """Return ``(container, format)``; raise :class:`IngestError` for whole-file problems."""
    if fmt != "auto" and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose auto or one of: {', '.join(FORMATS)}")
    if not path.exists():
        raise IngestError(path, "no such file")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    _, first = first_significant(path)
    if not first:
        raise IngestError(path, "the file is empty")
    if fmt == "csv" or (fmt == "auto" and first not in "[{"):
        header = csv_header(path)
        missing = [c for c in CSV_COLUMNS if c not in (header or [])]
        if not missing:
            return "csv", "csv"
        if fmt == "csv" or path.suffix.lower() == ".csv":
            raise IngestError(path, f"CSV header lacks column(s) {', '.join(missing)}", where="line 1")
        if first in '"-0123456789tfn':
            raise IngestError(path, "wrong top-level shape: a JSON scalar; expected an array of dialogue records")
        raise IngestError(path, f"not JSON, JSON Lines or CSV (the first character is {first!r})")
    if first == "[":
        container, record = "array", _first_array_record(path)
        if record is None:
            raise IngestError(path, "the JSON array is empty: no records to read")
    elif first == "{":
        parsed, record = _first_line_record(path)
        if not parsed:
            raise _single_value_problem(path)
        container = "lines"
    else:
        raise IngestError(path, "wrong top-level shape: expected a JSON array of records, JSON Lines or CSV")
    if fmt != "auto":
        return container, fmt
    found = format_of_record(record)
    if found is None:
        if isinstance(record, dict):
            keys = ", ".join(sorted(record)[:12]) or "none"
            problem = f"the first record's keys ({keys}) match no known format"
        else:
            problem = f"wrong top-level shape: the first record is a JSON {json_type(record)}, not an object"
        raise IngestError(path, f"{problem}; expected one of: {_SIGNATURES} (or pass --format)")
    return container, found


def detect_format(path: str | Path) -> str:
    """Name of the upload format of ``path`` (one of :data:`FORMATS`)."""
    return sniff(Path(path))[1]
