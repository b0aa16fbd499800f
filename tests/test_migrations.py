"""Alembic migrations match the models and go up and down cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from knowledge.adapters.sql.database import alembic_config, migrate
from knowledge.adapters.sql.records import Base

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL


def test_up_down_up_and_no_drift(tmp_path: Path, database: str | None) -> None:
    url = database or f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "documents", "chunks", "notes", "chat_turns", "inbox", "digests"} <= tables
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert drift == []
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(url)
    assert {"documents", "chunks"} <= set(inspect(engine).get_table_names())
    engine.dispose()
