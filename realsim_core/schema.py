"""The one dialogue schema every reader produces and every stage consumes.

Canonical interchange is JSONL, one :class:`Dialogue` per line. Pydantic
validates shape and roles so a bad record fails with a precise message instead
of surfacing later as a wrong number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["user", "assistant"]
REAL_SOURCE = "real"


class Message(BaseModel):
    """One chat message. Only user and assistant turns are kept; system
    prompts and tool calls go to the dialogue's metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    content: str


class Dialogue(BaseModel):
    """A conversation between a (real or simulated) user and an assistant."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    source: str = Field(min_length=1, description="'real' or the simulator run's name")
    domain: str | None = None
    scenario_id: str | None = None
    scenario: str | None = None
    persona: str | None = None
    messages: list[Message]
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("messages")
    @classmethod
    def _has_messages(cls, value: list[Message]) -> list[Message]:
        if not value:
            raise ValueError("a dialogue needs at least one message")
        return value

    @property
    def user_messages(self) -> list[str]:
        """User message texts in order (empty messages included)."""
        return [m.content for m in self.messages if m.role == "user"]

    def content_hash(self) -> str:
        """Hash of the messages only: the cache key of every annotation.

        Ids, run names and metadata are left out on purpose, so the same text
        ingested under another name reuses its annotations.
        """
        payload = json.dumps(
            [[m.role, m.content] for m in self.messages], ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def to_json_line(self) -> str:
        """Serialise as one canonical JSONL line (metadata omitted when empty)."""
        data = self.model_dump(exclude_defaults=False)
        if not data["metadata"]:
            data.pop("metadata")
        return json.dumps(data, ensure_ascii=False)


def write_jsonl(dialogues: Iterable[Dialogue], path: str | Path) -> int:
    """Write dialogues as canonical JSONL atomically; return how many."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    count = 0
    with tmp.open("w", encoding="utf-8") as handle:
        for dialogue in dialogues:
            handle.write(dialogue.to_json_line() + "\n")
            count += 1
    tmp.replace(target)
    return count


def read_jsonl(path: str | Path) -> Iterator[Dialogue]:
    """Read canonical JSONL strictly (first bad line raises, naming it).

    For uploads in any format, with a loss report instead of an exception, use
    :func:`realsim_core.ingest.read_dialogues`.
    """
    from realsim_core.ingest import read_dialogues

    yield from read_dialogues(path, fmt="jsonl", strict=True).dialogues
