"""Documents, their chunks and notes, over SQLAlchemy; what leaves is a domain type."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from knowledge.adapters.sql.base import READY, Repository
from knowledge.adapters.sql.records import ChunkRecord, Document, Note, utcnow
from knowledge.domain.model import (
    Chunk,
    Extracted,
    NoteEntry,
    StoredChunk,
    StoredDocument,
)
from knowledge.domain.repositories import NewDocument


class SqlDocuments(Repository):
    def add(
        self,
        user_id: int,
        *,
        sha256: str,
        name: str,
        size_bytes: int,
        extracted: Extracted,
        created_at: datetime | None = None,
        source: str | None = None,
    ) -> StoredDocument:
        self._ensure_user(user_id)
        row = Document(
            user_id=user_id,
            sha256=sha256,
            name=name,
            kind=extracted.kind,
            mime=extracted.mime,
            size_bytes=size_bytes,
            pages=extracted.pages,
            title=(extracted.title or "")[:500] or None,
            meta=extracted.meta,
            status="ingesting",
            source=source,
            created_at=created_at or utcnow(),
        )
        self._session.add(row)
        self._session.flush()
        return document_of(row)

    def add_many(self, user_id: int, new: Sequence[NewDocument]) -> list[StoredDocument]:
        self._ensure_user(user_id)
        rows = [
            Document(
                user_id=user_id,
                sha256=item.sha256,
                name=item.name,
                kind=item.extracted.kind,
                mime=item.extracted.mime,
                size_bytes=item.size_bytes,
                pages=item.extracted.pages,
                title=(item.extracted.title or "")[:500] or None,
                meta=item.extracted.meta,
                status="ingesting",
                source=item.source,
                created_at=item.created_at or utcnow(),
                days_read=item.days_read,
            )
            for item in new
        ]
        self._session.add_all(rows)
        self._session.flush()  # one batch of INSERT ... RETURNING for the ids
        return [document_of(row) for row in rows]

    def mark_ready_many(self, derived_bytes: dict[int, int]) -> None:
        if not derived_bytes:
            return
        self._session.execute(
            update(Document),
            [
                {"id": doc_id, "derived_bytes": size, "status": READY}
                for doc_id, size in derived_bytes.items()
            ],
        )

    def get(self, user_id: int, doc_id: int) -> StoredDocument | None:
        row = self._session.scalar(
            select(Document).where(Document.id == doc_id, Document.user_id == user_id)
        )
        return document_of(row) if row else None

    def by_id(self, doc_id: int) -> StoredDocument | None:
        row = self._session.get(Document, doc_id)
        return document_of(row) if row else None

    def with_content(self, user_id: int, sha256: str) -> StoredDocument | None:
        row = self._session.scalar(
            select(Document).where(Document.user_id == user_id, Document.sha256 == sha256)
        )
        return document_of(row) if row else None

    def from_source(self, user_id: int, source: str) -> StoredDocument | None:
        row = self._session.scalar(
            select(Document).where(Document.user_id == user_id, Document.source == source)
        )
        return document_of(row) if row else None

    def sources_among(self, user_id: int, sources: Sequence[str]) -> dict[str, StoredDocument]:
        if not sources:
            return {}
        rows = self._session.scalars(
            select(Document).where(Document.user_id == user_id, Document.source.in_(sources))
        )
        return {row.source: document_of(row) for row in rows if row.source is not None}

    def set_source(self, user_id: int, doc_id: int, source: str | None) -> None:
        self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(source=source)
        )

    def set_content(
        self, user_id: int, doc_id: int, *, sha256: str, name: str, size_bytes: int
    ) -> None:
        self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(sha256=sha256, name=name, size_bytes=size_bytes)
        )

    def set_derived_bytes(self, doc_id: int, derived_bytes: int) -> None:
        self._session.execute(
            update(Document).where(Document.id == doc_id).values(derived_bytes=derived_bytes)
        )

    def mark_ready(self, doc_id: int) -> None:
        self._session.execute(update(Document).where(Document.id == doc_id).values(status=READY))

    def remove(self, doc_id: int) -> None:
        row = self._session.get(Document, doc_id)
        if row is not None:
            self._session.delete(row)  # chunks and the note go with it (cascade)

    def set_meta(self, user_id: int, doc_id: int, meta: dict[str, Any]) -> None:
        self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(meta=meta)
        )

    def set_summary(self, user_id: int, doc_id: int, summary: str | None) -> None:
        self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(summary=summary)
        )

    def of_user(self, user_id: int) -> list[tuple[StoredDocument, int]]:
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
        return [(document_of(row), int(n)) for row, n in self._session.execute(query)]

    def ready_among(self, user_id: int, doc_ids: set[int]) -> set[int]:
        return set(
            self._session.scalars(
                select(Document.id).where(
                    Document.user_id == user_id,
                    Document.status == READY,
                    Document.id.in_(doc_ids),
                )
            )
        )

    def set_outdated(self, user_id: int, doc_id: int, at: datetime | None) -> bool:
        changed = self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(outdated_at=at)
        )
        return cast(CursorResult[Any], changed).rowcount == 1

    def outdated_among(self, user_id: int, doc_ids: set[int]) -> dict[int, datetime]:
        if not doc_ids:
            return {}
        rows = self._session.execute(
            select(Document.id, Document.outdated_at).where(
                Document.user_id == user_id,
                Document.id.in_(doc_ids),
                Document.outdated_at.is_not(None),
            )
        )
        return {int(doc_id): at for doc_id, at in rows if at is not None}

    def ready_ids(self, user_id: int) -> list[int]:
        query = select(Document.id).where(Document.user_id == user_id, Document.status == READY)
        return list(self._session.scalars(query.order_by(Document.id)))

    def ready_between(self, user_id: int, start: datetime, end: datetime) -> list[StoredDocument]:
        rows = self._session.scalars(
            select(Document)
            .where(
                Document.user_id == user_id,
                Document.status == READY,
                Document.created_at >= start,
                Document.created_at < end,
            )
            .order_by(Document.created_at, Document.id)
        )
        return [document_of(row) for row in rows]

    def unfinished(self) -> list[StoredDocument]:
        rows = self._session.scalars(select(Document).where(Document.status != READY))
        return [document_of(row) for row in rows]

    def ready_chunk_counts(self) -> list[tuple[int, int, int]]:
        rows = self._session.execute(
            select(Document.user_id, Document.id, func.count(ChunkRecord.id))
            .outerjoin(ChunkRecord, ChunkRecord.document_id == Document.id)
            .where(Document.status == READY)
            .group_by(Document.user_id, Document.id)
        )
        return [(int(user_id), int(doc_id), int(n)) for user_id, doc_id, n in rows]

    def ready_originals(self) -> set[tuple[int, str]]:
        rows = self._session.execute(
            select(Document.user_id, Document.sha256).where(
                Document.kind != "note", Document.status == READY
            )
        )
        return {(int(user_id), str(sha256)) for user_id, sha256 in rows}

    def used_bytes(self, user_id: int | None) -> int:
        query = select(func.coalesce(func.sum(Document.size_bytes + Document.derived_bytes), 0))
        if user_id is not None:
            query = query.where(Document.user_id == user_id)
        return self._count(query)

    def count(self, user_id: int | None = None) -> int:
        query = select(func.count()).select_from(Document)
        if user_id is not None:
            query = query.where(Document.user_id == user_id)
        return self._count(query)


class SqlChunks(Repository):
    def add(self, doc_id: int, chunks: Sequence[StoredChunk]) -> None:
        self._session.add_all(
            ChunkRecord(
                document_id=doc_id,
                user_id=item.user_id,
                number=item.chunk.number,
                page=item.chunk.page,
                heading=item.chunk.heading,
                text=item.chunk.text,
                point_id=item.point_id,
            )
            for item in chunks
        )

    def of_document(self, doc_id: int) -> list[Chunk]:
        rows = self._session.scalars(
            select(ChunkRecord)
            .where(ChunkRecord.document_id == doc_id)
            .order_by(ChunkRecord.number)
        )
        return [Chunk(row.number, row.text, row.page, row.heading) for row in rows]

    def remove(self, doc_id: int) -> None:
        self._session.execute(delete(ChunkRecord).where(ChunkRecord.document_id == doc_id))

    def count(self, user_id: int | None = None, doc_id: int | None = None) -> int:
        query = select(func.count()).select_from(ChunkRecord)
        if user_id is not None:
            query = query.where(ChunkRecord.user_id == user_id)
        if doc_id is not None:
            query = query.where(ChunkRecord.document_id == doc_id)
        return self._count(query)

    def users(self) -> list[int]:
        return list(self._session.scalars(select(ChunkRecord.user_id).distinct()))


class SqlNotes(Repository):
    def add(
        self, doc_id: int, user_id: int, text: str, origin: str | None, created_at: datetime
    ) -> None:
        self._session.add(
            Note(
                document_id=doc_id,
                user_id=user_id,
                text=text,
                origin=origin,
                created_at=created_at,
            )
        )

    def text_of(self, doc_id: int) -> str:
        return self._session.scalar(select(Note.text).where(Note.document_id == doc_id)) or ""

    def set_text(self, doc_id: int, text: str) -> None:
        self._session.execute(update(Note).where(Note.document_id == doc_id).values(text=text))

    def of_user(self, user_id: int) -> list[NoteEntry]:
        rows = self._session.scalars(select(Note).where(Note.user_id == user_id).order_by(Note.id))
        return [
            NoteEntry(row.id, row.document_id, row.text, row.origin, row.created_at) for row in rows
        ]

    def count(self, user_id: int | None = None) -> int:
        query = select(func.count()).select_from(Note)
        if user_id is not None:
            query = query.where(Note.user_id == user_id)
        return self._count(query)


def document_of(row: Document) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        user_id=row.user_id,
        sha256=row.sha256,
        name=row.name,
        kind=row.kind,
        mime=row.mime,
        size_bytes=row.size_bytes,
        pages=row.pages,
        title=row.title,
        status=row.status,
        meta=dict(row.meta or {}),
        summary=row.summary,
        created_at=row.created_at,
        outdated_at=row.outdated_at,
    )
