"""Shared pieces of the per-format record parsers.

A parser turns one raw record (a dict from JSON, or grouped CSV rows) into a
:class:`Dialogue`, or raises :class:`RecordProblem` with a reason the loss
report shows. Keeping the checks here makes "no user turn", "unknown role" and
"non-text content" mean the same thing in every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from realsim_core.ingest._report import LossReport
from realsim_core.schema import Dialogue, Message

# Optional top-level fields any record may carry, copied onto the dialogue.
DIALOGUE_FIELDS = ("domain", "scenario_id", "scenario", "persona")


class RecordProblem(Exception):
    """One record cannot be kept; ``kind`` groups it in the report summary."""

    def __init__(self, reason: str, kind: str | None = None, record_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind or reason
        self.record_id = record_id


@dataclass
class RecordContext:
    """What a parser needs besides the record itself."""

    source: str
    stem: str
    report: LossReport
    native_ids: bool = True
    left_out: dict[str, int] = field(default_factory=dict)
    unkept_fields: set[str] = field(default_factory=set)
    tool_in_metadata: bool = False

    def fallback_id(self, index: int) -> str:
        return f"{self.stem}:{index}"

    def note_left_out(self, what: str) -> None:
        """Count messages deliberately not kept (tool calls, ...) for one warning."""
        self.left_out[what] = self.left_out.get(what, 0) + 1


def require_dict(record: Any, what: str = "record") -> dict[str, Any]:
    if not isinstance(record, dict):
        raise RecordProblem(f"{what} is a JSON {json_type(record)}, not an object", kind=f"{what} is not an object")
    if not record:
        raise RecordProblem("empty record", kind="empty record")
    return record


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )


def text_of(content: Any, where: str) -> str:
    """Message text from a string or a list of text parts; anything else is non-text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts: list[str] = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") in ("text", "input_text", "output_text") and isinstance(
                part.get("text"), str
            ):
                texts.append(part["text"])
            else:
                kind = part.get("type") if isinstance(part, dict) else json_type(part)
                raise RecordProblem(f"non-text content ({kind}) in {where}", kind="non-text content")
        return "\n".join(texts)
    raise RecordProblem(f"non-text content (a JSON {json_type(content)}) in {where}", kind="non-text content")


def string_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordProblem(f"field {key!r} is a JSON {json_type(value)}, expected a string", kind=f"bad {key}")
    return value or None


def record_id(record: dict[str, Any], key: str | None, index: int, ctx: RecordContext) -> str:
    """The record's own id when the file's ids are usable, else ``<stem>:<index>``."""
    if key and ctx.native_ids:
        own = string_field(record, key)
        if own:
            return own
    return ctx.fallback_id(index)


def make_dialogue(
    ident: str,
    messages: list[Message],
    ctx: RecordContext,
    fields: dict[str, str | None],
    metadata: dict[str, Any],
) -> Dialogue:
    """Assemble and validate a dialogue, enforcing the rules shared by all formats."""
    if not messages:
        raise RecordProblem("no user or assistant messages", kind="empty record", record_id=ident)
    if not any(m.role == "user" for m in messages):
        raise RecordProblem("no user turn", kind="no user turn", record_id=ident)
    try:
        return Dialogue(id=ident, source=ctx.source, messages=messages, metadata=metadata, **fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordProblem(f"invalid {where}: {first['msg']}", kind="invalid field", record_id=ident) from None


def common_fields(record: dict[str, Any]) -> dict[str, str | None]:
    """domain / scenario_id / scenario / persona as the record states them."""
    fields = {key: string_field(record, key) for key in DIALOGUE_FIELDS}
    if fields["scenario"] is None:
        fields["scenario"] = string_field(record, "extracted_scenario")
    return fields


def extra_metadata(record: dict[str, Any], consumed: set[str]) -> dict[str, Any]:
    """Every top-level key the parser did not map, kept verbatim."""
    return {key: value for key, value in record.items() if key not in consumed}
