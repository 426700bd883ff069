"""``read_dialogues``: any supported upload file -> streamed dialogues + loss report.

Whole-file problems (missing, empty, not JSON/CSV, wrong shape, bad encoding,
broken JSON syntax) raise :class:`IngestError`; bad records are dropped with a
reason (lenient, the default) or raise on the first one (``strict=True``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from realsim_core.ingest._canonical import parse_canonical
from realsim_core.ingest._chatformats import ID_KEYS, parse_openai, parse_sharegpt, parse_taubench
from realsim_core.ingest._csv import iter_csv_groups, parse_csv
from realsim_core.ingest._detect import sniff
from realsim_core.ingest._errors import IngestError
from realsim_core.ingest._realsim import ID_KEY as REALSIM_ID_KEY
from realsim_core.ingest._realsim import parse_realsim
from realsim_core.ingest._records import RecordContext, RecordProblem
from realsim_core.ingest._report import LossReport
from realsim_core.ingest._source import iter_json_array, iter_json_lines, iter_lines, json_array_values
from realsim_core.schema import Dialogue

Parser = Callable[[Any, int, RecordContext], Dialogue]

PARSERS: dict[str, Parser] = {
    "jsonl": parse_canonical,
    "realsim": parse_realsim,
    "openai": parse_openai,
    "sharegpt": parse_sharegpt,
    "taubench": parse_taubench,
    "csv": parse_csv,
}
# Formats whose records may carry their own id: used only if unique in the file.
OPTIONAL_ID_KEYS: dict[str, str | None] = {"realsim": REALSIM_ID_KEY, **ID_KEYS}


@dataclass
class IngestResult:
    """Dialogues (a one-shot iterator) and the report, final once it is exhausted."""

    dialogues: Iterator[Dialogue]
    report: LossReport
    format: str
    container: str

    def __iter__(self) -> Iterator[Dialogue]:
        return self.dialogues


def _records(path: Path, container: str) -> Iterator[tuple[str, int, Any]]:
    if container == "array":
        return iter_json_array(path)
    if container == "lines":
        return iter_json_lines(path)
    return iter_csv_groups(path)


def _own_ids(path: Path, container: str, key: str) -> list[str]:
    """Every value of ``key`` in the file, read in a cheap first pass."""
    if container == "array":
        values = json_array_values(path, f"item.{key}")
    else:
        values = (_line_value(text, key) for _, text in iter_lines(path))
    return [str(v) for v in values if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v)]


def _line_value(text: str, key: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None  # the main pass reports it with its position
    return value.get(key) if isinstance(value, dict) else None


def _use_own_ids(path: Path, container: str, fmt: str, report: LossReport) -> bool:
    key = OPTIONAL_ID_KEYS.get(fmt)
    if key is None:
        return False
    ids = _own_ids(path, container, key)
    seen: set[str] = set()
    repeated: list[str] = []
    for ident in ids:
        if ident in seen:
            repeated.append(ident)
        seen.add(ident)
    if repeated:
        examples = ", ".join(repr(r) for r in dict.fromkeys(repeated).keys() if r)[:200]
        report.warn(
            f"{len(repeated)} {key} value(s) repeat (e.g. {examples}); every dialogue is identified as "
            f"<file stem>:<index> instead and keeps its {key} in metadata"
        )
        return False
    return True


def read_dialogues(
    path: str | Path, fmt: str = "auto", source: str = "upload", strict: bool = False
) -> IngestResult:
    """Open an upload and stream its dialogues.

    Detection and whole-file checks happen now (so errors surface before any
    store is touched); records are parsed lazily as the iterator is consumed.
    """
    file = Path(path)
    container, found = sniff(file, fmt)
    report = LossReport(path=str(file), format=found)
    ctx = RecordContext(source=source, stem=file.stem, report=report)
    ctx.native_ids = _use_own_ids(file, container, found, report)
    generator = _generate(file, container, PARSERS[found], ctx, strict)
    return IngestResult(dialogues=generator, report=report, format=found, container=container)


def _generate(path: Path, container: str, parse: Parser, ctx: RecordContext, strict: bool) -> Iterator[Dialogue]:
    report = ctx.report
    first_seen: dict[str, str] = {}
    for locator, index, raw in _records(path, container):
        report.read += 1
        try:
            dialogue = parse(raw, index, ctx)
            if dialogue.id in first_seen:
                raise RecordProblem(
                    f"duplicate id {dialogue.id!r} (first at {first_seen[dialogue.id]})",
                    kind="duplicate id", record_id=dialogue.id,
                )
        except RecordProblem as problem:
            if strict:
                ident = f" (id {problem.record_id!r})" if problem.record_id else ""
                raise IngestError(path, problem.reason + ident, where=locator) from None
            report.drop(locator, problem.reason, problem.record_id, kind=problem.kind)
            continue
        first_seen[dialogue.id] = locator
        report.kept += 1
        yield dialogue
    where = "kept in metadata 'tool_messages'" if ctx.tool_in_metadata else "not kept"
    for what, count in sorted(ctx.left_out.items()):
        report.warn(f"{count} {what}(s) are not dialogue turns ({where}; turns are user and assistant text only)")
    if ctx.unkept_fields:
        report.warn(f"per-message fields not kept (not in the schema): {', '.join(sorted(ctx.unkept_fields))}")
