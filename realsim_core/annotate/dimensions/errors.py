"""Errors: how many grammar and spelling problems the user's messages contain.

Card — measures: the number of problems Harper (Automattic's offline,
rule-based English checker, through ``harper-py``) reports in the user
messages of a dialogue. Unit: dialogue (an integer). Method: deterministic.
Reference: realsim paper §3 (real users ≈9 errors per dialogue; simulators far
fewer). The paper used another rule-based checker, so absolute counts differ
somewhat; what matters is that real and simulated users are scored alike.

Exactly what is counted:

* each non-empty user message is linted on its own (no problem can span two
  messages), with American English and Harper's default rules; lints of
  rule ``OkToOkay`` are ignored ("ok" is not an error in chat);
* messages are parsed as Markdown, so fenced code blocks and inline code are
  skipped; URLs are skipped by Harper's tokenizer in any mode;
* overlapping lints are deduplicated (Harper's ``dedup=True``);
* lints of these kinds count: Agreement, BoundaryError, Capitalization,
  Eggcorn, Grammar, Malapropism, Miscellaneous (e.g. "a" vs "an"),
  Nonstandard, Punctuation, Repetition, Spelling, Typo, Usage, WordChoice;
* these kinds are advice, not errors, and do not count: Style, Readability
  (long sentences), Enhancement, Formatting (double spaces, dashes),
  Redundancy, Regionalism.

Limits: non-English messages are checked as English, so nearly every word
counts as a spelling error; unusual names and jargon count as misspellings.

>>> from realsim_core.schema import Dialogue, Message
>>> d = Dialogue(id="x", source="t", messages=[Message(role="user", content="this is an test")])
>>> ErrorsAnnotator().annotate([d])
[1]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from realsim_core.annotate._registry import AnnotatorSpec, register_dimension
from realsim_core.schema import Dialogue

if TYPE_CHECKING:
    from harper import Linter

COUNTED_KINDS = frozenset({
    "Agreement", "BoundaryError", "Capitalization", "Eggcorn", "Grammar", "Malapropism",
    "Miscellaneous", "Nonstandard", "Punctuation", "Repetition", "Spelling", "Typo", "Usage",
    "WordChoice",
})
# Rules whose lints are not errors. Ignored after linting rather than switched off:
# with OkToOkay off, the spell checker flags the same "ok" instead.
IGNORED_RULES = frozenset({"OkToOkay"})
_local = threading.local()


def _linter() -> Linter:
    """One Linter per thread: a Linter is not thread-safe, but releases the GIL."""
    linter = getattr(_local, "linter", None)
    if linter is None:
        from harper import Linter

        linter = Linter()
        _local.linter = linter
    return linter


def count_errors(message: str) -> int:
    """Counted Harper lints in one message (0 for empty text)."""
    if not message.strip():
        return 0
    by_rule = _linter().organized_lints(message, language="markdown")
    return sum(
        lint.lint_kind in COUNTED_KINDS
        for rule, lints in by_rule.items() if rule not in IGNORED_RULES
        for lint in lints
    )


class ErrorsAnnotator:
    spec = AnnotatorSpec(
        dimension="errors", backend="local", version="1", model=f"harper-py-{version('harper-py')}",
        params={"kinds": sorted(COUNTED_KINDS), "ignored_rules": sorted(IGNORED_RULES),
                "language": "markdown", "dialect": "american", "unit": "message"},
    )

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        # Kept across batches: its threads keep their Linters (about 0.5 s each to build).
        self._pool: ThreadPoolExecutor | None = None

    def annotate(self, dialogues: Sequence[Dialogue]) -> list[int]:
        messages = [(i, text) for i, d in enumerate(dialogues) for text in d.user_messages]
        # Longest first so one huge paste does not leave the other worker idle at the end.
        order = sorted(range(len(messages)), key=lambda k: -len(messages[k][1]))
        counts = [0] * len(dialogues)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="harper")
        for k, n in zip(order, self._pool.map(lambda k: count_errors(messages[k][1]), order)):
            counts[messages[k][0]] += n
        return counts


@register_dimension(
    "errors", unit="dialogue", kind="count",
    description="grammar and spelling problems found by the Harper checker in user messages",
)
def make_errors(backend: str = "local", workers: int | None = None, **_: Any) -> ErrorsAnnotator:
    return ErrorsAnnotator(workers=workers)
