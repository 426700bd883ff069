"""Turn a chat message list with format-specific role names into schema messages.

OpenAI, ShareGPT and tau-bench differ only in key names and role vocabulary;
this one loop applies the shared rules: user/assistant turns are kept, system
prompts go to metadata, tool traffic is set aside (and counted for the report),
anything else is an unknown role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from realsim_core.ingest._records import RecordContext, RecordProblem, json_type, text_of
from realsim_core.schema import Message

SYSTEM = "system"
TOOL = "tool"


@dataclass(frozen=True)
class Dialect:
    """How one format spells messages."""

    list_key: str
    role_key: str
    content_key: str
    roles: dict[str, str]  # format role -> "user" | "assistant" | SYSTEM | TOOL


@dataclass
class Parsed:
    messages: list[Message] = field(default_factory=list)
    system: list[str] = field(default_factory=list)
    tool: list[dict[str, Any]] = field(default_factory=list)


def parse_messages(record: dict[str, Any], dialect: Dialect, ident: str, ctx: RecordContext) -> Parsed:
    items = record.get(dialect.list_key)
    if not isinstance(items, list):
        raise RecordProblem(
            f"{dialect.list_key!r} is a JSON {json_type(items)}, expected an array",
            kind=f"bad {dialect.list_key}", record_id=ident,
        )
    out = Parsed()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RecordProblem(f"message {i} is not an object", kind="bad message", record_id=ident)
        raw_role = item.get(dialect.role_key)
        role = dialect.roles.get(raw_role) if isinstance(raw_role, str) else None
        if role is None:
            raise RecordProblem(f"unknown role {raw_role!r} in message {i}", kind="unknown role", record_id=ident)
        content = item.get(dialect.content_key)
        if role == TOOL or (role == "assistant" and content is None and _has_tool_call(item)):
            out.tool.append({"index": i, **item})
            ctx.note_left_out(f"{raw_role} message" if role == TOOL else "assistant tool call")
            continue
        try:
            text = text_of(content, f"message {i}")
        except RecordProblem as problem:
            problem.record_id = ident
            raise
        if role == SYSTEM:
            out.system.append(text)
            continue
        if _has_tool_call(item):
            out.tool.append({"index": i, **{k: v for k, v in item.items() if k != dialect.content_key}})
            ctx.note_left_out("tool call attached to an assistant message")
        out.messages.append(Message(role=role, content=text))
        ctx.unkept_fields.update(set(item) - {dialect.role_key, dialect.content_key, "tool_calls", "function_call"})
    return out


def _has_tool_call(item: dict[str, Any]) -> bool:
    return bool(item.get("tool_calls") or item.get("function_call"))
