"""Incoming updates kept until handled: a restart replays what a crash cut short, and an
update delivered twice is handled once."""

from __future__ import annotations

from typing import Any

from knowledge.domain.repositories import AlreadyRecorded, Storage


class Inbox:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def accept(self, update_id: int, user_id: int | None, payload: dict[str, Any]) -> bool:
        """Record a new update; False when it was already recorded (a redelivery)."""
        try:
            with self._storage.begin() as uow:
                uow.inbox.add(update_id, user_id, payload)
        except AlreadyRecorded:
            return False
        return True

    def done(self, update_id: int) -> None:
        """Mark handled and drop the message itself: only its id is kept, to skip redeliveries."""
        with self._storage.begin() as uow:
            uow.inbox.done(update_id)

    def set_reply(self, update_id: int, message_id: int) -> None:
        """Remember the message that answers an update, so a replay edits it again."""
        with self._storage.begin() as uow:
            uow.inbox.set_reply(update_id, message_id)

    def reply_of(self, update_id: int) -> int | None:
        with self._storage.read() as uow:
            return uow.inbox.reply_of(update_id)

    def pending(self) -> list[dict[str, Any]]:
        """Payloads of updates received but never finished, oldest first."""
        with self._storage.read() as uow:
            return uow.inbox.pending()
