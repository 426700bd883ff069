"""Which scenarios to simulate, and with which persona.

``--scenarios`` accepts ``all``, a comma-separated list of domains,
``N-per-domain`` (a stratified sample, seeded so reruns pick the same ones)
or the path of a file with one scenario id per line. Personas are drawn per
scenario from a generator seeded by (seed, scenario id), so adding scenarios
to a run never changes the persona of the ones already there.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

from realsim_core.simulate._prompts import GENERIC_PERSONA
from realsim_core.simulate._protocol import ScenarioTask

_PER_DOMAIN = re.compile(r"^(\d+)-per-domain$")


class ScenarioSelectionError(ValueError):
    """The ``--scenarios`` value names nothing that exists."""


def _domain(scenario_id: str) -> str:
    from realsim_core.corpus import domain_of

    return domain_of(scenario_id)


def _order_key(scenario_id: str) -> tuple[str, int]:
    domain, _, index = scenario_id.rpartition("_")
    return (domain, int(index) if index.isdigit() else -1)


def select_scenarios(spec: str, scenarios: dict[str, str], seed: int = 0) -> list[str]:
    """Resolve a ``--scenarios`` value to scenario ids.

    Domain then index order, except N-per-domain, which interleaves domains.
    """
    spec = spec.strip()
    if not spec:
        raise ScenarioSelectionError("--scenarios is empty; use all, DOMAIN[,DOMAIN…], N-per-domain or a file")
    by_domain: dict[str, list[str]] = defaultdict(list)
    for sid in sorted(scenarios, key=_order_key):
        by_domain[_domain(sid)].append(sid)
    if spec == "all":
        return [sid for domain in sorted(by_domain) for sid in by_domain[domain]]
    match = _PER_DOMAIN.match(spec)
    if match:
        n = int(match.group(1))
        if n < 1:
            raise ScenarioSelectionError("N-per-domain needs N >= 1")
        picks: list[list[str]] = []
        for domain in sorted(by_domain):
            # A seeded shuffle, then the first N: growing N keeps the earlier picks,
            # so a run can be extended (and resumed) without redoing anything.
            ids = list(by_domain[domain])
            random.Random(f"{seed}|{domain}").shuffle(ids)
            picks.append(sorted(ids[:n], key=_order_key))
        # Interleaved (first pick of every domain, then the second, …) so a run
        # cut short by a time budget still covers every domain evenly.
        return [p[k] for k in range(n) for p in picks if k < len(p)]
    path = Path(spec).expanduser()
    if path.is_file():
        return _from_file(path, scenarios)
    if "/" in spec or spec.endswith((".txt", ".json", ".jsonl")):
        raise ScenarioSelectionError(f"scenario ids file {spec} does not exist")
    wanted = [d.strip() for d in spec.split(",") if d.strip()]
    unknown = [d for d in wanted if d not in by_domain]
    if unknown:
        raise ScenarioSelectionError(
            f"unknown domain(s) {', '.join(unknown)}; valid domains: {', '.join(sorted(by_domain))} "
            "(or use all, N-per-domain, or a file of scenario ids)"
        )
    return [sid for domain in dict.fromkeys(wanted) for sid in by_domain[domain]]


def _from_file(path: Path, scenarios: dict[str, str]) -> list[str]:
    ids: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            ids.append(text)
    if not ids:
        raise ScenarioSelectionError(f"{path} lists no scenario ids (one id per line, e.g. books_3)")
    unknown = [sid for sid in ids if sid not in scenarios]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ScenarioSelectionError(f"{path}: {len(unknown)} unknown scenario id(s): {shown}")
    return list(dict.fromkeys(ids))


def build_tasks(
    ids: list[str],
    scenarios: dict[str, str],
    personas: dict[str, list[str]],
    persona_mode: str,
    seed: int,
) -> list[ScenarioTask]:
    """Attach scenario text, domain and persona to each selected id."""
    if persona_mode not in ("generic", "informed"):
        raise ValueError(f"unknown persona mode {persona_mode!r}; expected generic or informed")
    tasks: list[ScenarioTask] = []
    missing: list[str] = []
    for sid in ids:
        if persona_mode == "generic":
            persona = GENERIC_PERSONA
        else:
            options = personas.get(sid) or []
            if not options:
                missing.append(sid)
                continue
            persona = random.Random(f"{seed}|persona|{sid}").choice(options)
        tasks.append(ScenarioTask(sid, _domain(sid), scenarios[sid], persona, persona_mode))
    if missing:
        raise ScenarioSelectionError(
            f"no informed persona for {len(missing)} scenario(s): {', '.join(missing[:5])}; "
            "use --persona generic or leave them out"
        )
    return tasks
