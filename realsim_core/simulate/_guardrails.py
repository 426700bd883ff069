"""UserLM-style guardrails: reject user turns no real user would write.

Naous et al. (2025) ran their trained user model with four checks; we apply
the three that judge a message (the fourth, no ending before the minimum
turn, is part of the protocol for every simulator). A rejected message is
regenerated a bounded number of times; each firing is counted per rule so a
run can report how much steering the simulator needed.
"""

from __future__ import annotations

import re

GUARDRAIL_RULES: tuple[str, ...] = ("too_short", "too_long", "repeat", "banned_first_word")
MIN_WORDS = 3
MAX_WORDS = 25
BANNED_FIRST_WORDS = frozenset({"i", "you", "here"})

_WORD = re.compile(r"\S+")
_LEADING_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


def _first_word(text: str) -> str:
    words = _WORD.findall(text)
    if not words:
        return ""
    # "I'm"/"I've" start with the banned "I" too; "Here's" with "Here".
    word = _LEADING_PUNCT.sub("", words[0]).lower()
    return re.split(r"['\u2019]", word, maxsplit=1)[0]


def guardrail_violations(text: str, previous_user_turn: str | None) -> list[str]:
    """Names of the rules ``text`` breaks (empty list: the message passes).

    >>> guardrail_violations("I need help", None)
    ['banned_first_word']
    >>> guardrail_violations("ok", None)
    ['too_short']
    >>> guardrail_violations("can you fix my resume", "can you fix my resume")
    ['repeat']
    """
    broken: list[str] = []
    n_words = len(_WORD.findall(text))
    if n_words < MIN_WORDS:
        broken.append("too_short")
    elif n_words > MAX_WORDS:
        broken.append("too_long")
    if previous_user_turn is not None and text.strip() == previous_user_turn.strip():
        broken.append("repeat")
    if _first_word(text) in BANNED_FIRST_WORDS:
        broken.append("banned_first_word")
    return broken


def empty_counts() -> dict[str, int]:
    """A zeroed counter with one entry per rule plus ``exhausted`` (kept after the last try)."""
    return {**{rule: 0 for rule in GUARDRAIL_RULES}, "exhausted": 0}
