"""`mnemo migrate-store`: copy a whole install (SQL rows, vectors, kept files) to another
database and vector store, typically the embedded default (SQLite + Qdrant Edge) to
PostgreSQL and a Qdrant server, then prove nothing was lost.

SQL rows are copied table by table, ids included; vectors are embedded again from the chunk
texts kept in SQL (the same embedder, so the same vectors), which also fills the new
payload fields; originals stay where they are (`MNEMO_DATA_DIR/files`) unless the target
has another data dir, where they are copied. The proof: every table's row count, every
document's vector count, every kept file, and a sample of searches that must return the
same documents in the same order on both sides.
"""

from __future__ import annotations

import logging
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, text

from knowledge.adapters.sql.database import make_engine
from knowledge.adapters.sql.records import Base, ChunkRecord
from knowledge.bootstrap import Services
from knowledge.domain.errors import MnemoError

log = logging.getLogger(__name__)
BATCH = 1000
SAMPLE_SEARCHES = 20


class TargetNotEmpty(MnemoError):
    """The target database already holds a memory: migration never merges or overwrites."""


@dataclass
class MigrationReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    chunks_embedded: int = 0
    files_copied: int = 0
    searches_compared: int = 0
    problems: list[str] = field(default_factory=list)


def migrate_store(
    source: Services, target: Services, progress: Callable[[str], None] = log.info
) -> MigrationReport:
    """Copy `source` into `target` (both bootstrapped; the target's tables must be empty)."""
    report = MigrationReport()
    source_sql, target_sql = (
        make_engine(source.settings.sql_url),
        make_engine(target.settings.sql_url),
    )
    try:
        _check_empty(target_sql)
        for table in Base.metadata.sorted_tables:
            report.rows[table.name] = _copy_table(source_sql, target_sql, table.name)
            progress(f"copied {report.rows[table.name]} rows of {table.name}")
        _reset_sequences(target_sql)
        report.files_copied = _copy_files(source, target)
        report.chunks_embedded = target.indexer.reindex_missing()
        progress(f"embedded {report.chunks_embedded} chunks into the target vector store")
        report.problems = _verify(source, target, source_sql, target_sql, report)
    finally:
        source_sql.dispose()
        target_sql.dispose()
    return report


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _check_empty(engine: Engine) -> None:
    for table, rows in _row_counts(engine).items():
        if rows:
            raise TargetNotEmpty(
                f"the target database already has rows in {table}; migrate into an empty database"
            )


def _copy_table(source: Engine, target: Engine, name: str) -> int:
    table = Base.metadata.tables[name]
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        rows = reading.execute(select(table)).mappings()
        while batch := rows.fetchmany(BATCH):
            writing.execute(table.insert(), [dict(row) for row in batch])
            copied += len(batch)
    return copied


def _reset_sequences(engine: Engine) -> None:
    """PostgreSQL hands out ids from sequences, which copying with ids did not advance."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.primary_key.columns:
                sequence = connection.scalar(
                    text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": table.name, "column": column.name},
                )
                if sequence:
                    highest = f"SELECT MAX({column.name}) FROM {table.name}"
                    connection.execute(
                        text(f"SELECT setval('{sequence}', COALESCE(({highest}), 0) + 1, false)")
                    )


def _copy_files(source: Services, target: Services) -> int:
    origin, destination = source.settings.files_dir, target.settings.files_dir
    if origin.resolve() == destination.resolve() or not origin.is_dir():
        return 0
    copied = 0
    for path in origin.rglob("*"):
        if path.is_file() and not path.name.startswith(".incoming"):
            placed = destination / path.relative_to(origin)
            placed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, placed)
            copied += 1
    return copied


def _verify(
    source: Services,
    target: Services,
    source_sql: Engine,
    target_sql: Engine,
    report: MigrationReport,
) -> list[str]:
    here, there = _row_counts(source_sql), _row_counts(target_sql)
    problems = [
        f"{table}: {rows} rows here, {there[table]} there"
        for table, rows in here.items()
        if rows != there[table]
    ]
    problems += [f"target: {f.problem}" for f in target.doctor.examine(repair=False)]
    with source_sql.connect() as connection:
        chunks = connection.execute(select(ChunkRecord.user_id, ChunkRecord.text)).all()
    for user_id, chunk_text in random.Random(0).sample(chunks, min(SAMPLE_SEARCHES, len(chunks))):
        query = " ".join(chunk_text.split()[:12])
        found_here = [hit.doc_id for hit in source.retriever.search(user_id, query, k=3)]
        found_there = [hit.doc_id for hit in target.retriever.search(user_id, query, k=3)]
        report.searches_compared += 1
        if found_here[:1] != found_there[:1]:
            problems.append(
                f"a search of user {user_id} differs: {found_here} here, {found_there} there"
            )
    return problems
