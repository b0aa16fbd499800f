"""Ingestion end to end through the real stack (real embedder, Qdrant Edge, SQLite, disk)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, update

from knowledge.adapters.embedding import FastEmbedEmbedder
from knowledge.adapters.sql.records import ChunkRecord, Document, Note
from knowledge.bootstrap import Services
from knowledge.domain.errors import (
    CorruptFile,
    DocumentNotFound,
    EmptyFile,
    FileTooLarge,
    QuotaExceeded,
)
from knowledge.domain.ports import Embedder
from knowledge.settings import Settings
from tests.core import started
from tests.fakes import ScriptedGenerator
from tests.samples import Sample

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL
REAL_ENGINES = True  # the real small embedder, BM25, Qdrant Edge and tesseract


def _sql_count(services: Services, model: type, **where: object) -> int:
    engine = create_engine(services.settings.sql_url)
    query = select(func.count()).select_from(model).filter_by(**where)
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def test_every_type_is_ingested_and_searchable(services: Services, samples: list[Sample]) -> None:
    for sample in samples:
        result = services.keeping.ingestor.ingest_file(42, sample.path)
        assert result.chunks >= 1 and not result.duplicate
        hits = services.retriever.search(42, sample.question, k=3)
        assert any(sample.answer in hit.text for hit in hits), sample.path.name
    kinds = {d.kind for d in services.memory.documents(42)}
    assert kinds == {"pdf", "docx", "epub", "html", "markdown", "text", "image"}


def test_pdf_hit_cites_its_page(services: Services, samples: list[Sample]) -> None:
    pdf = next(s for s in samples if s.page)
    services.keeping.ingestor.ingest_file(42, pdf.path)
    top = services.retriever.search(42, pdf.question, k=1)[0]
    assert top.page == pdf.page
    assert top.label() == f"manual.pdf p.{pdf.page}"


def test_original_is_kept_content_addressed_and_not_twice(
    services: Services, samples: list[Sample], tmp_path: Path
) -> None:
    sample = samples[0]
    first = services.keeping.ingestor.ingest_file(42, sample.path)
    renamed = tmp_path / "copy-with-another-name.pdf"
    shutil.copy(sample.path, renamed)
    again = services.keeping.ingestor.ingest_file(42, renamed)
    assert again.duplicate and again.doc_id == first.doc_id
    kept = list((services.settings.files_dir / "42").rglob("*"))
    files = [p for p in kept if p.is_file()]
    assert len(files) == 1 and files[0].read_bytes() == sample.path.read_bytes()
    assert len(services.memory.documents(42)) == 1


def test_same_file_for_two_users_is_two_memories(services: Services, samples: list[Sample]) -> None:
    a = services.keeping.ingestor.ingest_file(1, samples[0].path)
    b = services.keeping.ingestor.ingest_file(2, samples[0].path)
    assert a.doc_id != b.doc_id and not b.duplicate
    services.memory.forget(1, a.doc_id)
    assert services.retriever.search(2, samples[0].question, k=1)
    assert services.retriever.search(1, samples[0].question, k=1) == []


def test_bad_files_leave_existing_memory_untouched(
    services: Services, samples: list[Sample], tmp_path: Path
) -> None:
    good = services.keeping.ingestor.ingest_file(42, samples[0].path)
    before = (services.store.count(42), _sql_count(services, ChunkRecord))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(samples[0].path.read_bytes()[:700])
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for bad, error in ((broken, (CorruptFile, EmptyFile)), (empty, EmptyFile)):
        with pytest.raises(error):
            services.keeping.ingestor.ingest_file(42, bad)
    assert (services.store.count(42), _sql_count(services, ChunkRecord)) == before
    assert [d.id for d in services.memory.documents(42)] == [good.doc_id]
    assert services.retriever.search(42, samples[0].question, k=1)[0].page == 5


def test_file_over_the_limit_is_refused(services: Services, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * ((services.settings.max_file_mb << 20) + 1))
    with pytest.raises(FileTooLarge):
        services.keeping.ingestor.ingest_file(42, big)
    assert services.memory.documents(42) == []


def test_storage_quota_is_per_user(
    settings: Settings, embedder: FastEmbedEmbedder, samples: list[Sample]
) -> None:
    """The quota counts what one user keeps; another user is not affected by it."""
    pdf = next(s for s in samples if s.path.suffix == ".pdf").path
    quota = settings.model_copy(update={"quota_mb": 1})
    services = started(quota, embedder=embedder, generator=ScriptedGenerator())
    try:
        filler = _big_docx(pdf.parent / "filler.docx", megabytes=1.005)
        room = (1 << 20) - filler.stat().st_size
        assert 0 < room < pdf.stat().st_size  # the filler fits; the PDF would not, after it
        services.keeping.ingestor.ingest_file(42, filler)
        with pytest.raises(QuotaExceeded, match=r"over your 1\.0 MB quota"):
            services.keeping.ingestor.ingest_file(42, pdf)
        with pytest.raises(QuotaExceeded):
            services.keeping.ingestor.add_note(42, "A long note. " * 1000)
        assert [d.name for d in services.memory.documents(42)] == ["filler.docx"]
        assert services.keeping.ingestor.ingest_file(43, pdf).chunks > 0
        services.memory.forget(42, services.memory.documents(42)[0].id)
        assert services.keeping.ingestor.ingest_file(42, pdf).chunks > 0  # room again
    finally:
        services.close()


def _big_docx(path: Path, megabytes: float) -> Path:
    """A one-line Word document made large by a picture of noise (cheap to read)."""
    import random

    import docx
    from PIL import Image

    side = int((megabytes * 1e6 / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3))
    picture = path.with_suffix(".png")
    noise.save(picture)
    document = docx.Document()
    document.add_paragraph("A photo of static, kept for the record.")
    document.add_picture(str(picture))
    document.save(str(path))
    return path


def test_failure_while_indexing_removes_partial_document(
    services: Services, samples: list[Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_upsert(user_id: int, chunks: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.store, "upsert", broken_upsert)
    with pytest.raises(RuntimeError):
        services.keeping.ingestor.ingest_file(42, samples[0].path)
    monkeypatch.undo()
    assert services.memory.documents(42) == []
    assert _sql_count(services, ChunkRecord) == 0
    assert not any(p.is_file() for p in services.settings.files_dir.rglob("*"))
    assert services.keeping.ingestor.ingest_file(42, samples[0].path).chunks > 0


def test_unfinished_document_is_redone_not_reported_duplicate(
    services: Services, samples: list[Sample]
) -> None:
    first = services.keeping.ingestor.ingest_file(42, samples[0].path)
    engine = create_engine(services.settings.sql_url)
    with engine.begin() as connection:
        connection.execute(update(Document).values(status="ingesting"))
    again = services.keeping.ingestor.ingest_file(42, samples[0].path)
    assert not again.duplicate and again.doc_id != first.doc_id
    assert services.store.count(42) == again.chunks
    assert services.store.count(42, first.doc_id) == 0


def test_notes_are_memory_too(services: Services) -> None:
    note = services.keeping.ingestor.add_note(5, "The spare key is under the blue flower pot.")
    hits = services.retriever.search(5, "where is the spare key", k=1)
    assert hits[0].doc_id == note.doc_id and hits[0].source_kind == "note"
    again = services.keeping.ingestor.add_note(5, "The spare key is under the blue flower pot.")
    assert not again.duplicate  # the same words written again are another item
    assert _sql_count(services, Note, user_id=5) == 2
    with pytest.raises(EmptyFile):
        services.keeping.ingestor.add_note(5, "   ")


def test_forget_removes_rows_vectors_and_file(services: Services, samples: list[Sample]) -> None:
    kept = services.keeping.ingestor.ingest_file(42, samples[1].path)
    gone = services.keeping.ingestor.ingest_file(42, samples[0].path)
    assert services.memory.forget(42, gone.doc_id) == "manual.pdf"
    assert services.store.count(42, gone.doc_id) == 0
    assert _sql_count(services, ChunkRecord, document_id=gone.doc_id) == 0
    assert [d.id for d in services.memory.documents(42)] == [kept.doc_id]
    files = [p for p in services.settings.files_dir.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [samples[1].path.read_bytes()]


def test_nobody_can_forget_another_users_document(
    services: Services, samples: list[Sample]
) -> None:
    doc = services.keeping.ingestor.ingest_file(1, samples[0].path)
    with pytest.raises(DocumentNotFound):
        services.memory.forget(2, doc.doc_id)
    assert services.store.count(1, doc.doc_id) == doc.chunks


def test_chunks_fit_the_embedder(services: Services, samples: list[Sample]) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    engine = create_engine(services.settings.sql_url)
    with engine.connect() as connection:
        texts = connection.scalars(select(ChunkRecord.text)).all()
    assert texts
    limit = services.embedder.max_tokens
    assert all(services.embedder.count_tokens(t) <= limit for t in texts)


def test_a_new_embedder_rebuilds_memory_from_the_kept_chunks(
    services: Services, multilingual_embedder: Embedder
) -> None:
    services.keeping.ingestor.add_note(7, "The spare key is under the blue flowerpot.")
    services.keeping.ingestor.add_note(8, "Grandma's birthday is on the ninth of March.")
    settings = services.settings
    services.close()

    rebuilt = started(settings, embedder=multilingual_embedder, generator=ScriptedGenerator())
    try:
        assert rebuilt.store.count(7) == 1 and rebuilt.store.count(8) == 1
        hits = rebuilt.retriever.search(7, "¿Dónde está la llave de repuesto?", k=1)
        assert hits and "flowerpot" in hits[0].text
        # The old space is gone: it would still hold whatever is forgotten from now on.
        kept = {p.name for p in settings.vectors_dir.iterdir()}
        assert kept == {"use-multilingual-v2", "use-multilingual-v2.lock"}
        # Nothing is re-embedded twice: a second start finds the space complete.
        assert rebuilt.indexer.reindex_missing() == 0
    finally:
        rebuilt.close()
