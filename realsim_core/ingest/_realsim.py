"""realsim / WildChat / LMSYS records: ``{conversation_id, conversation: [...]}``.

This is the layout of the released real dialogues and of the paper's simulated
ones. Per-message annotations (language, toxic, redacted, ...) are not part of
the schema; the report says which were left out so nothing disappears silently.
"""

from __future__ import annotations

from typing import Any

from realsim_core.ingest._records import (
    RecordContext,
    RecordProblem,
    common_fields,
    extra_metadata,
    json_type,
    make_dialogue,
    record_id,
    require_dict,
    text_of,
)
from realsim_core.schema import Dialogue, Message

ID_KEY = "conversation_id"
_CONSUMED = {"conversation", "domain", "scenario_id", "scenario", "extracted_scenario", "persona"}
_ROLES = {"user": "user", "human": "user", "assistant": "assistant", "gpt": "assistant", "bot": "assistant"}


def parse_realsim(record: Any, index: int, ctx: RecordContext) -> Dialogue:
    rec = require_dict(record)
    ident = record_id(rec, ID_KEY, index, ctx)
    turns = rec.get("conversation")
    if not isinstance(turns, list):
        raise RecordProblem(f"'conversation' is a JSON {json_type(turns)}, expected an array",
                            kind="bad conversation", record_id=ident)
    messages: list[Message] = []
    system: list[str] = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise RecordProblem(f"turn {i} is not an object", kind="bad message", record_id=ident)
        role = turn.get("role")
        try:
            text = text_of(turn.get("content"), f"turn {i}")
        except RecordProblem as problem:
            problem.record_id = ident
            raise
        if role == "system":
            system.append(text)
            continue
        if role not in _ROLES:
            raise RecordProblem(f"unknown role {role!r} in turn {i}", kind="unknown role", record_id=ident)
        messages.append(Message(role=_ROLES[role], content=text))
        ctx.unkept_fields.update(set(turn) - {"role", "content"})
    metadata = extra_metadata(rec, _CONSUMED | ({ID_KEY} if ident == rec.get(ID_KEY) else set()))
    if system:
        metadata["system"] = system
    return make_dialogue(ident, messages, ctx, common_fields(rec), metadata)

