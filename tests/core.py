"""The core as the tests build it: through the composition root's own parameters, on a
database factory whose fresh SQLite files start as a copy of one migrated schema (Alembic
runs ~0.1 s; most fast tests build a core), then started as the entry points start it."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from knowledge.adapters.sql.database import Database, migrate
from knowledge.bootstrap import Services, bootstrap
from knowledge.settings import Settings


@cache
def migrated_schema() -> Path:
    """A SQLite database the real migrations brought to head, once a process."""
    folder = Path(tempfile.mkdtemp(prefix="mnemo-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "mnemo.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


class CopiedSchema(Database):
    """A new SQLite file is prepared as a copy of `migrated_schema()`, not migrated again;
    a file already there and PostgreSQL are migrated as ever (test_migrations runs the
    migrations itself)."""

    def prepare(self) -> None:
        url = make_url(self.url)
        database = url.database
        fresh = url.get_backend_name() == "sqlite" and database and database != ":memory:"
        if not fresh or Path(str(database)).exists():
            super().prepare()
            return
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        schema, copy = sqlite3.connect(migrated_schema()), sqlite3.connect(str(database))
        with closing(schema), closing(copy):
            schema.backup(copy)


def copied_schema(settings: Settings) -> Database:
    """The root's `database` factory for tests."""
    return CopiedSchema(settings.sql_url, connect_seconds=settings.connect_seconds)


def started(settings: Settings, **engines: Any) -> Services:
    """`bootstrap` on the copied schema, then `start`: what an entry point does."""
    services = bootstrap(settings, database=copied_schema, **engines)
    services.start()
    return services
