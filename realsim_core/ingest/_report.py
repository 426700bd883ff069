"""The loss report: what an ingest read, kept and dropped, and why.

Readers stream, so the report fills up while the dialogues iterator is
consumed and is final once it is exhausted. Details of dropped records are
capped (counts never are) so a file of a million bad records cannot exhaust
memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_DETAILS = 10_000
MAX_RENDERED = 20


@dataclass(frozen=True)
class DroppedRecord:
    """One record that was not kept."""

    locator: str  # "line 12" or "record 3" (0-based array index)
    reason: str
    record_id: str | None = None

    def describe(self) -> str:
        ident = f" (id {self.record_id!r})" if self.record_id else ""
        return f"{self.locator}{ident}: {self.reason}"


@dataclass
class LossReport:
    """Counts and reasons for one file read."""

    path: str
    format: str | None = None
    read: int = 0
    kept: int = 0
    dropped_records: list[DroppedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    paired: int = 0
    reason_counts: Counter[str] = field(default_factory=Counter)
    _dropped: int = 0
    _warning_keys: set[str] = field(default_factory=set)

    @property
    def dropped(self) -> int:
        return self._dropped

    def drop(self, locator: str, reason: str, record_id: str | None = None, *, kind: str | None = None) -> None:
        """Record a dropped record; ``kind`` groups reasons in the summary."""
        self._dropped += 1
        self.reason_counts[kind or reason] += 1
        if len(self.dropped_records) < MAX_DETAILS:
            self.dropped_records.append(DroppedRecord(locator, reason, record_id))

    def warn(self, message: str, key: str | None = None) -> None:
        """Add a warning once per ``key`` (default: the message itself)."""
        key = key or message
        if key not in self._warning_keys:
            self._warning_keys.add(key)
            self.warnings.append(message)

    def to_dict(self, max_details: int = 1000) -> dict[str, Any]:
        """JSON-ready summary stored with the run (details capped)."""
        return {
            "path": self.path,
            "format": self.format,
            "read": self.read,
            "kept": self.kept,
            "dropped": self.dropped,
            "paired": self.paired,
            "reasons": dict(self.reason_counts),
            "dropped_records": [
                {"locator": d.locator, "reason": d.reason, "id": d.record_id}
                for d in self.dropped_records[:max_details]
            ],
            "warnings": list(self.warnings),
        }

    def render(self, max_rendered: int = MAX_RENDERED) -> str:
        """Human-readable report for the CLI."""
        lines = [
            f"{self.path} ({self.format or 'unknown format'}): "
            f"read {self.read}, kept {self.kept}, dropped {self.dropped}"
        ]
        if self.paired:
            lines.append(f"paired with real scenarios: {self.paired} of {self.kept}")
        if self.reason_counts:
            lines.append("dropped by reason:")
            for reason, count in self.reason_counts.most_common():
                lines.append(f"  {count:>7}  {reason}")
            lines.append("dropped records:")
            for detail in self.dropped_records[:max_rendered]:
                lines.append(f"  {detail.describe()}")
            hidden = self.dropped - min(len(self.dropped_records), max_rendered)
            if hidden > 0:
                lines.append(f"  … and {hidden} more")
        for warning in self.warnings:
            lines.append(f"warning: {warning}")
        return "\n".join(lines)
