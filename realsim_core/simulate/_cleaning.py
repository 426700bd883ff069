"""Turn a simulator's raw reply into a user message, recording every change.

Chat models playing a user often decorate their output: a "User:" label,
wrapping quotes, the end token glued to a sentence, chat-template tokens, or
a second speaker's line appended. Silently fixing that would hide how often a
simulator misbehaves, so each fix is named in :attr:`Cleaned.actions` and the
runner stores the names in the dialogue metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from realsim_core.simulate._prompts import END_TOKEN

_ROLE_WORDS = r"(?:user|human|me|customer|client|assistant|chatbot|bot|ai|system)"
_ROLE_PREFIX = re.compile(rf"^\s*(?:\*\*)?{_ROLE_WORDS}(?:\*\*)?\s*:\s*(?:\*\*)?\s*", re.IGNORECASE)
# A later line where another speaker takes over: the model wrote both sides.
_SPEAKER_SWITCH = re.compile(r"\n\s*(?:\*\*)?(?:assistant|chatbot|bot|ai|system)(?:\*\*)?\s*:", re.IGNORECASE)
# Chat-template control tokens such as <|im_end|> (the end token is handled first).
_CONTROL_TOKEN = re.compile(r"<\|[a-z_]+\|>", re.IGNORECASE)
# A leaked chat-template header: the start token followed by a role name.
_TEMPLATE_HEADER = re.compile(r"<\|im_start\|>\s*(?:system|user|assistant)?\s*", re.IGNORECASE)
_END_TOKEN_LOOSE = re.compile(r"<\|?\s*end\s*_?conversation\s*\|?>", re.IGNORECASE)
_QUOTE_PAIRS = [('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("`", "`")]


@dataclass
class Cleaned:
    """A cleaned reply: its text, whether it asked to end, and what was changed."""

    text: str
    wants_end: bool
    actions: list[str] = field(default_factory=list)


def _strip_quotes(text: str) -> tuple[str, bool]:
    for left, right in _QUOTE_PAIRS:
        if len(text) >= 2 and text.startswith(left) and text.endswith(right):
            inner = text[len(left):-len(right)]
            # Only unwrap when the quotes enclose the whole reply, not a quoted phrase inside it.
            if left not in inner and right not in inner:
                return inner.strip(), True
    return text, False


def clean_user_text(raw: str) -> Cleaned:
    """Clean one raw simulator reply.

    >>> c = clean_user_text('User: "hey can u help w my cv"')
    >>> c.text, c.actions
    ('hey can u help w my cv', ['role_prefix', 'quotes'])
    >>> clean_user_text("thanks, bye <|endconversation|>").wants_end
    True
    """
    actions: list[str] = []
    text = raw
    wants_end = False
    if END_TOKEN in text or _END_TOKEN_LOOSE.search(text):
        wants_end = True
        text = _END_TOKEN_LOOSE.sub(" ", text.replace(END_TOKEN, " "))
        actions.append("end_token")
    if _CONTROL_TOKEN.search(text):
        text = _CONTROL_TOKEN.sub(" ", _TEMPLATE_HEADER.sub(" ", text))
        actions.append("control_token")
    text = text.strip()
    switch = _SPEAKER_SWITCH.search(text)
    if switch:
        text = text[: switch.start()].strip()
        actions.append("other_speaker")
    # Loop: models sometimes stack decorations ('"User: ..."').
    for _ in range(3):
        changed = False
        match = _ROLE_PREFIX.match(text)
        if match and match.end() < len(text):
            text = text[match.end():].strip()
            actions.append("role_prefix")
            changed = True
        text, unquoted = _strip_quotes(text)
        if unquoted:
            actions.append("quotes")
            changed = True
        if not changed:
            break
    collapsed = re.sub(r"[ \t]{2,}", " ", text)
    if collapsed != text:
        text = collapsed
    if not text and raw.strip() and not wants_end:
        actions.append("emptied")
    return Cleaned(text=text, wants_end=wants_end, actions=actions)


def clean_assistant_text(raw: str) -> str:
    """Assistant replies are kept verbatim except for control tokens and edge whitespace."""
    return _CONTROL_TOKEN.sub("", raw).strip()
