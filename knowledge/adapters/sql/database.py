"""Engine, sessions and migrations (Alembic, run to head at start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.adapters.connect import reach
from knowledge.adapters.sql.repositories import SqlStorage

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: DBAPIConnection, _record: object) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def wait_until_reachable(engine: Engine, wait_seconds: float) -> None:
    """A database server may still be starting; a SQLite file is there or it is not."""

    def ping() -> None:
        with engine.connect():
            pass

    reach(
        f"the database {engine.url.render_as_string(hide_password=True)}",
        ping,
        transient=(OperationalError,),
        wait_seconds=0 if engine.dialect.name == "sqlite" else wait_seconds,
    )


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class Database:
    """One SQL database: its `storage`, on an engine that connects at its first use, so
    making one opens nothing; `prepare` (the start step's) waits for a server still
    starting, then migrates to head."""

    def __init__(self, url: str, *, connect_seconds: float) -> None:
        self.url = url
        self._connect_seconds = connect_seconds
        self._engine = make_engine(url)
        self.storage = SqlStorage(session_factory(self._engine))

    def prepare(self) -> None:
        wait_until_reachable(self._engine, self._connect_seconds)
        migrate(self.url)
