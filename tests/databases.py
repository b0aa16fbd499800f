"""SQL backends for the storage tests: SQLite (a file per test) and, when a server is there,
PostgreSQL (a fresh database per test on the server `scripts/test.sh` starts)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

# Read at import: the tests' autouse fixture clears MNEMO_* variables from the environment.
POSTGRES_URL = os.environ.get("MNEMO_TEST_POSTGRES_URL")
REQUIRED = os.environ.get("MNEMO_TEST_REQUIRE_POSTGRES") == "1"


def postgres_admin_url() -> str:
    if not POSTGRES_URL:
        message = "no PostgreSQL for the tests: scripts/test.sh starts one"
        if REQUIRED:
            pytest.fail(message + " (MNEMO_TEST_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return POSTGRES_URL


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"mnemo_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_admin_url()).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
