"""Read the reference labels and their dialogues (at training or test time only).

The labels and the corpus stay in ``../shared``; nothing read here is written
into the repository except numeric model weights and aggregate scores.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from realsim_core.schema import Dialogue, Message

REPO = Path(__file__).resolve().parents[3]


def default_labels_path() -> Path:
    """``REALSIM_LABELS``, else ``../shared/labels/reference_labels.json`` beside the repo."""
    chosen = os.environ.get("REALSIM_LABELS")
    return Path(chosen) if chosen else REPO.parent / "shared" / "labels" / "reference_labels.json"


def default_source_dir() -> Path:
    """``REALSIM_SOURCE``, else ``../shared/realsim`` beside the repo."""
    chosen = os.environ.get("REALSIM_SOURCE")
    return Path(chosen) if chosen else REPO.parent / "shared" / "realsim"


@dataclass(frozen=True)
class Labelled:
    """One reference-labelled dialogue."""

    key: str
    dialogue: Dialogue
    intent: list[list[str]]
    feedback: list[list[str]]
    identity: dict[str, list[str]]


def load_reference(labels_path: Path | None = None, source_dir: Path | None = None) -> list[Labelled]:
    """The labelled dialogues, in label-file order, checked for turn alignment."""
    labels_path = labels_path or default_labels_path()
    source_dir = source_dir or default_source_dir()
    if not labels_path.exists():
        raise FileNotFoundError(f"reference labels not found at {labels_path} (set REALSIM_LABELS)")
    records: list[dict[str, Any]] = json.loads(labels_path.read_text(encoding="utf-8"))
    files: dict[str, list[dict[str, Any]]] = {}
    out: list[Labelled] = []
    for record in records:
        stem, _, index = record["key"].partition(":")
        if stem not in files:
            path = source_dir / "real_dialogues" / f"{stem}.json"
            if not path.exists():
                raise FileNotFoundError(f"corpus file {path} not found (set REALSIM_SOURCE)")
            files[stem] = json.loads(path.read_text(encoding="utf-8"))
        conversation = files[stem][int(index)]["conversation"]
        messages = [Message(role=m["role"], content=m.get("content") or "") for m in conversation
                    if m.get("role") in ("user", "assistant")]
        dialogue = Dialogue(id=record["key"], source="real", messages=messages)
        turns = sorted(record["turns"], key=lambda t: t["turn"])
        if len(turns) != len(dialogue.user_messages):
            raise ValueError(f"{record['key']}: {len(turns)} labelled turns but "
                             f"{len(dialogue.user_messages)} user messages")
        out.append(Labelled(
            key=record["key"], dialogue=dialogue, intent=[list(t["intent"]) for t in turns],
            feedback=[list(t["feedback"]) for t in turns], identity=record["identity"],
        ))
    return out
