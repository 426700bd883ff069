"""Annotation cache in the DuckDB store.

Keyed by (dialogue content hash, dimension, annotator fingerprint), so the same
text is never annotated twice by the same annotator version, whatever run or
file it came from. Values are written batch by batch: an interrupted run loses
at most the batch in flight.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from realsim_core.annotate._registry import AnnotationFailure, AnnotatorSpec
from realsim_core.store import Store


def lookup(store: Store, spec: AnnotatorSpec, hashes: Iterable[str]) -> dict[str, Any]:
    """Cached values (or :class:`AnnotationFailure`) for the given content hashes."""
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return {}
    with store.reader() as con:
        rows = con.execute(
            """SELECT content_hash, status, value, error FROM annotations
               WHERE dimension = ? AND fingerprint = ? AND content_hash IN (SELECT unnest(?))""",
            [spec.dimension, spec.fingerprint(), wanted],
        ).fetchall()
    found: dict[str, Any] = {}
    for content_hash, status, value, error in rows:
        found[content_hash] = json.loads(value) if status == "ok" else AnnotationFailure(error=error)
    return found


def save(store: Store, spec: AnnotatorSpec, values: dict[str, Any]) -> None:
    """Store values (or failures) for content hashes under ``spec``."""
    if not values:
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for content_hash, value in values.items():
        if isinstance(value, AnnotationFailure):
            rows.append((content_hash, spec.dimension, spec.fingerprint(), spec.backend, "failed", None, value.error, now))
        else:
            rows.append(
                (content_hash, spec.dimension, spec.fingerprint(), spec.backend, "ok",
                 json.dumps(value, ensure_ascii=False), None, now)
            )
    with store.writer() as con:
        con.executemany("INSERT OR REPLACE INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
