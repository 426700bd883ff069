"""CSV long format: one row per turn, ``dialogue_id, turn, role, text``.

Optional columns ``domain, scenario_id, scenario, persona`` are taken from a
dialogue's first row; any other column is kept in metadata. Rows of one
dialogue must be contiguous (the file is streamed, one dialogue in memory at a
time); a dialogue id that comes back later is reported as a duplicate.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from realsim_core.ingest._records import DIALOGUE_FIELDS, RecordContext, RecordProblem, make_dialogue
from realsim_core.ingest._source import iter_lines
from realsim_core.schema import Dialogue, Message

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_ROLES = {"user": "user", "assistant": "assistant"}
_KNOWN = {"dialogue_id", "turn", "role", "text", *DIALOGUE_FIELDS}


def iter_csv_groups(path: Path) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Yield ``(locator, index, {"id", "rows", "line"})`` per run of rows with one id."""
    lines = (text for _, text in iter_lines(path, skip_blank=False))
    reader = csv.reader(lines)
    header = [cell.strip().lower() for cell in next(row for row in reader if any(c.strip() for c in row))]
    group: dict[str, Any] | None = None
    index = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row))
        if len(row) > len(header):
            record["_extra_cells"] = row[len(header):]
        ident = (record.get("dialogue_id") or "").strip()
        if group is not None and ident == group["id"]:
            group["rows"].append((reader.line_num, record))
            continue
        if group is not None:
            yield f"line {group['line']}", index, group
            index += 1
        group = {"id": ident, "rows": [(reader.line_num, record)], "line": reader.line_num}
    if group is not None:
        yield f"line {group['line']}", index, group


def parse_csv(group: dict[str, Any], index: int, ctx: RecordContext) -> Dialogue:
    ident = group["id"]
    if not ident:
        raise RecordProblem("empty dialogue_id", kind="missing id")
    turns: dict[int, Message] = {}
    for line, row in group["rows"]:
        if "_extra_cells" in row:
            raise RecordProblem(f"line {line} has more cells than the header", kind="bad row", record_id=ident)
        raw_turn = (row.get("turn") or "").strip()
        try:
            turn = int(raw_turn)
        except ValueError:
            raise RecordProblem(f"turn {raw_turn!r} on line {line} is not an integer",
                                kind="bad turn", record_id=ident) from None
        if turn in turns:
            raise RecordProblem(f"turn {turn} appears twice (line {line})", kind="bad turn", record_id=ident)
        role = (row.get("role") or "").strip().lower()
        if role not in _ROLES:
            raise RecordProblem(f"unknown role {row.get('role')!r} on line {line}",
                                kind="unknown role", record_id=ident)
        if row.get("text") is None:
            raise RecordProblem(f"line {line} has no text cell", kind="bad row", record_id=ident)
        turns[turn] = Message(role=_ROLES[role], content=row["text"])
    first = group["rows"][0][1]
    fields = {key: (first.get(key) or "").strip() or None for key in DIALOGUE_FIELDS}
    if fields["scenario"] is not None:
        fields["scenario"] = first["scenario"]  # scenario text is kept verbatim
    if fields["persona"] is not None:
        fields["persona"] = first["persona"]
    metadata = {k: v for k, v in first.items() if k not in _KNOWN and v != ""}
    messages = [turns[t] for t in sorted(turns)]
    return make_dialogue(ident, messages, ctx, fields, metadata)
