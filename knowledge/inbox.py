"""Incoming updates kept until handled: a restart replays what a crash cut short, and an
update delivered twice is handled once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.records import InboxItem

PENDING = "pending"
DONE = "done"


class Inbox:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def accept(self, update_id: int, user_id: int | None, payload: dict[str, Any]) -> bool:
        """Record a new update; False when it was already recorded (a redelivery)."""
        try:
            with self._sessions.begin() as session:
                session.add(InboxItem(update_id=update_id, user_id=user_id, payload=payload))
        except IntegrityError:
            return False
        return True

    def done(self, update_id: int) -> None:
        """Mark handled and drop the message itself: only its id is kept, to skip redeliveries."""
        with self._sessions.begin() as session:
            item = session.get(InboxItem, update_id)
            if item is not None:
                item.status = DONE
                item.payload = {}

    def set_reply(self, update_id: int, message_id: int) -> None:
        """Remember the message that answers an update, so a replay edits it again."""
        with self._sessions.begin() as session:
            item = session.get(InboxItem, update_id)
            if item is not None:
                item.reply_message_id = message_id

    def reply_of(self, update_id: int) -> int | None:
        with self._sessions() as session:
            item = session.get(InboxItem, update_id)
            return item.reply_message_id if item else None

    def pending(self) -> list[dict[str, Any]]:
        """Payloads of updates received but never finished, oldest first."""
        with self._sessions() as session:
            items = session.scalars(
                select(InboxItem).where(InboxItem.status == PENDING).order_by(InboxItem.update_id)
            ).all()
            return [item.payload for item in items]
