"""The DuckDB store: runs, dialogues, messages, annotations, comparisons.

Connections are short-lived: a writer opens, works inside one transaction and
closes, so an interrupted or failed write leaves the previous state intact and
the dashboard never holds the file for long.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from realsim_core.paths import database_path
from realsim_core.schema import Dialogue, Message
from realsim_core.store._locking import file_lock
from realsim_core.store._schema import DDL, SCHEMA_VERSION

_BATCH = 500
# DuckDB sizes its buffers from the machine's RAM (80% by default), so one big
# ingest could take gigabytes; a fixed cap keeps uploads bounded (DuckDB spills
# to disk past it) and leaves room for the dashboard and the models.
_CONNECTION_CONFIG = {"memory_limit": os.environ.get("REALSIM_DUCKDB_MEMORY", "1GB")}


class RunExistsError(ValueError):
    """A run of that name is already stored and ``replace`` was not asked for."""


class RunNotFoundError(KeyError):
    """No run of that name is stored."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "run not found"


@dataclass(frozen=True)
class RunSummary:
    """What was stored for one run."""

    name: str
    kind: str
    n_dialogues: int
    n_messages: int


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Store:
    """Access to ``<data-dir>/realsim.duckdb`` with serialised writers."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.path: Path = database_path(data_dir)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        if not self.path.exists():
            with self.writer():
                pass

    # -- connections -------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under the exclusive lock; rolled back on any error."""
        with file_lock(self._lock_path, exclusive=True):
            con = duckdb.connect(str(self.path), config=_CONNECTION_CONFIG)
            try:
                for statement in DDL:
                    con.execute(statement)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('store_version', ?)",
                        [str(self._read_version(con) + 1)],
                    )
                    con.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection under the shared lock."""
        with file_lock(self._lock_path, exclusive=False):
            con = duckdb.connect(str(self.path), read_only=True, config=_CONNECTION_CONFIG)
            try:
                yield con
            finally:
                con.close()

    @staticmethod
    def _read_version(con: duckdb.DuckDBPyConnection) -> int:
        row = con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()
        return int(row[0]) if row else 0

    def version(self) -> int:
        """A counter every committed write bumps: the dashboard's cache key."""
        with self.reader() as con:
            return self._read_version(con)

    def query_df(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a parameterised read query and return a DataFrame."""
        with self.reader() as con:
            return con.execute(sql, params or []).df()

    # -- runs --------------------------------------------------------------
    def list_runs(self) -> pd.DataFrame:
        """Stored runs with their counts, real corpus first."""
        return self.query_df(
            """SELECT r.name, r.kind, r.created_at, r.source_file, r.format,
                      r.n_read, r.n_kept, r.n_dropped,
                      count(d.id) AS n_dialogues,
                      count(DISTINCT d.domain) AS n_domains,
                      r.metadata
               FROM runs r LEFT JOIN dialogues d ON d.run = r.name
               GROUP BY r.name, r.kind, r.created_at, r.source_file, r.format,
                        r.n_read, r.n_kept, r.n_dropped, r.metadata
               ORDER BY (r.name <> 'real'), r.created_at, r.name"""
        )

    def run_names(self) -> list[str]:
        return self.list_runs()["name"].tolist()

    def run_exists(self, name: str) -> bool:
        with self.reader() as con:
            return con.execute("SELECT 1 FROM runs WHERE name = ?", [name]).fetchone() is not None

    def run_metadata(self, name: str) -> dict[str, Any]:
        with self.reader() as con:
            row = con.execute("SELECT metadata FROM runs WHERE name = ?", [name]).fetchone()
        if row is None:
            raise RunNotFoundError(self._not_found_message(name))
        return json.loads(row[0]) if row[0] else {}

    def _not_found_message(self, name: str) -> str:
        names = ", ".join(self.run_names()) or "none yet"
        return f"no run named {name!r} in {self.path} (stored runs: {names})"

    def save_run(
        self,
        name: str,
        dialogues: Iterable[Dialogue],
        *,
        kind: str,
        replace: bool = False,
        source_file: str | None = None,
        fmt: str | None = None,
        counts: tuple[int, int, int] | None = None,
        metadata: dict[str, Any] | None = None,
        counts_from: Any = None,
    ) -> RunSummary:
        """Store a whole run in one transaction (all or nothing).

        ``dialogues`` may be a generator: it is consumed in batches, so a large
        upload never has to fit in memory. ``counts_from`` is an object with
        ``read``/``kept``/``dropped`` attributes (a loss report) read *after*
        the generator is exhausted, so streamed counts are final.
        """
        if not name or not name.strip():
            raise ValueError("a run needs a non-empty name")
        with self.writer() as con:
            exists = con.execute("SELECT 1 FROM runs WHERE name = ?", [name]).fetchone()
            if exists and not replace:
                raise RunExistsError(
                    f"a run named {name!r} already exists in {self.path}; "
                    "choose another name or pass --replace"
                )
            self._delete_rows(con, name)
            n_dialogues = n_messages = 0
            seen: set[str] = set()
            batch_d: list[tuple[Any, ...]] = []
            batch_m: list[tuple[Any, ...]] = []
            for dialogue in dialogues:
                if dialogue.id in seen:
                    raise ValueError(f"duplicate dialogue id {dialogue.id!r} in run {name!r}")
                seen.add(dialogue.id)
                batch_d.append(
                    (
                        name,
                        dialogue.id,
                        n_dialogues,
                        dialogue.domain,
                        dialogue.scenario_id,
                        dialogue.scenario,
                        dialogue.persona,
                        dialogue.content_hash(),
                        len(dialogue.user_messages),
                        json.dumps(dialogue.metadata, ensure_ascii=False),
                    )
                )
                for idx, message in enumerate(dialogue.messages):
                    batch_m.append((name, dialogue.id, idx, message.role, message.content))
                n_dialogues += 1
                n_messages += len(dialogue.messages)
                if len(batch_d) >= _BATCH:
                    self._flush(con, batch_d, batch_m)
            self._flush(con, batch_d, batch_m)
            if counts_from is not None:
                counts = (counts_from.read, counts_from.kept, counts_from.dropped)
            n_read, n_kept, n_dropped = counts or (n_dialogues, n_dialogues, 0)
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    name,
                    kind,
                    _utcnow(),
                    source_file,
                    fmt,
                    n_read,
                    n_kept,
                    n_dropped,
                    json.dumps(metadata or {}, ensure_ascii=False, default=str),
                ],
            )
        return RunSummary(name=name, kind=kind, n_dialogues=n_dialogues, n_messages=n_messages)

    @staticmethod
    def _flush(
        con: duckdb.DuckDBPyConnection, batch_d: list[tuple[Any, ...]], batch_m: list[tuple[Any, ...]]
    ) -> None:
        if batch_d:
            frame = pd.DataFrame(  # noqa: F841  (read by DuckDB by name below)
                batch_d,
                columns=[
                    "run", "id", "position", "domain", "scenario_id", "scenario", "persona",
                    "content_hash", "n_user_turns", "metadata",
                ],
            )
            con.execute("INSERT INTO dialogues SELECT * FROM frame")
            batch_d.clear()
        if batch_m:
            mframe = pd.DataFrame(batch_m, columns=["run", "dialogue_id", "idx", "role", "content"])  # noqa: F841
            con.execute("INSERT INTO messages SELECT * FROM mframe")
            batch_m.clear()

    @staticmethod
    def _delete_rows(con: duckdb.DuckDBPyConnection, name: str) -> None:
        con.execute("DELETE FROM messages WHERE run = ?", [name])
        con.execute("DELETE FROM dialogues WHERE run = ?", [name])
        con.execute("DELETE FROM comparisons WHERE run = ? OR against = ?", [name, name])
        con.execute("DELETE FROM runs WHERE name = ?", [name])

    def delete_run(self, name: str) -> None:
        """Remove a run, its dialogues and its comparison results."""
        with self.writer() as con:
            if con.execute("SELECT 1 FROM runs WHERE name = ?", [name]).fetchone() is None:
                raise RunNotFoundError(f"no run named {name!r} in {self.path}")
            self._delete_rows(con, name)

    # -- dialogues ---------------------------------------------------------
    def dialogue_index(self, run: str) -> pd.DataFrame:
        """One row per dialogue of ``run`` (no message text), in stored order."""
        frame = self.query_df(
            """SELECT id, domain, scenario_id, scenario, persona, content_hash, n_user_turns, metadata
               FROM dialogues WHERE run = ? ORDER BY position""",
            [run],
        )
        if frame.empty and not self.run_exists(run):
            raise RunNotFoundError(self._not_found_message(run))
        return frame

    def iter_dialogues(
        self, run: str, ids: Iterable[str] | None = None, batch_size: int = _BATCH
    ) -> Iterator[Dialogue]:
        """Yield the stored dialogues of ``run`` in their original order.

        Messages are read one batch of dialogues at a time, so exporting a
        very large run keeps memory bounded (ingest streams the same way).
        """
        index = self.dialogue_index(run)
        if ids is not None:
            index = index[index["id"].isin(set(ids))]
        # pandas 3 reads SQL NULL in string columns as NaN; the schema wants None.
        index = index.astype(object).where(index.notna(), None)
        for start in range(0, len(index), batch_size):
            chunk = index.iloc[start : start + batch_size]
            with self.reader() as con:
                messages = con.execute(
                    """SELECT dialogue_id, role, content FROM messages
                       WHERE run = ? AND dialogue_id IN (SELECT unnest(?)) ORDER BY dialogue_id, idx""",
                    [run, chunk["id"].tolist()],
                ).fetchall()
            grouped: dict[str, list[Message]] = {}
            for dialogue_id, role, content in messages:
                grouped.setdefault(dialogue_id, []).append(Message(role=role, content=content))
            for row in chunk.itertuples(index=False):
                yield Dialogue(
                    id=row.id,
                    source=run,
                    domain=row.domain,
                    scenario_id=row.scenario_id,
                    scenario=row.scenario,
                    persona=row.persona,
                    messages=grouped.get(row.id, []),
                    metadata=json.loads(row.metadata) if row.metadata else {},
                )

    def load_dialogues(self, run: str) -> list[Dialogue]:
        return list(self.iter_dialogues(run))
