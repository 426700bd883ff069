"""Text helpers shared by the offline annotators: turns, sentences, cue words.

The cue lexicon below is written by hand from the annotation guide's
definitions (phrases like "try again", "what do you mean"), not learned from
the corpus, so the shipped models hold no corpus vocabulary. Each cue group
becomes one binary feature; the classifiers learn how much each matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from realsim_core.schema import Dialogue

# Characters of the previous assistant reply that feed the features: its
# opening says what kind of output it was ("Sure, here is a poem ...").
REPLY_CHARS = 400
# User text beyond this is pasted material; MiniLM truncates at 256 tokens anyway.
USER_CHARS = 1000


@dataclass(frozen=True)
class Turn:
    """One user message with the context the feedback features need."""

    index: int  # 0-based position among the user messages
    text: str
    previous_user: str  # "" for the first turn
    previous_reply: str  # the assistant message just before, "" if none


def dialogue_turns(dialogue: Dialogue) -> list[Turn]:
    """One :class:`Turn` per user message, in order, empty messages included."""
    turns: list[Turn] = []
    last_reply = ""
    previous_user = ""
    for message in dialogue.messages:
        if message.role == "assistant":
            last_reply = message.content
            continue
        turns.append(Turn(len(turns), message.content, previous_user, last_reply))
        previous_user = message.content
        last_reply = ""
    return turns


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``.

    Spans (not strings) so callers can quote the user verbatim. Splits at
    sentence-final punctuation followed by space and at line breaks.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add_span(text, start, match.start(), spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _group(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(patterns) + r")", re.IGNORECASE)


# Turn-level cue groups (intent and feedback), from the guide's tag definitions.
TURN_CUES: dict[str, re.Pattern[str]] = {
    "thanks": _group(r"\bthanks?\b", r"\bthank you\b", r"\bthx\b", r"\bty\b"),
    "positive": _group(r"\b(great|perfect|awesome|excellent|nice|good job|love (it|this|that)|amazing|helpful|"
                       r"that works|exactly|brilliant|cool)\b"),
    "negative": _group(r"\b(wrong|incorrect|not what i|doesn'?t (work|make sense)|didn'?t (work|ask)|too (long|short|"
                       r"formal|generic|robotic|much)|not (good|right|correct|helpful)|bad|terrible|useless|"
                       r"you (forgot|missed|ignored))\b", r"\bno,"),
    "redo": _group(r"\b(again|another|redo|re-?write|retry|regenerate|one more|different|instead|"
                   r"more (casual|formal|professional|simple|concise|detailed|creative|specific)|simpler|shorter|"
                   r"longer|less|better)\b"),
    "continue": _group(r"^\s*(continue|go on|keep going|more|next|and\??)\s*[.!]*\s*$", r"\b(continue|keep going|"
                       r"finish (it|the)|carry on|go on|what else|rest of)\b"),
    "confused": _group(r"what do you mean", r"\bi don'?t (understand|get)\b", r"\bconfus", r"\bmeaning of\b",
                       r"\bwhat does .{1,40} mean\b", r"\bexplain (that|this|what you)\b"),
    "clarify": _group(r"\bi meant\b", r"\bi mean\b", r"\bi was (asking|talking)\b", r"\bi'?m (asking|talking) about\b",
                      r"\bnot (that|this) one\b", r"^\s*no[,.!]?\s", r"\bactually\b", r"\bto clarify\b"),
    "generate": _group(r"\b(write|create|generate|compose|draft|make|come up with|give me|produce|design|build|"
                       r"suggest (some|a few)|list)\b", r"\b(poem|story|song|lyrics|email|letter|essay|code|script|"
                       r"resume|cv|cover letter|slogan|names?|plan|outline|ideas?)\b"),
    "modify": _group(r"\b(rewrite|rephrase|paraphrase|edit|proofread|correct|fix|shorten|improve|polish|revise|"
                     r"translate|reformat|change|modify|adjust|simplify|make (it|this) (more|less|sound))\b"),
    "distill": _group(r"\b(summari[sz]e|summary|key points|tl;?dr|bullet points of|in a table|pros and cons|"
                      r"main ideas|outline of)\b"),
    "analyze": _group(r"\b(analy[sz]e|analysis|compare|comparison|evaluate|assess|interpret|should i|is (it|this|that)"
                      r" (good|better|worth|ok)|which is better|versus|vs\.?|predict|what if|opinion on)\b"),
    "howto": _group(r"\bhow (do|can|should|would) (i|we|you)\b", r"\bhow to\b", r"\bsteps? (to|for)\b",
                    r"\bis it possible\b", r"\bbest way\b", r"\berror\b", r"\bnot working\b"),
    "why": _group(r"\bwhy\b", r"\bhow does\b", r"\bhow do(es)? .{1,30} work\b", r"\bexplain\b", r"\bexamples? of\b",
                  r"\bcause"),
    "fact": _group(r"^\s*(what|who|when|where|which|how (many|much|long|old|far))\b", r"\bwhat is\b",
                   r"\bwhat are\b", r"\bdefin", r"\bname of\b", r"\btell me about\b"),
    "discover": _group(r"\b(recommend|recommendation|suggest|similar to|alternatives?|latest|news|update|trending|"
                       r"popular|best .{1,20} (for|to)|top \d+|what do you think|your (opinion|view|thoughts))\b"),
    "system": _group(r"\bact as\b", r"\bpretend\b", r"\byou are (a|an|my)\b", r"\brole ?play\b",
                     r"\bin \d+ (words|sentences|lines|paragraphs)\b", r"\b(use|in|as) bullet", r"\bformat\b",
                     r"\bcan you (remember|see|access|browse)\b", r"\bare you\b", r"\bdo you (know|have|remember)\b",
                     r"\bfrom now on\b", r"\bdon'?t (use|include|mention)\b", r"\bwords? (max|limit)\b"),
    "request": _group(r"\?", r"\b(please|pls|plz|can you|could you|would you|will you|i need|i want|help me|"
                      r"give me|tell me|show me|let me know)\b", r"^\s*(write|create|make|generate|list|explain|"
                      r"describe|summari[sz]e|translate|rewrite|give|tell|show|find|provide|suggest|compare)\b"),
    "ack": _group(r"^\s*(ok(ay)?|k|yes|yeah|yep|sure|cool|got it|alright|thanks?( you)?|thx|great|perfect|nice|"
                  r"good|fine|no|nope)\b[\s.!]*$"),
    "you_said": _group(r"\byou (said|wrote|gave|mentioned|suggested|provided|used)\b", r"\byour (answer|response|"
                       r"reply|version|list|code|poem|story|email|letter)\b", r"\b(the|that|this) (first|second|"
                       r"third|last|previous) (one|version|option|paragraph|line|point)\b"),
    "code": _group(r"```", r"\b(def|import|return|function|class|var|const|select|from)\b.*[(){};=]",
                   r"\bTraceback\b", r"\bexception\b"),
}

# Sentence-level cues for identity: the user speaking about themselves.
FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|ive|i'd|i'll|ill|me|my|mine|myself|we|we're|our|ours|us)\b",
                          re.IGNORECASE)
IDENTITY_CUES: dict[str, re.Pattern[str]] = {
    "first_person": FIRST_PERSON,
    "i_am": _group(r"\bi(?:'m| am|m)\s+(a|an|the)?\s*\w+", r"\bas an? \w+"),
    "age_job": _group(r"\b\d{1,2}\s*(years? old|yo|y/o)\b", r"\b(work|working) (as|at|in|for)\b",
                      r"\b(student|teacher|engineer|manager|nurse|developer|doctor|freshman|graduate|retired|"
                      r"employee|owner|founder)\b", r"\b(live|living|born) in\b", r"\bfrom [A-Z]\w+"),
    "body": _group(r"\b(diagnos|pain|allerg|diabet|pregnan|weight|kg|lbs|symptom|medication|disease|sick|ill|"
                   r"anxiety|depress|sleep|blood|surgery|disorder|adhd|injur)\w*"),
    "people": _group(r"\bmy (mom|mother|dad|father|wife|husband|partner|girlfriend|boyfriend|son|daughter|kids?|"
                     r"children|child|brother|sister|friends?|family|boss|manager|colleagues?|coworkers?|team|"
                     r"clients?|customers?|teacher|students?|parents?|grand\w+|baby|cousin|aunt|uncle)\b"),
    "likes": _group(r"\bi (really )?(like|love|enjoy|prefer|hate|dislike|adore)\b", r"\bmy favou?rite\b",
                    r"\bi'?m (into|a fan)\b"),
    "past": _group(r"\bi (have|'ve|had|was|were|did|used to|went|worked|studied|graduated|started|got|made|tried|"
                   r"visited|bought|lost|moved)\b", r"\b(last|previous) (year|month|week|time)\b", r"\bago\b",
                   r"\bi usually\b", r"\bevery (day|morning|week)\b"),
    "future": _group(r"\bi(?:'ll| will| am going to|'m going to|m going to| plan| want to| need to| would like to|"
                     r"'d like to| hope| am planning|'m planning| intend)\b", r"\b(next|this coming) (week|month|year)\b",
                     r"\b(tomorrow|upcoming|soon)\b", r"\bapply(ing)? (for|to)\b", r"\binterview\b"),
    "belief": _group(r"\bi (believe|think|feel|support|oppose|am against|agree|disagree)\b",
                     r"\b(god|religio\w*|christian|muslim|jewish|hindu|buddhis\w*|church|faith|politic\w*|"
                     r"conservative|liberal|democrat|republican)\b"),
    "request_about": _group(r"\b(write|create|generate|make) (a|an|me)\b", r"\b(character|protagonist|story|he|she|"
                            r"they)\b"),
}


def cue_vector(text: str, cues: dict[str, re.Pattern[str]]) -> list[float]:
    """1.0/0.0 per cue group, in the dict's order."""
    return [1.0 if pattern.search(text) else 0.0 for pattern in cues.values()]
