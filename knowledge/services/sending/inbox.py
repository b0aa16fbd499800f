"""Incoming updates kept until handled: a restart replays what a crash cut short, and an
update delivered twice is handled once.

An update whose handling kills the process (a file that makes a reader run out of memory,
say) would be replayed into the same crash at every start. So each start counts one more
attempt for every update it replays, and one that was already retried `max_retries` times
is set aside instead: not replayed, its sender told once. A question kept on purpose while
the model server was away is not counted: it was waiting, not crashing.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from knowledge.domain.deliveries import AlreadyRecorded, PendingUpdate
from knowledge.domain.repositories import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resumed:
    """What a start does with the updates left unfinished."""

    replay: list[dict[str, Any]] = field(default_factory=list)
    set_aside: list[PendingUpdate] = field(default_factory=list)


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
            return [update.payload for update in uow.inbox.pending()]

    def keep(self, update_id: int) -> None:
        """It waits on purpose (for the model server): a restart meanwhile is not counted
        against it."""
        with self._storage.begin() as uow:
            uow.inbox.keep(update_id)

    def resume(self, max_retries: int) -> Resumed:
        """At start-up: count one more attempt for each unfinished update (unless it was
        kept on purpose) and return the ones to replay; those already retried
        `max_retries` times are set aside and returned apart, to tell their senders."""
        replay: list[dict[str, Any]] = []
        aside: list[PendingUpdate] = []
        with self._storage.begin() as uow:
            for update in uow.inbox.pending():
                if not update.kept and update.attempts > max_retries:
                    uow.inbox.set_aside(update.update_id)
                    aside.append(update)
                    log.warning(
                        "update %s set aside: its handling stopped the bot (attempts: %d)",
                        update.update_id,
                        update.attempts,
                    )
                    continue
                uow.inbox.started_again(update.update_id, counted=not update.kept)
                replay.append(update.payload)
        return Resumed(replay, aside)


def _fingerprint(payload: dict[str, Any]) -> str:
    content = {key: value for key, value in payload.items() if key != "update_id"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
