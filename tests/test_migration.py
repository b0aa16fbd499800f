"""`migrate-store`: an embedded install (SQLite + Qdrant Edge) copied to PostgreSQL and a
Qdrant store through qdrant-client, with nothing lost, then used as the new home."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from qdrant_client import QdrantClient
from sqlalchemy import create_engine, func, select

from knowledge.adapters.sql.records import Base
from knowledge.adapters.store.server import QdrantServerStore
from knowledge.bootstrap import Services
from knowledge.domain.ports import Embedder
from knowledge.migration import TargetNotEmpty, migrate_store
from knowledge.settings import Settings
from tests.core import started
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
        services.keeping.ingestor.ingest_file(1, sample.path)
    services.keeping.ingestor.add_note(2, "The spare key is under the blue flowerpot.")
    services.memory.forget(1, 2)  # an id gap the copy must keep

    async def ask() -> None:
        async for _ in services.asking.ask(2, "where is the spare key?", with_history=True):
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
        target = started(settings, store=store, embedder=embedder, generator=ScriptedGenerator())
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
            assert target.asking.history(2) == services.asking.history(2)
            # The new home takes new memories without id clashes (sequences were advanced).
            added = target.keeping.ingestor.add_note(1, "The boiler was serviced in May.")
            assert added.doc_id > max(d.id for d in services.memory.documents(1))
            with pytest.raises(TargetNotEmpty):
                migrate_store(services, target)
        finally:
            target.close()
    assert _counts(services.settings.sql_url) == before  # the source is untouched


def test_migrate_store_command(
    monkeypatch: pytest.MonkeyPatch, models_dir: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    """`mnemo migrate-store` as a user runs it; the Qdrant server is qdrant-client's local
    on-disk store, opened in place of a connection to the URL given."""
    from typer.testing import CliRunner

    from cli.main import app

    for key, value in {
        "MNEMO_DATA_DIR": str(tmp_path / "data"),
        "MNEMO_MODELS_PATH": str(models_dir),
        "MNEMO_LLM": str(tiny_gguf),
        "MNEMO_EMBEDDER": "minilm-l6-int8",
    }.items():
        monkeypatch.setenv(key, value)
    connections: list[tuple[str, str | None]] = []

    def connect(url: str, api_key: str | None = None) -> QdrantClient:
        connections.append((url, api_key))
        return QdrantClient(path=str(tmp_path / "qdrant-server"))

    monkeypatch.setattr("qdrant_client.QdrantClient", connect)
    runner = CliRunner()
    assert (
        runner.invoke(app, ["note", "The spare key is under the flowerpot.", "-u", "3"]).exit_code
        == 0
    )

    with fresh_postgres_database() as url:
        target = ["--to-database", url, "--to-qdrant", "http://qdrant:6333"]
        done = runner.invoke(app, ["migrate-store", *target, "--qdrant-api-key", "k3y"])
        assert done.exit_code == 0, done.output
        assert "1 documents" in done.output and "✓ nothing lost" in done.output
        assert f"MNEMO_DATABASE_URL={url}" in done.output
        assert connections == [("http://qdrant:6333", "k3y")]
        assert (tmp_path / "qdrant-server" / "collection").is_dir()

        again = runner.invoke(app, ["migrate-store", *target])
        assert again.exit_code == 1 and "already has rows" in again.output

        monkeypatch.setenv("MNEMO_DATABASE_URL", url)
        monkeypatch.setenv("MNEMO_QDRANT_URL", "http://qdrant:6333")
        for old in (tmp_path / "data").glob("mnemo.sqlite3*"):
            old.unlink()  # the new home answers on its own
        shutil.rmtree(tmp_path / "data" / "vectors")
        found = runner.invoke(app, ["search", "where is the spare key", "-u", "3"])
        assert found.exit_code == 0 and "flowerpot" in found.output
