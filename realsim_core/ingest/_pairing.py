"""Pair uploaded dialogues with the real corpus's scenarios.

A simulated dialogue is comparable with the real one of the same scenario, so
every upload that says which scenario it played (``scenario_id``, or a
scenario text equal to a corpus scenario up to whitespace) gets its
``scenario_id``, ``scenario`` and ``domain`` filled in from the corpus. Values
the record states are never overwritten; disagreements are reported.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from realsim_core.ingest._report import LossReport
from realsim_core.schema import Dialogue


def normalise(text: str) -> str:
    return " ".join(text.split())


def _domain_of(scenario_id: str) -> str | None:
    from realsim_core.corpus import domain_of

    try:
        return domain_of(scenario_id)
    except ValueError:
        return None


@dataclass
class ScenarioIndex:
    """Corpus scenarios (None when the corpus is not fetched) and how to name domains."""

    scenarios: dict[str, str] | None
    domain_of: Callable[[str], str | None] = _domain_of
    origin: str = "the corpus"
    by_text: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_text = {normalise(text): key for key, text in (self.scenarios or {}).items()}


def load_scenario_index(data_dir: str | os.PathLike[str] | None) -> ScenarioIndex:
    """Scenarios of the fetched corpus in ``data_dir``, or an empty index if absent."""
    from realsim_core.corpus import FetchError, load_scenarios
    from realsim_core.paths import corpus_dir

    try:
        return ScenarioIndex(load_scenarios(data_dir), origin=str(corpus_dir(data_dir)))
    except (FetchError, OSError):
        return ScenarioIndex(None, origin=str(corpus_dir(data_dir)))


def pair_dialogues(dialogues: Iterable[Dialogue], index: ScenarioIndex, report: LossReport) -> Iterator[Dialogue]:
    """Yield the dialogues with scenario fields filled in; counts go to ``report``."""
    unknown: Counter[str] = Counter()
    text_differs = domain_differs = unverified = 0
    for dialogue in dialogues:
        sid = dialogue.scenario_id
        if sid is None and dialogue.scenario and index.scenarios is not None:
            sid = index.by_text.get(normalise(dialogue.scenario))
            if sid is not None:
                dialogue.scenario_id = sid
        if sid is not None:
            if index.scenarios is None:
                unverified += 1
                report.paired += 1
            elif sid in index.scenarios:
                corpus_text = index.scenarios[sid]
                if dialogue.scenario is None:
                    dialogue.scenario = corpus_text
                elif normalise(dialogue.scenario) != normalise(corpus_text):
                    text_differs += 1
                report.paired += 1
            else:
                unknown[sid] += 1
            domain = index.domain_of(sid)
            if dialogue.domain is None:
                dialogue.domain = domain
            elif domain is not None and dialogue.domain != domain:
                domain_differs += 1
        yield dialogue
    if unverified:
        report.warn(
            f"the real corpus is not fetched in {index.origin}: {unverified} dialogue(s) were paired only by the "
            "scenario_id they carry (run `realsim fetch` to check them against the corpus)"
        )
    if unknown:
        examples = ", ".join(repr(k) for k, _ in unknown.most_common(5))
        report.warn(f"{sum(unknown.values())} dialogue(s) name a scenario_id not in the corpus ({examples}); "
                    "they are kept but not paired")
    if text_differs:
        report.warn(f"{text_differs} dialogue(s) carry a scenario text that differs from the corpus text of their "
                    "scenario_id; the record's text was kept")
    if domain_differs:
        report.warn(f"{domain_differs} dialogue(s) state a domain other than their scenario_id's; kept as stated")
