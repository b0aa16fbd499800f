"""Incoming updates kept until handled: a restart replays what a crash cut short, and an
update delivered twice is handled once.

Handled updates are forgotten after a retention window longer than Telegram redelivers
an unacknowledged update (24 hours), so the inbox does not grow without end. Update ids
are not forever unique (Telegram starts a new random sequence after a week without
updates; a fresh Bot API server starts again from 1), so each update's content is hashed:
an id that comes back with other content is a new update, not a redelivery.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from knowledge.domain.repositories import AlreadyRecorded, Storage

log = logging.getLogger(__name__)


class Inbox:
    def __init__(self, storage: Storage, *, retention: timedelta = timedelta(hours=72)) -> None:
        self._storage = storage
        self._retention = retention

    def accept(self, update_id: int, user_id: int | None, payload: dict[str, Any]) -> bool:
        """Record a new update; False when it is a redelivery of one recorded before."""
        fingerprint = _fingerprint(payload)
        try:
            with self._storage.begin() as uow:
                known = uow.inbox.seen(update_id)
                if known is None:
                    uow.inbox.add(update_id, user_id, payload, fingerprint)
                    return True
                if known.handled and known.fingerprint not in ("", fingerprint):
                    log.info("update id %s came back with new content: a new update", update_id)
                    uow.inbox.renew(update_id, user_id, payload, fingerprint)
                    return True
        except AlreadyRecorded:  # recorded by a concurrent delivery
            pass
        log.info("update %s dropped as a redelivery", update_id)
        return False

    def done(self, update_id: int) -> None:
        """Mark handled and drop the message itself: only its id is kept, to skip redeliveries."""
        with self._storage.begin() as uow:
            uow.inbox.done(update_id)

    def prune(self, now: datetime | None = None) -> int:
        """Forget handled updates older than the retention window; pending ones stay."""
        before = (now or datetime.now(UTC)) - self._retention
        with self._storage.begin() as uow:
            pruned = uow.inbox.prune(before)
        if pruned:
            log.info("inbox: forgot %d handled updates older than %s", pruned, self._retention)
        return pruned

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


def _fingerprint(payload: dict[str, Any]) -> str:
    content = {key: value for key, value in payload.items() if key != "update_id"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
