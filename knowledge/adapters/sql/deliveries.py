"""What comes in and what goes out, over SQLAlchemy: the inbox of chat updates, the days'
digests, and deliveries of scheduled messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from knowledge.adapters.sql.base import DONE, PENDING, SET_ASIDE, Repository
from knowledge.adapters.sql.records import DeliveryRecord, DigestRecord, InboxItem, utcnow
from knowledge.domain.deliveries import (
    AlreadyRecorded,
    DeliveryState,
    InboxEntry,
    PendingUpdate,
)


class SqlInbox(Repository):
    def add(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        self._session.add(
            InboxItem(
                update_id=update_id,
                user_id=user_id,
                payload=payload,
                fingerprint=fingerprint,
                attempts=1,
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
        item.attempts, item.kept = 1, False

    def prune(self, before: datetime) -> int:
        pruned = self._session.execute(
            delete(InboxItem).where(
                InboxItem.status.in_((DONE, SET_ASIDE)), InboxItem.received_at < before
            )
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

    def pending(self) -> list[PendingUpdate]:
        items = self._session.scalars(
            select(InboxItem).where(InboxItem.status == PENDING).order_by(InboxItem.update_id)
        )
        return [
            PendingUpdate(item.update_id, item.user_id, item.payload, item.attempts, item.kept)
            for item in items
        ]

    def started_again(self, update_id: int, *, counted: bool) -> None:
        item = self._session.get(InboxItem, update_id)
        if item is not None:
            item.attempts += 1 if counted else 0
            item.kept = False

    def keep(self, update_id: int) -> None:
        item = self._session.get(InboxItem, update_id)
        if item is not None:
            item.kept = True

    def set_aside(self, update_id: int) -> None:
        item = self._session.get(InboxItem, update_id)
        if item is not None:
            item.status = SET_ASIDE


class SqlDigests(Repository):
    def keep(self, user_id: int, day: date, text: str, items: int, last_item_id: int) -> None:
        row = self._row(user_id, day)
        row.text, row.items, row.last_item_id = text, items, last_item_id

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


class SqlDeliveries(Repository):
    def get(self, key: str) -> DeliveryState | None:
        row = self._session.get(DeliveryRecord, key)
        return _state(row) if row is not None else None

    def create(self, key: str, user_id: int, parts: list[str]) -> None:
        self._ensure_user(user_id)
        self._session.add(
            DeliveryRecord(key=key, user_id=user_id, parts=parts, parts_sent=0, attempts=0)
        )
        try:
            self._session.flush()
        except IntegrityError as exc:
            raise AlreadyRecorded(key) from exc

    def take(
        self, key: str, owner: str, now: datetime, stale_before: datetime, max_attempts: int
    ) -> bool:
        # One conditional UPDATE: of two processes (or a replay racing a job) only one wins,
        # on SQLite or PostgreSQL.
        free = or_(
            DeliveryRecord.claimed_by.is_(None),
            DeliveryRecord.claimed_by == owner,
            DeliveryRecord.claimed_at < stale_before,
        )
        taken = self._session.execute(
            update(DeliveryRecord)
            .where(
                DeliveryRecord.key == key,
                DeliveryRecord.sent_at.is_(None),
                DeliveryRecord.given_up.is_(False),
                DeliveryRecord.attempts < max_attempts,
                free,
            )
            .values(claimed_by=owner, claimed_at=now)
        )
        return cast(CursorResult[Any], taken).rowcount == 1

    def part_sent(self, key: str, parts_sent: int) -> None:
        self._session.execute(
            update(DeliveryRecord).where(DeliveryRecord.key == key).values(parts_sent=parts_sent)
        )

    def finish(self, key: str, now: datetime) -> None:
        self._session.execute(
            update(DeliveryRecord)
            .where(DeliveryRecord.key == key)
            .values(sent_at=now, claimed_by=None, claimed_at=None)
        )

    def release_failed(self, key: str, *, give_up: bool) -> None:
        self._session.execute(
            update(DeliveryRecord)
            .where(DeliveryRecord.key == key)
            .values(
                claimed_by=None,
                claimed_at=None,
                attempts=DeliveryRecord.attempts + 1,
                given_up=DeliveryRecord.given_up | give_up,
            )
        )

    def unfinished(self, since: datetime) -> list[DeliveryState]:
        rows = self._session.scalars(
            select(DeliveryRecord)
            .where(
                DeliveryRecord.sent_at.is_(None),
                DeliveryRecord.given_up.is_(False),
                DeliveryRecord.created_at >= since,
            )
            .order_by(DeliveryRecord.created_at)
        )
        return [_state(row) for row in rows]


def _state(row: DeliveryRecord) -> DeliveryState:
    return DeliveryState(
        key=row.key,
        user_id=row.user_id,
        parts=list(row.parts or []),
        parts_sent=row.parts_sent,
        attempts=row.attempts,
        claimed_by=row.claimed_by,
        claimed_at=_aware(row.claimed_at),
        sent_at=_aware(row.sent_at),
        given_up=bool(row.given_up),
        created_at=_aware(row.created_at) or utcnow(),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
