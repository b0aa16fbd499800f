"""Reminders over SQLAlchemy: one query finds everyone's due ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from knowledge.adapters.sql.base import Repository
from knowledge.adapters.sql.records import ReminderRecord
from knowledge.domain.model import Reminder

SCHEDULED = "scheduled"
_FIELDS = {"due_at", "every", "status", "text"}


class SqlReminders(Repository):
    def add(
        self,
        user_id: int,
        text: str,
        due_at: datetime | None,
        *,
        zone: str,
        every: str | None = None,
        status: str = SCHEDULED,
        document_id: int | None = None,
        source: str | None = None,
    ) -> Reminder:
        self._ensure_user(user_id)
        row = ReminderRecord(
            user_id=user_id,
            text=text,
            due_at=due_at,
            zone=zone,
            every=every,
            status=status,
            document_id=document_id,
            source=source,
        )
        self._session.add(row)
        self._session.flush()
        return _reminder(row)

    def get(self, user_id: int, reminder_id: int) -> Reminder | None:
        row = self._row(user_id, reminder_id)
        return _reminder(row) if row is not None else None

    def change(self, user_id: int, reminder_id: int, **fields: object) -> Reminder | None:
        row = self._row(user_id, reminder_id)
        if row is None:
            return None
        for name, value in fields.items():
            if name not in _FIELDS:
                raise AttributeError(f"reminders have no field {name!r}")
            setattr(row, name, value)
        self._session.flush()
        return _reminder(row)

    def coming(self, user_id: int) -> list[Reminder]:
        rows = self._session.scalars(
            select(ReminderRecord)
            .where(ReminderRecord.user_id == user_id, ReminderRecord.status == SCHEDULED)
            .order_by(ReminderRecord.due_at, ReminderRecord.id)
        )
        return [_reminder(row) for row in rows]

    def of_user(self, user_id: int) -> list[Reminder]:
        rows = self._session.scalars(
            select(ReminderRecord)
            .where(ReminderRecord.user_id == user_id)
            .order_by(ReminderRecord.id)
        )
        return [_reminder(row) for row in rows]

    def sources_among(self, user_id: int, sources: Sequence[str]) -> set[str]:
        if not sources:
            return set()
        found = self._session.scalars(
            select(ReminderRecord.source).where(
                ReminderRecord.user_id == user_id, ReminderRecord.source.in_(sources)
            )
        )
        return {source for source in found if source is not None}

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        rows = self._session.scalars(
            select(ReminderRecord)
            .where(ReminderRecord.status == SCHEDULED, ReminderRecord.due_at <= now)
            .order_by(ReminderRecord.due_at, ReminderRecord.id)
            .limit(limit)
        )
        return [_reminder(row) for row in rows]

    def next_due(self) -> datetime | None:
        found = self._session.scalar(
            select(func.min(ReminderRecord.due_at)).where(ReminderRecord.status == SCHEDULED)
        )
        return _aware(found)

    def between(self, user_id: int, start: datetime, end: datetime) -> list[Reminder]:
        rows = self._session.scalars(
            select(ReminderRecord)
            .where(
                ReminderRecord.user_id == user_id,
                ReminderRecord.status == SCHEDULED,
                ReminderRecord.due_at >= start,
                ReminderRecord.due_at < end,
            )
            .order_by(ReminderRecord.due_at)
        )
        return [_reminder(row) for row in rows]

    def advance(self, changes: Mapping[int, tuple[str, datetime | None]]) -> None:
        for reminder_id, (status, due_at) in changes.items():
            self._session.execute(
                update(ReminderRecord)
                .where(ReminderRecord.id == reminder_id)
                .values(status=status, due_at=due_at)
            )

    def prune_offered(self, before: datetime) -> int:
        pruned = self._session.execute(
            delete(ReminderRecord).where(
                ReminderRecord.status == "offered", ReminderRecord.created_at < before
            )
        )
        return cast(CursorResult[Any], pruned).rowcount

    def _row(self, user_id: int, reminder_id: int) -> ReminderRecord | None:
        return self._session.scalar(
            select(ReminderRecord).where(
                ReminderRecord.id == reminder_id, ReminderRecord.user_id == user_id
            )
        )


def _reminder(row: ReminderRecord) -> Reminder:
    return Reminder(
        id=row.id,
        user_id=row.user_id,
        text=row.text,
        due_at=_aware(row.due_at),
        zone=row.zone,
        every=row.every,
        status=row.status,
        document_id=row.document_id,
        created_at=_aware(row.created_at) or datetime.now(UTC),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
