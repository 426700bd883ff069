"""Output schemas and validation of LLM replies, one pair per annotation step.

Each step has two views of the same contract: a JSON schema sent as
``response_format`` (so a grammar-constrained server such as llama.cpp can only
emit the right shape, with exactly one entry per user turn) and a pydantic
parser that checks the reply again, because hosted endpoints may ignore the
schema or fall back to plain JSON mode. Anything the parser rejects raises
:class:`InvalidReply` with a reason the annotator feeds back on retry.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

INTENT_TAGS = (
    "info_retrieval", "info_discovery", "info_understanding", "info_distillation", "info_analysis",
    "method_guidance", "content_generation", "content_modification", "system_management",
)
FEEDBACK_TAGS = (
    "no_feedback", "explicit_positive", "explicit_negative", "regeneration_request",
    "continuation_request", "clarification_request", "provide_clarification",
)
IDENTITY_CATEGORIES = ("demographic", "physical", "relationships", "preferences", "past", "future", "worldview")
# Caps keep a looping small model from generating until max_tokens.
MAX_REQUESTS_PER_TURN = 6
MAX_STATEMENTS_PER_TURN = 6
MAX_QUOTES_PER_CATEGORY = 8

IntentTag = Literal[INTENT_TAGS]  # type: ignore[valid-type]
FeedbackTag = Literal[FEEDBACK_TAGS]  # type: ignore[valid-type]


class InvalidReply(ValueError):
    """The model's reply does not satisfy the step's contract (the message says how)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _RequestsTurn(_Strict):
    turn: int
    requests: list[str]


class RequestsReply(_Strict):
    turns: list[_RequestsTurn]


class _TaggedRequest(_Strict):
    id: str
    tags: list[IntentTag] = Field(min_length=1)  # type: ignore[valid-type]


class TagsReply(_Strict):
    requests: list[_TaggedRequest]


class _FeedbackTurn(_Strict):
    turn: int
    feedback: list[FeedbackTag] = Field(min_length=1)  # type: ignore[valid-type]


class FeedbackReply(_Strict):
    turns: list[_FeedbackTurn]


class _Statement(_Strict):
    polarity: Literal["knows", "does_not_know"]
    kind: Literal["that", "about"]
    content: str


class _KnowledgeTurn(_Strict):
    turn: int
    statements: list[_Statement]


class KnowledgeReply(_Strict):
    turns: list[_KnowledgeTurn]


class IdentityReply(_Strict):
    demographic: list[str]
    physical: list[str]
    relationships: list[str]
    preferences: list[str]
    past: list[str]
    future: list[str]
    worldview: list[str]


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    # OpenAI strict mode wants every property required and no extras.
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _array(items: dict[str, Any], min_items: int | None = None, max_items: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if min_items is not None:
        schema["minItems"] = min_items
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def _turns(n_turns: int, field: str, value_schema: dict[str, Any]) -> dict[str, Any]:
    # The enum keeps a grammar-constrained model from inventing turn numbers; order is checked after.
    turn = _obj({"turn": {"type": "integer", "enum": list(range(1, n_turns + 1))}, field: value_schema})
    return _obj({"turns": _array(turn, n_turns, n_turns)})


def requests_schema(n_turns: int) -> dict[str, Any]:
    return _turns(n_turns, "requests", _array({"type": "string"}, 0, MAX_REQUESTS_PER_TURN))


def tags_schema(n_requests: int) -> dict[str, Any]:
    tagged = _obj({"id": {"type": "string"}, "tags": _array({"type": "string", "enum": list(INTENT_TAGS)}, 1, 3)})
    return _obj({"requests": _array(tagged, n_requests, n_requests)})


def feedback_schema(n_turns: int) -> dict[str, Any]:
    # no_feedback alone, or 1-3 real feedback tags: the grammar itself forbids mixing them.
    alone = _array({"type": "string", "enum": ["no_feedback"]}, 1, 1)
    others = _array({"type": "string", "enum": list(FEEDBACK_TAGS[1:])}, 1, 3)
    return _turns(n_turns, "feedback", {"anyOf": [alone, others]})


def knowledge_schema(n_turns: int) -> dict[str, Any]:
    statement = _obj({
        "polarity": {"type": "string", "enum": ["knows", "does_not_know"]},
        "kind": {"type": "string", "enum": ["that", "about"]},
        "content": {"type": "string"},
    })
    return _turns(n_turns, "statements", _array(statement, 0, MAX_STATEMENTS_PER_TURN))


def identity_schema(n_turns: int) -> dict[str, Any]:
    quotes = _array({"type": "string"}, 0, MAX_QUOTES_PER_CATEGORY)
    return _obj({name: quotes for name in IDENTITY_CATEGORIES})


def _load(text: str, model: type[BaseModel]) -> Any:
    cleaned = text.strip()
    # JSON-mode models sometimes wrap the object in a markdown fence.
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", cleaned, flags=re.DOTALL)
    if fence:
        cleaned = fence.group(1)
    try:
        data = json.loads(cleaned)
    except json.JSONDecodeError as err:
        raise InvalidReply(f"reply is not valid JSON ({err.msg} at char {err.pos})") from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in err.errors()[:5]
        )
        raise InvalidReply(f"reply does not match the schema: {problems}") from err


def _check_turns(turns: list[Any], n_turns: int) -> None:
    numbers = [t.turn for t in turns]
    if numbers != list(range(1, n_turns + 1)):
        raise InvalidReply(
            f"expected exactly {n_turns} turns numbered 1..{n_turns} in order, got turn numbers {numbers}"
        )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def parse_requests(text: str, n_turns: int) -> list[list[str]]:
    """Step 1 of intent: the requests found in each user turn (blank ones dropped)."""
    reply = _load(text, RequestsReply)
    _check_turns(reply.turns, n_turns)
    return [_unique([r.strip() for r in t.requests if r.strip()]) for t in reply.turns]


def request_ids(requests: list[list[str]]) -> list[str]:
    """Ids ``"turn.k"`` of the requests, in the order step 2 must tag them."""
    return [f"{turn}.{k}" for turn, found in enumerate(requests, 1) for k in range(1, len(found) + 1)]


def parse_tags(text: str, requests: list[list[str]]) -> list[list[str]]:
    """Step 2 of intent: tag every request, then take the union per turn (in taxonomy order)."""
    reply = _load(text, TagsReply)
    expected = request_ids(requests)
    got = [r.id.strip() for r in reply.requests]
    if got != expected:
        raise InvalidReply(f"expected one entry per request with ids {expected} in order, got ids {got}")
    per_turn: list[set[str]] = [set() for _ in requests]
    for rid, tagged in zip(expected, reply.requests):
        per_turn[int(rid.split(".")[0]) - 1].update(tagged.tags)
    return [[tag for tag in INTENT_TAGS if tag in found] for found in per_turn]


def parse_feedback(text: str, n_turns: int) -> list[list[str]]:
    """Feedback per turn; turn 1 is ``["no_feedback"]`` by definition (GUIDE §2)."""
    reply = _load(text, FeedbackReply)
    _check_turns(reply.turns, n_turns)
    out = []
    for t in reply.turns:
        tags = _unique(list(t.feedback))
        if "no_feedback" in tags and len(tags) > 1:
            raise InvalidReply(f"turn {t.turn}: no_feedback cannot be combined with {tags}")
        out.append([tag for tag in FEEDBACK_TAGS if tag in tags])
    if out:
        out[0] = ["no_feedback"]
    return out


def statement_text(polarity: str, kind: str, content: str) -> str:
    verb = "knows" if polarity == "knows" else "does not know"
    return f"the user {verb} {kind} {content}"


def parse_knowledge(text: str, n_turns: int) -> list[list[str]]:
    """Knowledge statements per turn, rendered in the paper's fixed form."""
    reply = _load(text, KnowledgeReply)
    _check_turns(reply.turns, n_turns)
    out = []
    for t in reply.turns:
        rendered = []
        for s in t.statements:
            content = " ".join(s.content.split()).rstrip(".")
            # Models often restate the frame inside content; keep only the object.
            content = re.sub(r"^(the user )?(knows|does not know)( that| about)?\s+", "", content, flags=re.IGNORECASE)
            if content:
                rendered.append(statement_text(s.polarity, s.kind, content))
        out.append(_unique(rendered))
    return out


def _find_verbatim(quote: str, haystacks: list[str]) -> str | None:
    """The user's own text matching ``quote`` up to case and whitespace, or None."""
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), flags=re.IGNORECASE)
    for text in haystacks:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def parse_identity(text: str, user_messages: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Quotes per category, each replaced by the user's verbatim text.

    Returns the value and the quotes dropped because they are not in any user
    message (invented or paraphrased): the caller records them.
    """
    reply = _load(text, IdentityReply)
    value: dict[str, list[str]] = {}
    dropped: list[str] = []
    for category in IDENTITY_CATEGORIES:
        kept = []
        for quote in getattr(reply, category):
            if not quote.strip():
                continue
            verbatim = _find_verbatim(quote, user_messages)
            if verbatim is None:
                dropped.append(f"{category}: {quote[:80]}")
            else:
                kept.append(verbatim)
        value[category] = _unique(kept)
    return value, dropped
