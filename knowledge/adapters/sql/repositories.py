"""The repositories and unit of work of knowledge.domain.repositories over SQLAlchemy.

Rows are read and written in this package only; what leaves is a domain type. Documents,
chunks and notes are in documents.py; the inbox, digests and deliveries in deliveries.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.adapters.sql.base import Repository
from knowledge.adapters.sql.deliveries import SqlDeliveries, SqlDigests, SqlInbox
from knowledge.adapters.sql.documents import SqlChunks, SqlDocuments, SqlNotes
from knowledge.adapters.sql.members import SqlMembers
from knowledge.adapters.sql.named_days import SqlNamedDays
from knowledge.adapters.sql.records import (
    ChatTurn,
    ChunkRecord,
    DeliveryRecord,
    DigestRecord,
    Document,
    InboxItem,
    NamedDayRecord,
    Note,
    ReminderRecord,
    User,
)
from knowledge.adapters.sql.reminders import SqlReminders
from knowledge.domain.model import UserSettings


class SqlUsers(Repository):
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
            (DeliveryRecord, DeliveryRecord.user_id),
            (ReminderRecord, ReminderRecord.user_id),
            (Note, Note.user_id),
            (NamedDayRecord, NamedDayRecord.user_id),
            (ChunkRecord, ChunkRecord.user_id),
            (Document, Document.user_id),
            (User, User.id),
        ):
            self._session.execute(delete(model).where(column == user_id))


_USER_FIELDS = {
    "language",
    "answer_length",
    "timezone",
    "digest_time",
    "digest_enabled",
    "weekly_digest",
    "morning_brief",
}


class SqlTurns(Repository):
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


class SqlUnitOfWork:
    """The repositories over one session: one transaction."""

    def __init__(self, session: Session) -> None:
        self.users = SqlUsers(session)
        self.documents = SqlDocuments(session)
        self.chunks = SqlChunks(session)
        self.notes = SqlNotes(session)
        self.named_days = SqlNamedDays(session)
        self.turns = SqlTurns(session)
        self.inbox = SqlInbox(session)
        self.digests = SqlDigests(session)
        self.deliveries = SqlDeliveries(session)
        self.reminders = SqlReminders(session)
        self.members = SqlMembers(session)


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
        weekly_digest=row.weekly_digest,
        morning_brief=row.morning_brief,
    )
