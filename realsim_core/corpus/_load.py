"""Read the fetched corpus into the dialogue schema, with a load report.

Facts handled here (see the corpus README): ``education.json`` duplicates
governance and is dropped; conversation ids repeat, so a dialogue's id is
``<file stem>:<index>``; scenarios are attached by content matching; repeated
conversations are reported, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realsim_core.corpus._fetch import FetchError, sha256_of
from realsim_core.corpus._manifest import DOMAIN_FILES, DROPPED_FILES, FILES, PERSONAS_FILE, SCENARIOS_FILE
from realsim_core.corpus._matching import MATCHING_VERSION, ScenarioLink, assign_scenarios, dialogue_match_text
from realsim_core.paths import corpus_dir
from realsim_core.schema import REAL_SOURCE, Dialogue, Message

# Links whose similarity beats the runner-up by less than this are flagged.
LOW_MARGIN = 0.02
LINKS_CACHE = "scenario_links.json"


@dataclass
class DuplicateGroup:
    """Dialogues sharing a conversation id or identical content."""

    conversation_id: str
    ids: list[str]
    kind: str


@dataclass
class CorpusReport:
    """What the loader read, dropped, linked and found repeated."""

    records_read: int = 0
    dialogues: int = 0
    per_domain: dict[str, int] = field(default_factory=dict)
    dropped_files: dict[str, str] = field(default_factory=dict)
    duplicates: list[DuplicateGroup] = field(default_factory=list)
    low_confidence_links: list[tuple[str, str, float, float]] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"read {self.records_read} records; kept {self.dialogues} dialogues in {len(self.per_domain)} domains",
        ]
        for name, reason in self.dropped_files.items():
            lines.append(f"dropped {name}.json: {reason}")
        lines.append("per domain: " + ", ".join(f"{d} {n}" for d, n in sorted(self.per_domain.items())))
        if self.duplicates:
            lines.append(f"repeated conversations ({len(self.duplicates)} groups, all kept):")
            for group in self.duplicates:
                lines.append(f"  {group.conversation_id}: {', '.join(group.ids)} — {group.kind}")
        if self.low_confidence_links:
            lines.append(
                f"{len(self.low_confidence_links)} scenario links lead the runner-up by less than {LOW_MARGIN} "
                "in content similarity (order decided; all kept in the run's metadata), e.g.:"
            )
            for dialogue_id, scenario_id, score, margin in self.low_confidence_links[:8]:
                lines.append(f"  {dialogue_id} -> {scenario_id} (similarity {score:.3f}, margin {margin:+.3f})")
        return "\n".join(lines)


def domain_of(scenario_id: str) -> str:
    """``'books_3'`` -> ``'books'``."""
    domain, _, index = scenario_id.rpartition("_")
    if not domain or not index.isdigit():
        raise ValueError(f"not a scenario id: {scenario_id!r} (expected <domain>_<index>)")
    return domain


def _read_json(path: Path) -> Any:
    if not path.exists():
        raise FetchError(f"{path} is missing: run `realsim fetch` first (or pass --source / REALSIM_SOURCE)")
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_scenarios(data_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Scenario id -> "interacting with a chatbot to …"."""
    return dict(_read_json(corpus_dir(data_dir) / SCENARIOS_FILE))


def _usable_persona(text: Any) -> bool:
    """Drop empty entries and refusal fragments the persona generator left."""
    if not isinstance(text, str) or not text.strip():
        return False
    lowered = text.lower()
    return not any(cue in lowered for cue in ("i can help", "i can't", "i cannot", "if your goal", "sorry"))


def load_personas(data_dir: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """Scenario id -> its informed personas (refusals and empty entries filtered)."""
    raw = _read_json(corpus_dir(data_dir) / PERSONAS_FILE)
    return {key: [p.strip() for p in values if _usable_persona(p)] for key, values in raw.items()}


def verify_corpus(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Raise if any fetched file is missing or altered."""
    root = corpus_dir(data_dir)
    for name, expected in FILES.items():
        path = root / name
        if not path.exists():
            raise FetchError(f"{path} is missing: run `realsim fetch` first")
        if sha256_of(path) != expected:
            raise FetchError(f"{path}: sha256 mismatch; run `realsim fetch` again to restore it")


def _to_dialogue(stem: str, index: int, record: dict[str, Any], domain: str) -> Dialogue:
    where = f"real_dialogues/{stem}.json record {index}"
    turns = record.get("conversation")
    if not isinstance(turns, list):
        raise ValueError(f"{where}: 'conversation' is not a list")
    messages = []
    for k, turn in enumerate(turns):
        role = turn.get("role")
        if role not in ("user", "assistant"):
            raise ValueError(f"{where} message {k}: unknown role {role!r}")
        messages.append(Message(role=role, content=turn.get("content") or ""))
    metadata = {
        "conversation_id": record.get("conversation_id"),
        "model": record.get("model"),
        "file": stem,
        "index": index,
        "languages": sorted({t.get("language") for t in turns if t.get("language")}),
    }
    return Dialogue(
        id=f"{stem}:{index}", source=REAL_SOURCE, domain=domain, messages=messages, metadata=metadata
    )


def _find_duplicates(dialogues: list[Dialogue]) -> list[DuplicateGroup]:
    by_id: dict[str, list[Dialogue]] = defaultdict(list)
    for dialogue in dialogues:
        by_id[str(dialogue.metadata.get("conversation_id"))].append(dialogue)
    groups = []
    for conv_id, members in by_id.items():
        if len(members) < 2:
            continue
        same_content = len({d.content_hash() for d in members}) == 1
        same_domain = len({d.domain for d in members}) == 1
        if same_content and same_domain:
            kind = "identical copies within one domain"
        elif same_content:
            kind = "the same dialogue filed under several domains"
        else:
            kind = "different dialogues sharing one conversation id"
        groups.append(DuplicateGroup(conv_id, [d.id for d in members], kind))
    return groups


def _scenario_links(
    data_dir: str | os.PathLike[str] | None, by_domain: dict[str, list[Dialogue]], scenarios: dict[str, str]
) -> dict[str, ScenarioLink]:
    """Content-matched links, cached beside the corpus.

    Matching embeds ~2,000 texts; the result depends only on the verified
    corpus files and the matching method, so it is computed once per data dir.
    """
    cache = corpus_dir(data_dir) / LINKS_CACHE
    stamp = hashlib.sha256(json.dumps([MATCHING_VERSION, sorted(FILES.items())]).encode()).hexdigest()
    if cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("stamp") == stamp:
            return {k: ScenarioLink(*v) for k, v in stored["links"].items()}
    links: dict[str, ScenarioLink] = {}
    for domain, domain_dialogues in by_domain.items():
        keys = sorted((k for k in scenarios if domain_of(k) == domain), key=lambda k: int(k.rsplit("_", 1)[1]))
        found = assign_scenarios(
            [dialogue_match_text(d.user_messages) for d in domain_dialogues], keys, [scenarios[k] for k in keys]
        )
        links.update({d.id: link for d, link in zip(domain_dialogues, found)})
    part = cache.with_name(cache.name + ".part")
    part.write_text(json.dumps({"stamp": stamp, "links": {k: list(vars(v).values()) for k, v in links.items()}}))
    part.replace(cache)
    return links


def load_real_corpus(data_dir: str | os.PathLike[str] | None = None) -> tuple[list[Dialogue], CorpusReport]:
    """All real dialogues with scenario links, and the report of what was done."""
    verify_corpus(data_dir)
    root = corpus_dir(data_dir) / "real_dialogues"
    scenarios = load_scenarios(data_dir)
    personas = load_personas(data_dir)
    report = CorpusReport(dropped_files=dict(DROPPED_FILES))
    report.records_read = sum(len(_read_json(root / f"{stem}.json")) for stem in DROPPED_FILES)
    by_domain: dict[str, list[Dialogue]] = {}
    for domain, stems in sorted(DOMAIN_FILES.items()):
        by_domain[domain] = []
        for stem in stems:
            records = _read_json(root / f"{stem}.json")
            report.records_read += len(records)
            by_domain[domain].extend(_to_dialogue(stem, i, r, domain) for i, r in enumerate(records))
    links = _scenario_links(data_dir, by_domain, scenarios)
    dialogues: list[Dialogue] = []
    for domain, domain_dialogues in by_domain.items():
        for dialogue in domain_dialogues:
            link = links[dialogue.id]
            dialogue.scenario_id = link.scenario_id
            dialogue.scenario = scenarios[link.scenario_id]
            dialogue.metadata["scenario_match_score"] = link.score
            dialogue.metadata["scenario_match_margin"] = link.margin
            dialogue.metadata["informed_personas"] = personas.get(link.scenario_id, [])
            if link.margin < LOW_MARGIN:
                report.low_confidence_links.append((dialogue.id, link.scenario_id, link.score, link.margin))
        report.per_domain[domain] = len(domain_dialogues)
        dialogues.extend(domain_dialogues)
    report.dialogues = len(dialogues)
    report.duplicates = _find_duplicates(dialogues)
    return dialogues, report
