"""What comes in and what goes out: the inbox of chat updates, the days' digests, and
deliveries of scheduled messages (digests, reminders), as repositories of domain types. The
SQL adapter implements them (adapters/sql/deliveries.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class AlreadyRecorded(Exception):
    """Recorded before: an update the inbox holds (a redelivery), a delivery whose key exists."""


@dataclass(frozen=True)
class InboxEntry:
    update_id: int
    handled: bool
    fingerprint: str  # "" for an entry recorded before fingerprints were kept


@dataclass(frozen=True)
class PendingUpdate:
    """An update received and not yet handled."""

    update_id: int
    user_id: int | None
    payload: dict[str, Any]
    attempts: int  # times its handling started
    kept: bool  # kept on purpose (waiting for the model server): a restart does not count


class InboxItems(Protocol):
    def add(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        """Record an update; raises AlreadyRecorded for one recorded before."""
        ...

    def seen(self, update_id: int) -> InboxEntry | None: ...

    def renew(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        """Record a new update under an id a handled one had (update ids restart)."""
        ...

    def prune(self, before: datetime) -> int:
        """Forget handled updates received before `before`; how many were forgotten."""
        ...

    def done(self, update_id: int) -> None:
        """Mark handled and drop the payload (only the id is kept, to skip redeliveries)."""
        ...

    def set_reply(self, update_id: int, message_id: int) -> None: ...

    def reply_of(self, update_id: int) -> int | None: ...

    def pending(self) -> list[PendingUpdate]:
        """Updates received but never handled, oldest first."""
        ...

    def started_again(self, update_id: int, *, counted: bool) -> None:
        """Its handling starts again (after a restart): one attempt more when `counted`;
        no longer kept either way."""
        ...

    def keep(self, update_id: int) -> None:
        """Mark it kept on purpose until the model server is back."""
        ...

    def set_aside(self, update_id: int) -> None:
        """Give up on it: never replayed again; forgotten like a handled one."""
        ...


class DigestLog(Protocol):
    def keep(self, user_id: int, day: date, text: str, items: int, last_item_id: int) -> None:
        """Store (or replace) the text of a user's digest of a local day."""
        ...


@dataclass(frozen=True)
class DeliveryState:
    """A scheduled message (a digest, a reminder) and how far sending it got."""

    key: str
    user_id: int
    parts: list[str]
    parts_sent: int
    attempts: int  # sends that failed
    claimed_by: str | None
    claimed_at: datetime | None
    sent_at: datetime | None
    given_up: bool
    created_at: datetime

    @property
    def finished(self) -> bool:
        """Sent, or given up on: nothing more will be tried."""
        return self.sent_at is not None or self.given_up


class DeliveryLog(Protocol):
    def get(self, key: str) -> DeliveryState | None: ...

    def create(self, key: str, user_id: int, parts: list[str]) -> None:
        """Record a message to send; raises AlreadyRecorded when the key exists."""
        ...

    def take(
        self, key: str, owner: str, now: datetime, stale_before: datetime, max_attempts: int
    ) -> bool:
        """Claim it for `owner`, atomically across processes: only when not sent, not given
        up, under `max_attempts` failures, and not claimed since `stale_before` by another."""
        ...

    def part_sent(self, key: str, parts_sent: int) -> None: ...

    def finish(self, key: str, now: datetime) -> None:
        """Every part sent: mark it sent and release the claim."""
        ...

    def release_failed(self, key: str, *, give_up: bool) -> None:
        """Let go of the claim after a failed send, counting it; `give_up`: never again."""
        ...

    def unfinished(self, since: datetime) -> list[DeliveryState]:
        """Messages created since then that are neither sent nor given up."""
        ...
