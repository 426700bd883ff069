"""Length: how much the user writes and for how many turns.

Card — measures: total words over all user messages (whitespace tokens, as
``str.split()`` counts them) and the number of user messages (empty ones
included). Unit: dialogue. Method: deterministic. Reference: realsim paper §3
(real users ≈150 words per dialogue). Limits: whitespace tokens over-count
pasted code and under-count languages written without spaces.

>>> from realsim_core.schema import Dialogue, Message
>>> d = Dialogue(id="x", source="t", messages=[Message(role="user", content="hi there"),
...     Message(role="assistant", content="hello"), Message(role="user", content="")])
>>> LengthAnnotator().annotate([d])
[{'words': 2, 'turns': 2}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from realsim_core.annotate._registry import AnnotatorSpec, register_dimension
from realsim_core.schema import Dialogue


class LengthAnnotator:
    spec = AnnotatorSpec(dimension="length", backend="local", version="1")

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[dict[str, Any]]:
        out = []
        for dialogue in dialogues:
            users = dialogue.user_messages
            out.append({"words": sum(len(text.split()) for text in users), "turns": len(users)})
        return out


@register_dimension(
    "length", unit="dialogue", kind="count",
    description="words over all user messages and number of user turns",
)
def make_length(backend: str = "local", **_: Any) -> LengthAnnotator:
    return LengthAnnotator()
