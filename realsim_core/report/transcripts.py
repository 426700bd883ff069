"""Transcripts side by side: the real dialogue and each run's dialogue of one scenario.

Each user turn carries its annotation chips (intent, feedback, emotion) and the
identity disclosures found in it, read from the annotation cache with the
annotators the run's comparison used. Text is returned as plain strings; the
page decides how to render it (always as text, never as markup).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from realsim_core.report._stored import AGAINST, annotator_specs, comparison_settings, fingerprints
from realsim_core.store import Store

CHIP_DIMENSIONS = ("intent", "feedback", "emotion")


@dataclass
class Turn:
    role: str
    text: str
    chips: dict[str, list[str]] = field(default_factory=dict)  # dimension -> labels (user turns only)
    identity: list[tuple[str, str]] = field(default_factory=list)  # (category, quote) disclosed in this turn


@dataclass
class Transcript:
    run: str
    dialogue_id: str
    persona: str | None
    turns: list[Turn]
    identity_elsewhere: list[tuple[str, str]] = field(default_factory=list)  # quotes not found verbatim
    failed: dict[str, str] = field(default_factory=dict)


def domains(store: Store) -> list[str]:
    """Domains of the real corpus (the pairing key of every run)."""
    frame = store.query_df(
        "SELECT DISTINCT domain FROM dialogues WHERE run = ? AND domain IS NOT NULL ORDER BY domain", [AGAINST])
    return frame["domain"].tolist()


def scenarios(store: Store, domain: str) -> pd.DataFrame:
    """Scenarios of a domain: id, text, and which runs have a dialogue for it."""
    frame = store.query_df(
        """SELECT scenario_id, any_value(scenario) AS scenario,
                  list(DISTINCT run ORDER BY run) AS runs, count(*) AS n_dialogues
           FROM dialogues WHERE domain = ? AND scenario_id IS NOT NULL
           GROUP BY scenario_id""",
        [domain],
    )
    if frame.empty:
        return pd.DataFrame(columns=["scenario_id", "scenario", "runs", "n_dialogues", "has_real", "n_runs"])
    frame["runs"] = frame["runs"].map(list)
    frame["has_real"] = frame["runs"].map(lambda r: AGAINST in r)
    frame["n_runs"] = frame["runs"].map(lambda r: len([x for x in r if x != AGAINST]))

    def key(sid: str) -> tuple[str, int]:
        stem, _, num = sid.rpartition("_")
        return (stem, int(num)) if num.isdigit() else (sid, -1)

    frame["_key"] = frame["scenario_id"].map(key)
    frame = frame.sort_values(["n_runs", "_key"], ascending=[False, True], key=None).drop(columns="_key")
    return frame.reset_index(drop=True)


def _labels(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _turn_chips(dim: str, turn_value: Any) -> list[str]:
    labels = _labels(turn_value)
    if dim == "emotion":  # one label per sentence: show the non-neutral ones, or neutral
        strong = [v for v in labels if v not in ("neutral", "none")]
        labels = strong or (["neutral"] if labels else [])
    return list(dict.fromkeys(labels))


def _annotations(store: Store, hashes: list[str], prints: dict[str, str]) -> dict[tuple[str, str], Any]:
    if not hashes or not prints:
        return {}
    rows = store.query_df(
        """SELECT content_hash, dimension, status, value, error FROM annotations
           WHERE content_hash IN (SELECT unnest(?)) AND fingerprint IN (SELECT unnest(?))""",
        [hashes, list(prints.values())],
    )
    out: dict[tuple[str, str], Any] = {}
    for row in rows.itertuples(index=False):
        out[(row.content_hash, row.dimension)] = (
            json.loads(row.value) if row.status == "ok" else {"__failed__": str(row.error)})
    return out


def _specs_for(settings: dict[str, dict[str, Any]], run: str) -> dict[str, dict[str, Any]]:
    if run == AGAINST:
        return annotator_specs(next(iter(settings.values())), "against") if settings else {}
    return annotator_specs(settings[run], "run") if run in settings else {}


def _build(row: Any, messages: pd.DataFrame, ann: dict[tuple[str, str], Any]) -> Transcript:
    turns: list[Turn] = []
    failed: dict[str, str] = {}
    values = {dim: ann.get((row.content_hash, dim)) for dim in (*CHIP_DIMENSIONS, "identity")}
    for dim, value in values.items():
        if isinstance(value, dict) and "__failed__" in value:
            failed[dim] = value["__failed__"]
            values[dim] = None
    user_k = 0
    for msg in messages.itertuples(index=False):
        turn = Turn(role=msg.role, text=msg.content)
        if msg.role == "user":
            for dim in CHIP_DIMENSIONS:
                per_turn = values[dim]
                if isinstance(per_turn, list) and user_k < len(per_turn):
                    turn.chips[dim] = _turn_chips(dim, per_turn[user_k])
            user_k += 1
        turns.append(turn)
    elsewhere: list[tuple[str, str]] = []
    identity = values["identity"] if isinstance(values["identity"], dict) else {}
    for category, quotes in identity.items():
        for quote in quotes if isinstance(quotes, list) else [quotes]:
            quote = str(quote)
            home = next((t for t in turns if t.role == "user" and quote and quote in t.text), None)
            (home.identity if home else elsewhere).append((str(category), quote))
    return Transcript(run=row.run, dialogue_id=row.id, persona=row.persona, turns=turns,
                      identity_elsewhere=elsewhere, failed=failed)


def transcripts(store: Store, scenario_id: str, runs: list[str] | None = None,
                per_run: int = 1) -> list[Transcript]:
    """The real dialogue(s) and each run's dialogue(s) of ``scenario_id`` (real first)."""
    index = store.query_df(
        """SELECT run, id, persona, content_hash, position FROM dialogues
           WHERE scenario_id = ? ORDER BY (run <> ?), run, position""",
        [scenario_id, AGAINST],
    )
    if runs is not None:
        index = index[index["run"].isin([AGAINST, *runs])]
    index = index.groupby("run", sort=False).head(per_run)
    if index.empty:
        return []
    settings = comparison_settings(store)
    out = []
    for run, rows in index.groupby("run", sort=False):
        prints = fingerprints(_specs_for(settings, str(run)))
        ann = _annotations(store, rows["content_hash"].tolist(), prints)
        for row in rows.itertuples(index=False):
            messages = store.query_df(
                "SELECT role, content FROM messages WHERE run = ? AND dialogue_id = ? ORDER BY idx", [row.run, row.id])
            out.append(_build(row, messages, ann))
    return out
