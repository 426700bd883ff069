"""Rule-based knowledge statements, in the paper's form, from each user turn.

Three sources, as the method lists them:

* **Questions and information requests** reveal a gap: "what is X?", "how do I
  X?", "explain X" → ``the user does not know about X`` (the question with its
  lead words removed; "how …" questions keep "how to").
* **Claims** in the first person ("I have …", "I use …", "I know …") and
  corrections ("no, …", "actually …") → ``the user knows that …`` with the
  pronouns moved to the third person ("I have a bike" → "they have a bike").
* **Technical terms** the user uses outside a question — acronyms, CamelCase
  or digit-bearing identifiers, dotted names, capitalised names inside a
  sentence → ``the user knows about TERM``.

Deterministic, no model. Limits: it catches explicit cues only (no
presuppositions or false beliefs that need world knowledge); long pasted
material is capped per turn so a pasted report does not flood the statements.
"""

from __future__ import annotations

import re

from realsim_core.annotate.offline.text import split_sentences

MAX_PER_KIND = 3
MAX_TOPIC_WORDS = 14

_FILLER = re.compile(
    r"^\s*(?:(?:hi|hello|hey|ok(?:ay)?|so|and|but|also|now|then|please|pls|well|thanks?|great)[,!.]?\s+)*",
    re.IGNORECASE,
)
_ASK = re.compile(
    r"^(?:(?:can|could|would|will) you\s+(?:please\s+)?)?(?:tell me(?: more)?(?: about)?|explain(?: to me)?|"
    r"describe|define|clarify|what is meant by|i (?:don't|do not) (?:know|understand)(?: about)?)\s+(.+)$",
    re.IGNORECASE,
)
_ACTION_REQUEST = re.compile(r"^(?:can|could|would|will) you\b", re.IGNORECASE)
_WH = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how"}
_AUX = {"is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "should", "would", "will"}
_HOW = re.compile(r"^how\s+(?:do|can|should|would|could|might|to)\s+(?:(?:i|we|you|one)\s+)?(.+)$", re.IGNORECASE)
_WHAT_IS = re.compile(
    r"^(?:what|who)\s+(?:is|are|was|were|'s)\s+(?:a |an |the )?(.+?)(?:\s+(?:mean|means))?$", re.IGNORECASE
)
_CLAIM = re.compile(
    r"^(?:.*?\b)?(i(?:'ve| have| had| use| used| know| knew| work| worked| am|'m| was| studied| own| run| tried|"
    r" built| wrote| read| learned| understand))\b(.+)$",
    re.IGNORECASE,
)
_CORRECTION = re.compile(r"^(?:no|nope|actually|wrong|that's wrong|that is wrong)[,.!:]?\s+(.{8,})$", re.IGNORECASE)
_TERM = re.compile(
    r"\b(?:[A-Z]{2,}[0-9]*s?|[A-Za-z]+[0-9]+[A-Za-z0-9]*|[0-9]+[A-Za-z]{2,}[A-Za-z0-9]*|"
    r"[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z]+[A-Z][A-Za-z0-9]*|[A-Za-z_]\w*\.[A-Za-z_]\w+(?:\.\w+)*)\b"
    r"|(?P<name>\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*\b)"
)
_NOT_TERMS = {
    "I", "OK", "AM", "PM", "TV", "ASAP", "LOL", "OMG", "PS", "NO", "YES", "ID", "Please", "Thanks", "Thank", "Hello",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "English", "Chatbot",
    "Can", "Could", "Would", "Will", "What", "How", "Why", "The", "This", "That", "And", "But", "Also",
}
_PRONOUNS = [
    (r"\bI am\b|\bI'm\b|\bIm\b", "they are"), (r"\bI was\b", "they were"), (r"\bI've\b", "they have"),
    (r"\bI'll\b", "they will"), (r"\bI'd\b", "they would"), (r"\bmyself\b", "themselves"), (r"\bmine\b", "theirs"),
    (r"\bmy\b", "their"), (r"\bme\b", "them"), (r"\bI\b", "they"),
]


def _third_person(text: str) -> str:
    for pattern, repl in _PRONOUNS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return text


def _clip(text: str) -> str:
    words = text.strip(" \t,;:-").rstrip("?.!").split()
    return " ".join(words[:MAX_TOPIC_WORDS])


def _question_topic(sentence: str) -> str | None:
    """The topic of an information question or request, ``None`` for other sentences."""
    body = _FILLER.sub("", sentence).strip().rstrip("?.!: ")
    if not body:
        return None
    asked = _ASK.match(body)
    if asked:
        return _clip(_third_person(asked.group(1)))
    if _ACTION_REQUEST.match(body):  # "can you write …": a task, not a knowledge gap
        return None
    words = body.split()
    head = words[0].lower()
    if head in _WH:
        how = _HOW.match(body)
        if how:
            return _clip("how to " + _third_person(how.group(1)))
        what = _WHAT_IS.match(body)
        if what:
            return _clip(_third_person(what.group(1)))
        return _clip(head + " " + _third_person(" ".join(words[1:])))
    if head in _AUX and sentence.rstrip().endswith("?") and len(words) >= 3:
        moved = [words[1]] + ([] if head in {"do", "does", "did"} else [head]) + words[2:]
        return _clip("whether " + _third_person(" ".join(moved)))
    if sentence.rstrip().endswith("?") and len(words) <= 6:  # a bare keyword query
        return _clip(_third_person(body))
    return None


def turn_statements(text: str) -> list[str]:
    """Knowledge statements for one user message (``[]`` for an empty one)."""
    gaps: list[str] = []
    claims: list[str] = []
    terms: list[str] = []
    asked: list[str] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        topic = _question_topic(sentence)
        if topic and len(topic.split()) >= 1:
            if len(gaps) < MAX_PER_KIND and topic not in gaps:
                gaps.append(topic)
            asked.append(sentence)
            continue
        claim = _CLAIM.match(sentence) or _CORRECTION.match(sentence)
        if claim and len(claims) < MAX_PER_KIND:
            body = claim.group(0)[claim.start(1):] if claim.re is _CLAIM else claim.group(1)
            statement = _clip(_third_person(body))
            if len(statement.split()) >= 3 and statement not in claims:
                claims.append(statement)
        for match in _TERM.finditer(sentence):
            term = match.group(0)
            if match.group("name") and match.start() == 0:  # a capital at sentence start proves nothing
                words = term.split()[1:]
                term = " ".join(words)
            if not term or term in _NOT_TERMS or term.split()[0] in _NOT_TERMS:
                continue
            if len(terms) < MAX_PER_KIND and term not in terms:
                terms.append(term)
    statements = [f"the user does not know about {g}" for g in gaps]
    statements += [f"the user knows that {c}" for c in claims]
    statements += [f"the user knows about {t}" for t in terms if not any(t in q for q in asked)]
    return statements
