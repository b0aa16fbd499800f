"""What a reminder is at each step, and what the reminder service hands back: the states it
goes through (offered, scheduled, sent, done, cancelled, missed), the key each occurrence
is sent under (`reminder:ID:EPOCH`), when it is due in its own zone, and what asking for one
(`Asked`), a sweep (`Due`) and restoring an export's (`Restored`) come to. The rules are in
reminders.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from knowledge.domain.model import Reminder
from knowledge.services.words.reminder_words import Request

OFFERED, SCHEDULED, SENT, DONE, CANCELLED, MISSED = (
    "offered",
    "scheduled",
    "sent",
    "done",
    "cancelled",
    "missed",
)


def reminder_key(reminder: Reminder) -> str:
    """The key of one occurrence: the reminder and the moment it was due."""
    assert reminder.due_at is not None
    return f"reminder:{reminder.id}:{int(reminder.due_at.timestamp())}"


def reminder_of_key(key: str) -> int | None:
    kind, _, rest = key.partition(":")
    number = rest.partition(":")[0]
    return int(number) if kind == "reminder" and number.isdigit() else None


@dataclass(frozen=True)
class Asked:
    """What became of a request: `reminder` set (status scheduled), or kept as an offer
    whose time `request.problem` asks for ("no_time", "ambiguous" with its options,
    "past")."""

    reminder: Reminder
    request: Request

    @property
    def is_set(self) -> bool:
        return self.reminder.status == SCHEDULED


@dataclass(frozen=True)
class Due:
    """A reminder to send now; `late` when its moment passed longer ago than a sweep."""

    reminder: Reminder
    late: bool


@dataclass
class Restored:
    """What restoring an export's reminders did."""

    added: int = 0
    already: int = 0  # restored by an earlier import of the same export
    past: int = 0  # one-off ones whose time passed beyond the grace period meanwhile
    failed: list[tuple[str, str]] = field(default_factory=list)  # (its words, why)


def local_due(reminder: Reminder) -> datetime | None:
    """When it is due, in its own zone."""
    if reminder.due_at is None:
        return None
    return reminder.due_at.astimezone(ZoneInfo(reminder.zone))


def day_span(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
