"""The repositories and unit of work of knowledge.domain.repositories over SQLAlchemy.

Rows are read and written here only; what leaves is a domain type.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.adapters.sql.records import (
    ChatTurn,
    ChunkRecord,
    DigestRecord,
    Document,
    InboxItem,
    Note,
    User,
    utcnow,
)
from knowledge.domain.model import (
    LABEL_ASKED_IN,
    Chunk,
    Extracted,
    NoteEntry,
    StoredChunk,
    StoredDocument,
    UserSettings,
)
from knowledge.domain.repositories import AlreadyRecorded, InboxEntry

PENDING = "pending"
DONE = "done"
READY = "ready"


class _Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _ensure_user(self, user_id: int) -> None:
        if self._session.get(User, user_id) is None:
            self._session.add(User(id=user_id))
            self._session.flush()

    def _count(self, query: Any) -> int:
        return int(self._session.scalar(query) or 0)


class SqlUsers(_Repository):
    def get(self, user_id: int) -> UserSettings | None:
        row = self._session.get(User, user_id)
        return _user(row) if row else None

    def all(self) -> list[UserSettings]:
        return [_user(row) for row in self._session.scalars(select(User).order_by(User.id))]

    def ensure(self, user_id: int) -> None:
        self._ensure_user(user_id)

    def update(self, user_id: int, **fields: object) -> None:
        row = self._session.get(User, user_id) or User(id=user_id)
        for name, value in fields.items():
            if name not in _USER_FIELDS:
                raise AttributeError(f"users have no setting {name!r}")
            setattr(row, name, value)
        self._session.add(row)

    def count(self) -> int:
        return self._count(select(func.count()).select_from(User))

    def wipe(self, user_id: int) -> None:
        for model, column in (
            (InboxItem, InboxItem.user_id),
            (ChatTurn, ChatTurn.user_id),
            (DigestRecord, DigestRecord.user_id),
            (Note, Note.user_id),
            (ChunkRecord, ChunkRecord.user_id),
            (Document, Document.user_id),
            (User, User.id),
        ):
            self._session.execute(delete(model).where(column == user_id))


_USER_FIELDS = {"language", "answer_length", "timezone", "digest_time", "digest_enabled"}


class SqlDocuments(_Repository):
    def add(
        self,
        user_id: int,
        *,
        sha256: str,
        name: str,
        size_bytes: int,
        extracted: Extracted,
        created_at: datetime | None = None,
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
            created_at=created_at or utcnow(),
        )
        self._session.add(row)
        self._session.flush()
        return _document(row)

    def get(self, user_id: int, doc_id: int) -> StoredDocument | None:
        row = self._session.scalar(
            select(Document).where(Document.id == doc_id, Document.user_id == user_id)
        )
        return _document(row) if row else None

    def with_content(self, user_id: int, sha256: str) -> StoredDocument | None:
        row = self._session.scalar(
            select(Document).where(Document.user_id == user_id, Document.sha256 == sha256)
        )
        return _document(row) if row else None

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

    def photo_awaiting_label(self, user_id: int, message_id: int) -> StoredDocument | None:
        rows = self._session.scalars(
            select(Document)
            .where(Document.user_id == user_id, Document.kind == "image")
            .order_by(Document.id.desc())
        )
        for row in rows:
            if (row.meta or {}).get(LABEL_ASKED_IN) == message_id:
                return _document(row)
        return None

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
        return [(_document(row), int(n)) for row, n in self._session.execute(query)]

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
        return [_document(row) for row in rows]

    def unfinished(self) -> list[StoredDocument]:
        rows = self._session.scalars(select(Document).where(Document.status != READY))
        return [_document(row) for row in rows]

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

    def used_bytes(self, user_id: int) -> int:
        return self._count(
            select(func.coalesce(func.sum(Document.size_bytes), 0)).where(
                Document.user_id == user_id
            )
        )

    def count(self, user_id: int | None = None) -> int:
        query = select(func.count()).select_from(Document)
        if user_id is not None:
            query = query.where(Document.user_id == user_id)
        return self._count(query)


class SqlChunks(_Repository):
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


class SqlNotes(_Repository):
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


class SqlTurns(_Repository):
    def add(
        self, user_id: int, role: str, content: str, sources: list[dict[str, Any]] | None = None
    ) -> None:
        self._ensure_user(user_id)
        self._session.add(
            ChatTurn(user_id=user_id, role=role, content=content, sources=sources or [])
        )

    def last(self, user_id: int, limit: int) -> list[tuple[str, str]]:
        turns = self._session.scalars(
            select(ChatTurn)
            .where(ChatTurn.user_id == user_id)
            .order_by(ChatTurn.id.desc())
            .limit(limit)
        ).all()
        return [(turn.role, turn.content) for turn in reversed(turns)]


class SqlInbox(_Repository):
    def add(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        self._session.add(
            InboxItem(
                update_id=update_id, user_id=user_id, payload=payload, fingerprint=fingerprint
            )
        )
        try:
            self._session.flush()
        except IntegrityError as exc:
            raise AlreadyRecorded(update_id) from exc

    def seen(self, update_id: int) -> InboxEntry | None:
        item = self._session.get(InboxItem, update_id)
        if item is None:
            return None
        return InboxEntry(item.update_id, item.status == DONE, item.fingerprint or "")

    def renew(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        item = self._session.get(InboxItem, update_id)
        assert item is not None
        item.user_id, item.payload, item.fingerprint = user_id, payload, fingerprint
        item.status, item.reply_message_id, item.received_at = PENDING, None, utcnow()

    def prune(self, before: datetime) -> int:
        pruned = self._session.execute(
            delete(InboxItem).where(InboxItem.status == DONE, InboxItem.received_at < before)
        )
        return cast(CursorResult[Any], pruned).rowcount

    def done(self, update_id: int) -> None:
        item = self._session.get(InboxItem, update_id)
        if item is not None:
            item.status = DONE
            item.payload = {}

    def set_reply(self, update_id: int, message_id: int) -> None:
        item = self._session.get(InboxItem, update_id)
        if item is not None:
            item.reply_message_id = message_id

    def reply_of(self, update_id: int) -> int | None:
        item = self._session.get(InboxItem, update_id)
        return item.reply_message_id if item else None

    def pending(self) -> list[dict[str, Any]]:
        items = self._session.scalars(
            select(InboxItem).where(InboxItem.status == PENDING).order_by(InboxItem.update_id)
        )
        return [item.payload for item in items]


class SqlDigests(_Repository):
    def ensure(self, user_id: int, day: date) -> None:
        self._row(user_id, day)

    def keep(self, user_id: int, day: date, text: str, items: int, last_item_id: int) -> None:
        row = self._row(user_id, day)
        row.text, row.items, row.last_item_id = text, items, last_item_id

    def claim(self, user_id: int, day: date) -> bool:
        # One conditional UPDATE, so two processes (or a replay racing the job) cannot both
        # claim the same day, on SQLite or PostgreSQL.
        claimed = self._session.execute(
            update(DigestRecord)
            .where(
                DigestRecord.user_id == user_id,
                DigestRecord.local_date == day,
                DigestRecord.sent_at.is_(None),
            )
            .values(sent_at=utcnow())
        )
        return cast(CursorResult[Any], claimed).rowcount == 1

    def _row(self, user_id: int, day: date) -> DigestRecord:
        row = self._session.scalar(
            select(DigestRecord).where(
                DigestRecord.user_id == user_id, DigestRecord.local_date == day
            )
        )
        if row is None:
            self._ensure_user(user_id)
            row = DigestRecord(user_id=user_id, local_date=day)
            self._session.add(row)
            self._session.flush()
        return row


class SqlUnitOfWork:
    """The repositories over one session: one transaction."""

    def __init__(self, session: Session) -> None:
        self.users = SqlUsers(session)
        self.documents = SqlDocuments(session)
        self.chunks = SqlChunks(session)
        self.notes = SqlNotes(session)
        self.turns = SqlTurns(session)
        self.inbox = SqlInbox(session)
        self.digests = SqlDigests(session)


class SqlStorage:
    """A `Storage` over a SQLAlchemy session factory (SQLite or PostgreSQL)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextmanager
    def begin(self) -> Iterator[SqlUnitOfWork]:
        with self._sessions.begin() as session:
            yield SqlUnitOfWork(session)

    @contextmanager
    def read(self) -> Iterator[SqlUnitOfWork]:
        with self._sessions() as session:
            yield SqlUnitOfWork(session)


def _user(row: User) -> UserSettings:
    return UserSettings(
        user_id=row.id,
        language=row.language,
        answer_length=row.answer_length or "normal",
        timezone=row.timezone,
        digest_time=row.digest_time,
        digest_enabled=bool(row.digest_enabled),
    )


def _document(row: Document) -> StoredDocument:
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
    )
