"""DuckDB tables: the contract between the CLI, the pipeline and the dashboard.

Every stage adds its tables here so one place says what the store holds.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

DDL: list[str] = [
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT
    )""",
    # One row per run: 'real' or a simulator run (simulated or uploaded).
    """CREATE TABLE IF NOT EXISTS runs (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL,
        source_file TEXT,
        format TEXT,
        n_read INTEGER,
        n_kept INTEGER,
        n_dropped INTEGER,
        metadata JSON
    )""",
    """CREATE TABLE IF NOT EXISTS dialogues (
        run TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        domain TEXT,
        scenario_id TEXT,
        scenario TEXT,
        persona TEXT,
        content_hash TEXT NOT NULL,
        n_user_turns INTEGER NOT NULL,
        metadata JSON,
        PRIMARY KEY (run, id)
    )""",
    """CREATE TABLE IF NOT EXISTS messages (
        run TEXT NOT NULL,
        dialogue_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (run, dialogue_id, idx)
    )""",
    # Annotation cache: keyed by content, dimension, backend and its version
    # (the fingerprint), so unchanged dialogues are never annotated twice.
    """CREATE TABLE IF NOT EXISTS annotations (
        content_hash TEXT NOT NULL,
        dimension TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        backend TEXT NOT NULL,
        status TEXT NOT NULL,
        value JSON,
        error TEXT,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (content_hash, dimension, fingerprint)
    )""",
    # Comparison results: one row per (run, against, table), the table as JSON
    # records plus the settings that produced it.
    """CREATE TABLE IF NOT EXISTS comparisons (
        run TEXT NOT NULL,
        against TEXT NOT NULL,
        table_name TEXT NOT NULL,
        inputs_fingerprint TEXT NOT NULL,
        settings JSON,
        data JSON,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run, against, table_name)
    )""",
]
