"""The doctor finds what a crash can leave behind, repairs it, and says what it did."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, select, update

from knowledge.adapters.files import FileStore
from knowledge.adapters.sql.records import ChunkRecord, Document
from knowledge.bootstrap import Services
from tests.samples import Sample

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL


def _sql(services: Services):
    return create_engine(services.settings.sql_url)


def _ready(services: Services, user_id: int) -> dict[int, tuple[str, str, int]]:
    """{doc_id: (kind, sha256, chunks)} of the ready documents, read straight from SQL."""
    query = (
        select(Document.id, Document.kind, Document.sha256, func.count(ChunkRecord.id))
        .outerjoin(ChunkRecord, ChunkRecord.document_id == Document.id)
        .where(Document.user_id == user_id, Document.status == "ready")
        .group_by(Document.id)
    )
    with _sql(services).connect() as connection:
        return {doc_id: (kind, sha, n) for doc_id, kind, sha, n in connection.execute(query)}


def _kept_files(services: Services, user_id: int) -> set[str]:
    folder = services.settings.files_dir / str(user_id)
    return {path.name for path in folder.rglob("*") if path.is_file()}


def test_doctor_reports_then_repairs_each_kind_of_damage(
    services: Services, samples: list[Sample]
) -> None:
    by_suffix = {sample.path.suffix: sample for sample in samples}
    ingest = services.keeping.ingestor
    healthy = ingest.ingest_file(1, by_suffix[".docx"].path).doc_id
    unfinished = ingest.ingest_file(1, by_suffix[".pdf"].path).doc_id
    half_forgotten = ingest.add_note(1, "The old wifi password was tulip-42.").doc_id
    lost_vectors = ingest.add_note(1, "The bike lock code is 5150.").doc_id
    lost_file = ingest.ingest_file(1, by_suffix[".md"].path).doc_id
    with _sql(services).begin() as connection:
        # killed mid-read: the row says ingesting and the chunk rows were never committed
        connection.execute(
            update(Document).where(Document.id == unfinished).values(status="ingesting")
        )
        connection.execute(delete(ChunkRecord).where(ChunkRecord.document_id == unfinished))
        # killed mid-forget, after the rows went
        connection.execute(delete(Document).where(Document.id == half_forgotten))
    services.store.delete_document(1, lost_vectors)  # a store rolled back
    files = FileStore(services.settings.files_dir)
    stray = files.path(1, hashlib.sha256(b"stray").hexdigest())
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"stray")
    (stray.parent / ".incoming-abc123").write_bytes(b"half a copy")
    lost_sha = _ready(services, 1)[lost_file][1]
    files.path(1, lost_sha).unlink()

    # Before any repair, search already hides what no ready document owns.
    hits = services.retriever.search(1, "old wifi password tulip", k=5)
    assert all(hit.doc_id != half_forgotten for hit in hits)

    report = services.doctor.examine(repair=False)
    problems = "\n".join(f.problem for f in report)
    assert f"document {unfinished} of user 1 was left unfinished" in problems
    assert f"belong to no document ({half_forgotten})" in problems
    assert f"document {lost_vectors} of user 1 has 0 vectors for 1 chunks" in problems
    assert "a file no document names" in problems and "a leftover temp file" in problems
    assert f"the original file {lost_sha[:12]}… of user 1 is missing" in problems
    assert all(f.action.startswith("would") for f in report if f.action)
    assert services.store.documents(1).get(half_forgotten)  # a dry run changes nothing
    assert stray.is_file()

    repaired = services.doctor.examine(repair=True)
    assert [f.problem for f in repaired] == [f.problem for f in report]
    ready = _ready(services, 1)
    assert set(ready) == {healthy, lost_vectors, lost_file}
    assert services.store.documents(1) == {
        doc_id: chunks for doc_id, (_, _, chunks) in ready.items()
    }
    originals = {sha for kind, sha, _ in ready.values() if kind != "note"}
    assert _kept_files(services, 1) == originals - {lost_sha}
    hits = services.retriever.search(1, "bike lock code", k=1)
    assert hits and hits[0].doc_id == lost_vectors

    again = services.doctor.examine(repair=True)
    assert [f.problem for f in again] == [
        f"the original file {lost_sha[:12]}… of user 1 is missing"
    ]
    assert again[0].action == ""


def test_a_healthy_memory_has_no_findings(services: Services, samples: list[Sample]) -> None:
    for sample in samples[:3]:
        services.keeping.ingestor.ingest_file(2, sample.path)
    services.keeping.ingestor.add_note(3, "Nothing to see here.")
    services.memory.forget(2, services.memory.documents(2)[0].id)
    assert services.doctor.examine(repair=False) == []


def test_forget_removes_rows_before_vectors(services: Services, tmp_path: Path) -> None:
    """If the vectors cannot be deleted (a crash, here a failing store), the document is
    already gone from SQL: it never comes back, and its leftovers are found later."""
    doc = services.keeping.ingestor.add_note(
        4, "Delete me: the safe combination is 12-34-56."
    ).doc_id

    class Broken(Exception):
        pass

    def fail(user_id: int, doc_id: int) -> None:
        raise Broken

    original = services.store.delete_document
    services.store.delete_document = fail  # type: ignore[method-assign]
    try:
        with pytest.raises(Broken):
            services.memory.forget(4, doc)
    finally:
        services.store.delete_document = original  # type: ignore[method-assign]
    assert services.memory.documents(4) == []
    assert services.retriever.search(4, "safe combination", k=3) == []
    found = services.doctor.examine(repair=True)
    assert [f.problem for f in found] == [f"1 vectors of user 4 belong to no document ({doc})"]
    assert services.store.documents(4) == {}
