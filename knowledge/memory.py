"""What a user has stored: listing and forgetting documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import DocumentNotFound
from knowledge.files import FileStore
from knowledge.ports import VectorStore
from knowledge.records import ChunkRecord, Document


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    name: str
    kind: str
    pages: int | None
    chunks: int
    size_bytes: int
    status: str
    created_at: datetime


class Memory:
    def __init__(
        self, *, sessions: sessionmaker[Session], store: VectorStore, files: FileStore
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._files = files

    def documents(self, user_id: int) -> list[DocumentInfo]:
        chunk_counts = (
            select(ChunkRecord.document_id, func.count().label("n"))
            .where(ChunkRecord.user_id == user_id)
            .group_by(ChunkRecord.document_id)
            .subquery()
        )
        query = (
            select(Document, func.coalesce(chunk_counts.c.n, 0))
            .outerjoin(chunk_counts, chunk_counts.c.document_id == Document.id)
            .where(Document.user_id == user_id)
            .order_by(Document.id)
        )
        with self._sessions() as session:
            return [
                DocumentInfo(
                    doc.id,
                    doc.name,
                    doc.kind,
                    doc.pages,
                    n,
                    doc.size_bytes,
                    doc.status,
                    doc.created_at,
                )
                for doc, n in session.execute(query)
            ]

    def forget(self, user_id: int, doc_id: int) -> str:
        """Delete one document everywhere; only its owner can name it."""
        with self._sessions.begin() as session:
            doc = session.scalar(
                select(Document).where(Document.id == doc_id, Document.user_id == user_id)
            )
            if doc is None:
                raise DocumentNotFound(f"no document {doc_id} in your memory")
            self._store.delete_document(user_id, doc_id)
            name, sha256, kind = doc.name, doc.sha256, doc.kind
            session.delete(doc)
        if kind != "note":
            self._files.delete(user_id, sha256)
        return name
