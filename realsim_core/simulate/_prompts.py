"""The simulator's instructions, in our own words (SPEC §1).

Three prompt kinds share one frame, "You are {persona} {scenario}", plus the
advice that real people are terse, make typos and spread information over
turns -- without overdoing it. The wording is versioned: any change must bump
``PROMPTS_VERSION`` so runs made with different prompts are told apart in
their stored metadata.
"""

from __future__ import annotations

from typing import Literal

PROMPTS_VERSION = "realsim-sim-1"
END_TOKEN = "<|endconversation|>"
GENERIC_PERSONA = "a human user"

PromptKind = Literal["first", "continue", "may_stop"]
PROMPT_KINDS: tuple[PromptKind, ...] = ("first", "continue", "may_stop")

_FRAME = "You are {persona} {scenario}."

_STYLE = (
    "Write the way real people type to a chatbot. They are short and a bit lazy, since typing "
    "takes effort; they make the odd typo and skip punctuation now and then; they rarely say "
    "everything at once and instead add details over several messages as the chat goes on. "
    "Keep it natural and do not exaggerate any of this: you are a person, not a caricature. "
    "Write only the message itself, with no labels, quotes or explanations."
)

_TASKS: dict[PromptKind, str] = {
    "first": "Write the first message you would send to the chatbot to get started on your goal.",
    "continue": (
        "The conversation so far is shown. Write your next message to the chatbot, staying in the role "
        "of {persona} who is {scenario_bare}. Do not end the conversation yet."
    ),
    "may_stop": (
        "The conversation so far is shown. If you are done and would leave now, reply with exactly "
        + END_TOKEN
        + " and nothing else. Otherwise write your next message to the chatbot, staying in the role "
        "of {persona} who is {scenario_bare}."
    ),
}

# The opening turn has no chat history, so with flipped roles the simulator
# still needs one "user" message to answer; this is it.
OPENING_CUE = "Start the conversation now."


def _bare(scenario: str) -> str:
    return scenario.strip().rstrip(".")


def system_prompt(kind: PromptKind, persona: str, scenario: str) -> str:
    """The simulator's system prompt for one turn of the given kind."""
    if kind not in _TASKS:
        raise ValueError(f"unknown prompt kind {kind!r}; expected one of {', '.join(PROMPT_KINDS)}")
    persona = persona.strip()
    bare = _bare(scenario)
    frame = _FRAME.format(persona=persona, scenario=bare)
    task = _TASKS[kind].format(persona=persona, scenario_bare=bare)
    return f"{frame}\n\n{_STYLE}\n\n{task}"


def prompt_kind(turn: int, min_turns_before_end: int) -> PromptKind:
    """Which prompt the simulator gets for user turn ``turn`` (1-based).

    Ending becomes possible only once ``min_turns_before_end`` user turns have
    been written, i.e. from turn ``min_turns_before_end + 1`` on.
    """
    if turn < 1:
        raise ValueError("turns are numbered from 1")
    if turn == 1:
        return "first"
    return "may_stop" if turn > min_turns_before_end else "continue"
