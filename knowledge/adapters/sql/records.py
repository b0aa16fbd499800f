"""SQLAlchemy 2 models of what mnemo keeps: users, documents, chunks, notes, chat turns."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.sql.expression import true as sa_true
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, kept in UTC: an aware time in another zone ("written at 09:00 in Madrid")
    is turned to UTC before it is written or compared, as SQLite keeps no zone and would
    otherwise take its wall clock for UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(16))
    answer_length: Mapped[str] = mapped_column(
        String(16), default="normal", server_default="normal"
    )
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the default from settings
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"; None: the default
    digest_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    weekly_digest: Mapped[str | None] = mapped_column(String(8))  # "6 20:00" (Sunday); None: off
    morning_brief: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"; None: off
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    """Anything remembered: an uploaded file or a note (kind "note")."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("user_id", "sha256", name="uq_documents_user_sha256"),
        # An index, not a constraint: SQLite adds it without rebuilding the table (which
        # would lose AUTOINCREMENT, so forgotten ids could come back).
        Index("uq_documents_user_source", "user_id", "source", unique=True),
        Index("ix_documents_user_created", "user_id", "created_at"),
        {"sqlite_autoincrement": True},  # an id, once forgotten, is never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    mime: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="ingesting")
    error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The item's one line in the day's digest, checked against its text; None: not made yet
    # (short notes need none: their own words are the line).
    summary: Mapped[str | None] = mapped_column(Text)
    # Where it came from, e.g. "tg:<chat>:<message>" (an edit of that message replaces it);
    # None for files given on the command line.
    source: Mapped[str | None] = mapped_column(String(128))
    # What its chunk texts and vectors take: counted against the quota with size_bytes.
    derived_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The days its words name were read (named_days holds them); False for items kept
    # before that was done, which are read at start-up.
    days_read: Mapped[bool] = mapped_column(default=True, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its owner marked it outdated (no longer the current value); None: it holds.
    outdated_at: Mapped[datetime | None]

    chunks: Mapped[list[ChunkRecord]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class NamedDayRecord(Base):
    """A day an item's words name ("dinner on Saturday at 19:00"), resolved when written."""

    __tablename__ = "named_days"
    __table_args__ = (Index("ix_named_days_user_day", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int | None]


class ChunkRecord(Base):
    __tablename__ = "chunks"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_chunks_doc_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    number: Mapped[int]
    page: Mapped[int | None]
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    point_id: Mapped[str] = mapped_column(String(36))

    document: Mapped[Document] = relationship(back_populates="chunks")


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatTurn(Base):
    __tablename__ = "chat_turns"
    __table_args__ = (Index("ix_chat_turns_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboxItem(Base):
    """An incoming chat update, kept until handled, so a restart finishes what a crash cut
    short and never handles an update twice."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reply_message_id: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The update's content hashed: a redelivery has the same, a reused id another.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Times its handling started; a restart after a crash counts one more, so an update
    # that kills the process is set aside (status "set_aside") instead of replayed forever.
    attempts: Mapped[int] = mapped_column(default=1, server_default="1")
    # Kept on purpose, waiting for the model server: a restart does not count an attempt.
    kept: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class DigestRecord(Base):
    """One user's digest of one local day, as generated; its sending is a delivery."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "local_date", name="uq_digests_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    items: Mapped[int] = mapped_column(default=0)
    last_item_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryRecord(Base):
    """A scheduled message (a digest, a reminder): its parts, how many went out, who is
    sending it now. services/sending/delivery.py holds the rule."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_open", "sent_at", "given_up", "created_at"),)

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    parts_sent: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    given_up: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderRecord(Base):
    """A reminder; its sending, occurrence by occurrence, is a delivery."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "status", "due_at"),
        Index("ix_reminders_user", "user_id", "status"),
        Index("uq_reminders_user_source", "user_id", "source", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    zone: Mapped[str] = mapped_column(String(64))
    every: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str | None] = mapped_column(String(128))  # an imported one's own key
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberRecord(Base):
    """Someone who may use the bot (services/upkeep/access.py): its owner, or a person invited.
    No foreign key to users: wiping a user's memory keeps their membership."""

    __tablename__ = "members"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))  # "owner" or "member"
    invited_by: Mapped[int | None] = mapped_column(BigInteger)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessCodeRecord(Base):
    """A one-time code that lets someone in: the claim code printed at start, or an
    invite. Only its SHA-256 is kept."""

    __tablename__ = "access_codes"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "claim" or "invite"
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]
