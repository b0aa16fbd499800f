"""`migrate-store`: an embedded install (SQLite + Qdrant Edge) copied to PostgreSQL and a
Qdrant store through qdrant-client, with nothing lost, then used as the new home."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from qdrant_client import QdrantClient
from sqlalchemy import create_engine, func, select

from knowledge.bootstrap import Services, bootstrap
from knowledge.migration import TargetNotEmpty, migrate_store
from knowledge.ports import Embedder
from knowledge.records import Base
from knowledge.settings import Settings
from knowledge.store.server import QdrantServerStore
from tests.databases import fresh_postgres_database
from tests.fakes import ScriptedGenerator
from tests.samples import Sample


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return counts


def test_embedded_install_moves_to_postgres_and_qdrant(
    services: Services, embedder: Embedder, samples: list[Sample], tmp_path: Path
) -> None:
    for sample in samples:
        services.ingestor.ingest_file(1, sample.path)
    services.ingestor.add_note(2, "The spare key is under the blue flowerpot.")
    services.memory.forget(1, 2)  # an id gap the copy must keep

    async def ask() -> None:
        async for _ in services.answerer.ask(2, "where is the spare key?", with_history=True):
            pass

    asyncio.run(ask())
    before = _counts(services.settings.sql_url)

    with fresh_postgres_database() as url:
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path / "server-data",
            models_path=services.settings.models_dir,
            llm=services.settings.llm,
            database_url=url,
        )
        store = QdrantServerStore(QdrantClient(":memory:"), "memory", embedder.dim)
        target = bootstrap(settings, store=store, embedder=embedder, generator=ScriptedGenerator())
        try:
            report = migrate_store(services, target)
            assert report.problems == []
            assert report.searches_compared > 0
            assert _counts(url) == before and report.rows == before
            assert report.files_copied == len(samples) - 1  # one was forgotten
            for user in (1, 2):
                assert store.documents(user) == services.store.documents(user)
            hits = target.retriever.search(2, "¿Dónde está la llave de repuesto?", k=1)
            assert hits and "flowerpot" in hits[0].text
            assert target.answerer.history(2) == services.answerer.history(2)
            # The new home takes new memories without id clashes (sequences were advanced).
            added = target.ingestor.add_note(1, "The boiler was serviced in May.")
            assert added.doc_id > max(d.id for d in services.memory.documents(1))
            with pytest.raises(TargetNotEmpty):
                migrate_store(services, target)
        finally:
            target.close()
    assert _counts(services.settings.sql_url) == before  # the source is untouched
