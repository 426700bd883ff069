"""Canonical JSONL records: realsim's own interchange format (see schema.py).

The record's ``source`` is replaced by the run name it is ingested under, so a
run exported and re-ingested under another name stays self-consistent.
"""

from __future__ import annotations

from typing import Any

from realsim_core.ingest._records import (
    DIALOGUE_FIELDS,
    RecordContext,
    RecordProblem,
    json_type,
    make_dialogue,
    require_dict,
    string_field,
)
from realsim_core.schema import Dialogue, Message

_KNOWN = {"id", "source", "messages", "metadata", *DIALOGUE_FIELDS}


def parse_canonical(record: Any, index: int, ctx: RecordContext) -> Dialogue:
    rec = require_dict(record)
    ident = string_field(rec, "id")
    if not ident:
        raise RecordProblem("missing 'id'", kind="missing id")
    raw_messages = rec.get("messages")
    if not isinstance(raw_messages, list):
        raise RecordProblem(f"'messages' is a JSON {json_type(raw_messages)}, expected an array",
                            kind="bad messages", record_id=ident)
    messages: list[Message] = []
    for i, msg in enumerate(raw_messages):
        if not isinstance(msg, dict):
            raise RecordProblem(f"message {i} is not an object", kind="bad message", record_id=ident)
        role = msg.get("role")
        if role not in ("user", "assistant"):
            raise RecordProblem(f"unknown role {role!r} in message {i}", kind="unknown role", record_id=ident)
        content = msg.get("content")
        if not isinstance(content, str):
            raise RecordProblem(f"non-text content (a JSON {json_type(content)}) in message {i}",
                                kind="non-text content", record_id=ident)
        messages.append(Message(role=role, content=content))
    metadata = rec.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise RecordProblem("'metadata' is not an object", kind="bad metadata", record_id=ident)
    extra = {k: v for k, v in rec.items() if k not in _KNOWN}
    if extra:
        ctx.report.warn(
            f"unknown top-level field(s) {', '.join(sorted(extra))} moved into metadata",
            key="canonical-extra",
        )
        metadata = {**metadata, **extra}
    fields = {key: string_field(rec, key) for key in DIALOGUE_FIELDS}
    return make_dialogue(ident, messages, ctx, fields, metadata)
