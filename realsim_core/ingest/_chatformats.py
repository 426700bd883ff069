"""OpenAI chat, ShareGPT and tau-bench trajectory records.

All three are "a list of role-tagged messages plus whatever else"; they share
:func:`parse_messages` and differ in their dialect and in what goes to metadata.
"""

from __future__ import annotations

from typing import Any

from realsim_core.ingest._messages import SYSTEM, TOOL, Dialect, parse_messages
from realsim_core.ingest._records import (
    RecordContext,
    common_fields,
    extra_metadata,
    make_dialogue,
    record_id,
    require_dict,
)
from realsim_core.schema import Dialogue

_COMMON = {"domain", "scenario_id", "scenario", "extracted_scenario", "persona"}

OPENAI = Dialect(
    "messages", "role", "content",
    {"user": "user", "assistant": "assistant", "system": SYSTEM, "developer": SYSTEM, "tool": TOOL, "function": TOOL},
)
SHAREGPT = Dialect(
    "conversations", "from", "value",
    {
        "human": "user", "user": "user",
        "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant", "bard": "assistant",
        "bing": "assistant", "model": "assistant",
        "system": SYSTEM,
        "function_call": TOOL, "observation": TOOL, "tool": TOOL, "function": TOOL,
    },
)
TAUBENCH = Dialect("traj", "role", "content", {"user": "user", "assistant": "assistant", "system": SYSTEM, "tool": TOOL})

ID_KEYS: dict[str, str | None] = {"openai": "id", "sharegpt": "id", "taubench": None}


def _parse(record: Any, index: int, ctx: RecordContext, dialect: Dialect, id_key: str | None,
           keep_tool: bool) -> Dialogue:
    rec = require_dict(record)
    ident = record_id(rec, id_key, index, ctx)
    parsed = parse_messages(rec, dialect, ident, ctx)
    consumed = _COMMON | {dialect.list_key} | ({id_key} if id_key and ident == rec.get(id_key) else set())
    metadata = extra_metadata(rec, consumed)
    if parsed.system:
        metadata["system"] = parsed.system
    ctx.tool_in_metadata = keep_tool
    if keep_tool and parsed.tool:
        metadata["tool_messages"] = parsed.tool
    return make_dialogue(ident, parsed.messages, ctx, common_fields(rec), metadata)


def parse_openai(record: Any, index: int, ctx: RecordContext) -> Dialogue:
    """``{"messages": [{role, content}]}``; tool/function traffic is reported, not kept."""
    return _parse(record, index, ctx, OPENAI, ID_KEYS["openai"], keep_tool=False)


def parse_sharegpt(record: Any, index: int, ctx: RecordContext) -> Dialogue:
    """``{"conversations": [{from, value}]}``; tool turns are reported, not kept."""
    return _parse(record, index, ctx, SHAREGPT, ID_KEYS["sharegpt"], keep_tool=False)


def parse_taubench(record: Any, index: int, ctx: RecordContext) -> Dialogue:
    """tau-bench results: ``{task_id, reward, traj: [...], trial, ...}``.

    Tool calls and results are part of the agent's behaviour, so they are kept
    in metadata (with their positions) rather than dropped.
    """
    return _parse(record, index, ctx, TAUBENCH, ID_KEYS["taubench"], keep_tool=True)
