"""The one rule for scheduled messages (digests now, reminders next): claim, send, mark.

A message is recorded with its parts (what will be sent, rendered once) under a key such
as "digest:42:2026-12-01". Whoever sends it first claims it (one conditional UPDATE, so two
processes or a replay racing a job never both send), sends the parts not sent yet one by
one, marking each as it goes, and marks the whole message sent at the end. A send that
fails lets go of the claim and counts an attempt; it is tried again later, a bounded number
of times, and only the parts not sent go again.

What this cannot promise: a kill -9 between a part's send and its mark sends that part once
more after the restart (the Bot API has no idempotency key). That is the one at-least-once
gap; everything else is exactly once. A claim left by a process that died is taken over
once it is older than `stale_after`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from knowledge.domain.deliveries import AlreadyRecorded, DeliveryState
from knowledge.domain.repositories import Storage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=2)
RESUME_WITHIN = timedelta(hours=24)


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def brief_key(user_id: int, day: date) -> str:
    return f"brief:{user_id}:{day.isoformat()}"


def week_key(user_id: int, last_day: date) -> str:
    return f"week:{user_id}:{last_day.isoformat()}"


class Outcome(Enum):
    SEND = "send"  # claimed: send `parts[next_part:]`
    BUSY = "busy"  # claimed elsewhere just now: try again after STALE_AFTER
    DONE = "done"  # sent already, or given up on


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    key: str
    parts: tuple[str, ...] = ()
    next_part: int = 0
    attempts: int = 0  # failed sends before this one


class Deliveries:
    def __init__(
        self,
        storage: Storage,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        stale_after: timedelta = STALE_AFTER,
        first_retry: timedelta = timedelta(minutes=1),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._storage = storage
        self._max_attempts = max_attempts
        self._stale_after = stale_after
        self._first_retry = first_retry
        self._clock = clock
        self._owner = uuid.uuid4().hex  # this process

    @property
    def stale_after(self) -> timedelta:
        return self._stale_after

    def is_done(self, key: str) -> bool:
        """Sent already, or given up on."""
        with self._storage.read() as uow:
            state = uow.deliveries.get(key)
        return state is not None and state.finished

    def claim(self, key: str, user_id: int, parts: list[str] | None = None) -> Claim:
        """Claim the message to send it. `parts` record it the first time; a later claim
        (a retry, a restart) sends the recorded parts, from the first one not sent."""
        if parts is not None:
            try:
                with self._storage.begin() as uow:
                    if uow.deliveries.get(key) is None:
                        uow.deliveries.create(key, user_id, parts)
            except AlreadyRecorded:  # recorded meanwhile by a racing claim
                pass
        now = self._clock()
        with self._storage.begin() as uow:
            taken = uow.deliveries.take(
                key, self._owner, now, now - self._stale_after, self._max_attempts
            )
        with self._storage.read() as uow:
            state = uow.deliveries.get(key)
        if state is None or state.finished:
            return Claim(Outcome.DONE, key)
        if not taken:
            if state.attempts >= self._max_attempts:
                return Claim(Outcome.DONE, key)
            return Claim(Outcome.BUSY, key)
        return Claim(Outcome.SEND, key, tuple(state.parts), state.parts_sent, state.attempts)

    def sent(self, key: str, part: int) -> None:
        """Part `part` (0-based) went out: it is not sent again."""
        with self._storage.begin() as uow:
            uow.deliveries.part_sent(key, part + 1)

    def finished(self, key: str) -> None:
        with self._storage.begin() as uow:
            uow.deliveries.finish(key, self._clock())

    def failed(self, key: str) -> bool:
        """A send failed: let go of the claim. True when it will be tried again."""
        with self._storage.read() as uow:
            state = uow.deliveries.get(key)
        attempts = (state.attempts if state else 0) + 1
        give_up = attempts >= self._max_attempts
        with self._storage.begin() as uow:
            uow.deliveries.release_failed(key, give_up=give_up)
        if give_up:
            log.warning("%s: sending failed %d times; given up", kind_of(key), attempts)
        return not give_up

    def retry_delay(self, attempts: int) -> timedelta:
        """How long to wait after `attempts` failed sends: the first retry's wait, doubled
        each time (1, 2, 4, 8 minutes by default)."""
        return self._first_retry * int(2 ** max(0, attempts - 1))

    def unfinished(self) -> list[DeliveryState]:
        """Messages of the last day neither sent nor given up on (at start-up: a crash
        mid-send, or a retry the restart dropped)."""
        with self._storage.read() as uow:
            return uow.deliveries.unfinished(self._clock() - RESUME_WITHIN)


def kind_of(key: str) -> str:
    """What a delivery is ("digest"), for log lines that name no user."""
    return key.split(":", 1)[0]
