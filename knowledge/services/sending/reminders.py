"""Reminders: asked for in words ("remind me tomorrow at 9..."), offered for the dates a
note names, listed, changed, snoozed, cancelled, and handed to the rule of scheduled
messages (services/sending/delivery.py) when due.

A request whose time is clear is set at once; one that is not (no hour, morning or
evening, a moment past) is kept as an offer with no time and a question goes back. Each
occurrence is sent under the key `reminder:ID:EPOCH`, so a replay, a restart or a second
process never sends it twice; a recurring one moves to its next occurrence as it is handed
over. One missed while nobody could send it is sent late within the grace period, then
marked missed. The states, the key and what the service hands back are in reminder_states.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from knowledge.domain.errors import TooManyReminders
from knowledge.domain.model import ImportedReminder, Reminder
from knowledge.domain.repositories import Storage, UnitOfWork
from knowledge.services.sending.reminder_offers import offered_moment
from knowledge.services.sending.reminder_states import (
    CANCELLED,
    DONE,
    MISSED,
    OFFERED,
    SCHEDULED,
    SENT,
    Asked,
    Due,
    Restored,
    reminder_key,
)
from knowledge.services.words.reminder_days import Recurrence
from knowledge.services.words.reminder_times import When, read_when
from knowledge.services.words.reminder_words import Request, may_ask, read_request, resolved

log = logging.getLogger(__name__)

SNOOZES = {"10m": timedelta(minutes=10), "1h": timedelta(hours=1), "tomorrow": timedelta(days=1)}
OFFERS_KEPT = timedelta(days=14)  # an offer not taken up is forgotten after this
DUE_AT_ONCE = 20_000  # reminders one sweep hands over at most
FAILURES_LOGGED = 10  # an export's reminders not restored, named in the log; the rest counted


class Reminders:
    def __init__(
        self,
        *,
        storage: Storage,
        zone_of: Callable[[int], ZoneInfo],
        lead: timedelta = timedelta(hours=1),
        grace: timedelta = timedelta(hours=6),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        max_scheduled: int | None = None,
    ) -> None:
        self._storage = storage
        self._zone_of = zone_of
        self._lead = lead
        self._grace = grace
        self._wall = clock
        self._max_scheduled = max_scheduled  # per user; None: no cap

    def _clock(self) -> datetime:
        return self._wall().astimezone(UTC)  # rows hold UTC

    @property
    def grace(self) -> timedelta:
        return self._grace

    def _now(self, user_id: int) -> datetime:
        return self._clock().astimezone(self._zone_of(user_id))

    def _room(self, uow: UnitOfWork, user_id: int) -> int | None:
        """How many more reminders the user may have scheduled (None: no cap)."""
        if self._max_scheduled is None:
            return None
        return max(0, self._max_scheduled - len(uow.reminders.coming(user_id)))

    def _make_room(self, uow: UnitOfWork, user_id: int) -> None:
        """Raise TooManyReminders when the user has as many scheduled as one may: a
        stranger's loop of requests never becomes a storm of messages."""
        if self._room(uow, user_id) == 0:
            log.info("a reminder refused: that user has %d scheduled", self._max_scheduled)
            raise TooManyReminders(
                f"you have {self._max_scheduled} reminders scheduled, the most one may have; "
                "cancel some (/reminders) first",
                limit=self._max_scheduled,
            )

    # Asking -------------------------------------------------------------------------------

    def read(self, user_id: int, text: str) -> Request | None:
        """The reminder `text` asks for, in the user's time; None: it asks none. Most
        messages hold no trigger: they cost no lookup of the user's zone."""
        if not may_ask(text):
            return None
        return read_request(text, self._now(user_id))

    def ask(self, user_id: int, request: Request) -> Asked:
        """Set what `request` asks for, or keep it as an offer waiting for its time.
        Raises TooManyReminders when the user has as many scheduled as one may."""
        zone = self._zone_of(user_id)
        due = request.due if request.problem is None else None
        status = SCHEDULED if due is not None else OFFERED
        every = request.every.code if request.every else None
        with self._storage.begin() as uow:
            if status == SCHEDULED:
                self._make_room(uow, user_id)
            reminder = uow.reminders.add(
                user_id, request.task, _utc(due), zone=zone.key, every=every, status=status
            )
        log.info("a reminder was %s", "set" if status == SCHEDULED else "asked about")
        return Asked(reminder, request)

    def retime(self, user_id: int, reminder_id: int, text: str) -> Asked | None:
        """A new time for a reminder, from words ("tomorrow at 10", "в 18:30"); an
        unclear one asks again. None: not the user's reminder."""
        with self._storage.read() as uow:
            reminder = uow.reminders.get(user_id, reminder_id)
        if reminder is None or reminder.status in (DONE, CANCELLED):
            return None
        now = self._now(user_id)
        when = read_when(text, now) or When()  # no time words: asked again
        request = resolved(reminder.text, when, now)
        every = request.every or Recurrence.parse(reminder.every)  # a repeat stays one
        request = replace(request, every=every)
        if request.problem is not None:
            return Asked(reminder, request)
        changed = self._change(
            user_id,
            reminder_id,
            setting=reminder.status != SCHEDULED,
            due_at=_utc(request.due),
            status=SCHEDULED,
            every=request.every.code if request.every else None,
        )
        return Asked(changed, request) if changed else None

    def accept(self, user_id: int, reminder_id: int, at: datetime | None = None) -> Reminder | None:
        """An offer taken up (a tap on "Remind me?" or on one of the times asked about);
        `at` the time chosen, else the offer's own. Raises TooManyReminders when the user
        has as many scheduled as one may."""
        with self._storage.read() as uow:
            reminder = uow.reminders.get(user_id, reminder_id)
        if reminder is None or reminder.status not in (OFFERED, SCHEDULED):
            return None
        due = at or reminder.due_at
        if due is None or due <= self._clock():
            return None
        setting = reminder.status != SCHEDULED
        return self._change(
            user_id, reminder_id, setting=setting, due_at=_utc(due), status=SCHEDULED
        )

    # The dates in notes -------------------------------------------------------------------

    def offer_for(self, user_id: int, doc_id: int, text: str) -> Reminder | None:
        """An offer for the first future moment a kept note names ("Dentist on December 3
        at 15:00": December 3 at 14:00, the lead before), never set unasked; None when it
        names none still ahead, or tells of what was done (sending/reminder_offers.py)."""
        now = self._now(user_id)
        with self._storage.read() as uow:  # read by named_dates as the item was kept
            named = uow.named_days.of_documents(user_id, [doc_id]).get(doc_id, [])
        moment = offered_moment(text, now, named, self._lead)
        if moment is None:
            return None
        with self._storage.begin() as uow:
            return uow.reminders.add(
                user_id,
                _short(text),
                _utc(moment),
                zone=now.tzinfo.key if isinstance(now.tzinfo, ZoneInfo) else "UTC",
                status=OFFERED,
                document_id=doc_id,
            )

    # Looking and changing -----------------------------------------------------------------

    def coming(self, user_id: int) -> list[Reminder]:
        with self._storage.read() as uow:
            return uow.reminders.coming(user_id)

    def get(self, user_id: int, reminder_id: int) -> Reminder | None:
        with self._storage.read() as uow:
            return uow.reminders.get(user_id, reminder_id)

    def cancel(self, user_id: int, reminder_id: int) -> Reminder | None:
        return self._change(user_id, reminder_id, status=CANCELLED)

    def done(self, user_id: int, reminder_id: int) -> Reminder | None:
        """Done: a one-off one is finished; a recurring one keeps its next occurrence."""
        reminder = self.get(user_id, reminder_id)
        if reminder is None or reminder.every:
            return reminder
        return self._change(user_id, reminder_id, status=DONE)

    def snooze(self, user_id: int, reminder_id: int, choice: str) -> Reminder | None:
        """Remind again in 10 minutes, an hour, or tomorrow: a one-off reminder of the same
        words (a recurring one keeps its own schedule)."""
        original = self.get(user_id, reminder_id)
        if original is None or choice not in SNOOZES:
            return None
        now = self._clock()
        if choice == "tomorrow":
            local = now.astimezone(ZoneInfo(original.zone))
            at = (original.due_at or now).astimezone(ZoneInfo(original.zone)).timetz()
            due = datetime.combine(local.date() + timedelta(days=1), at.replace(tzinfo=None))
            due = due.replace(tzinfo=ZoneInfo(original.zone))
        else:
            due = now + SNOOZES[choice]
        with self._storage.begin() as uow:
            if not original.every:
                uow.reminders.change(user_id, reminder_id, status=DONE)
            return uow.reminders.add(user_id, original.text, _utc(due), zone=original.zone)

    def of_user(self, user_id: int) -> list[Reminder]:
        with self._storage.read() as uow:
            return uow.reminders.of_user(user_id)

    def between(self, user_id: int, start: datetime, end: datetime) -> list[Reminder]:
        with self._storage.read() as uow:
            return uow.reminders.between(user_id, start, end)

    def _change(
        self, user_id: int, reminder_id: int, *, setting: bool = False, **fields: object
    ) -> Reminder | None:
        """`setting`: an offer becomes a scheduled reminder, within the cap."""
        with self._storage.begin() as uow:
            if setting:
                self._make_room(uow, user_id)
            return uow.reminders.change(user_id, reminder_id, **fields)

    # Sending ------------------------------------------------------------------------------

    def next_due(self) -> datetime | None:
        with self._storage.read() as uow:
            return uow.reminders.next_due()

    def due(self, limit: int = DUE_AT_ONCE) -> tuple[list[Due], list[Reminder]]:
        """Everything due now, in one query: what to send (late or not), and what was
        missed beyond the grace period (marked missed here; a recurring one moves on)."""
        now = self._clock()
        with self._storage.read() as uow:
            found = uow.reminders.due(now, limit)
        sending, missed = [], []
        for reminder in found:
            assert reminder.due_at is not None
            late = now - reminder.due_at
            if late > self._grace:
                missed.append(reminder)
            else:
                sending.append(Due(reminder, late > timedelta(minutes=2)))
        if missed:
            with self._storage.begin() as uow:
                uow.reminders.advance({r.id: self._after(r, MISSED, now) for r in missed})
            log.warning("%d reminders were missed beyond the grace period", len(missed))
        return sending, missed

    def hand_over(self, parts: dict[int, tuple[Reminder, list[str]]]) -> list[str]:
        """Record each occurrence's message (rendered once) as a delivery and move its
        reminder on, in one transaction; the delivery keys to send. A kill -9 after this
        leaves deliveries that the start-up sends."""
        now = self._clock()
        keys = []
        with self._storage.begin() as uow:
            for reminder, message in parts.values():
                key = reminder_key(reminder)
                if uow.deliveries.get(key) is None:  # else handed over before a crash
                    uow.deliveries.create(key, reminder.user_id, message)
                keys.append(key)
            uow.reminders.advance({r.id: self._after(r, SENT, now) for r, _ in parts.values()})
        return keys

    @staticmethod
    def _after(reminder: Reminder, status: str, now: datetime) -> tuple[str, datetime | None]:
        """Its state once this occurrence is handed over (or missed): a recurring one is
        scheduled at its next occurrence still ahead."""
        every = Recurrence.parse(reminder.every)
        if every is None:
            return status, reminder.due_at
        assert reminder.due_at is not None
        return SCHEDULED, _next_ahead(every, reminder.due_at, reminder.zone, now)

    # Brought back from an export ----------------------------------------------------------

    def restore(self, user_id: int, imported: Sequence[ImportedReminder]) -> Restored:
        """An export's reminders brought back (`mnemo import` of a mnemo export): the ones
        still coming, each once (found again by its source), a recurring one at its next
        occurrence, one due while moving within the grace period (it is sent late), linked
        to its note when that came in too. Sent, done, cancelled, missed ones and offers
        never taken up were history: not restored. Those past the user's cap on scheduled
        reminders are reported as failed. Every time is worked out before the write
        transaction opens, each in a few steps however old."""
        now = self._clock()
        restored = Restored()
        coming: list[tuple[ImportedReminder, datetime | None]] = []
        for reminder in (r for r in imported if r.status == SCHEDULED):
            try:
                every = Recurrence.parse(reminder.every)
            except ValueError:
                every, reminder = None, replace(reminder, problem="its repeat could not be read")
            if reminder.problem or reminder.due_at is None:
                restored.failed.append((reminder.text, reminder.problem or "it has no time"))
                continue
            try:
                coming.append((reminder, _restored_due(reminder, every, now, self._grace)))
            except (OverflowError, ValueError):  # year 1 in a zone behind UTC, say
                restored.failed.append((reminder.text, "its time could not be read"))
        with self._storage.begin() as uow:
            had = uow.reminders.sources_among(user_id, [r.source for r, _ in coming])
            notes = [r.document_source for r, _ in coming if r.document_source is not None]
            documents = uow.documents.sources_among(user_id, notes)
            room = self._room(uow, user_id)
            for reminder, due in coming:
                if reminder.source in had:
                    restored.already += 1
                    continue
                if due is None:  # a one-off whose time passed (beyond the grace) meanwhile
                    restored.past += 1
                    continue
                if room is not None:
                    if room == 0:
                        why = f"over the limit of {self._max_scheduled} scheduled reminders"
                        restored.failed.append((reminder.text, why))
                        continue
                    room -= 1
                document = documents.get(reminder.document_source or "")
                uow.reminders.add(
                    user_id,
                    reminder.text,
                    due,
                    zone=reminder.zone,
                    every=reminder.every,
                    document_id=document.id if document is not None else None,
                    source=reminder.source,
                )
                restored.added += 1
        for text, why in restored.failed[:FAILURES_LOGGED]:
            log.info("import: reminder %r not restored: %s", _short(text, 60), why)
        log.info(
            "user %s: %d reminders restored, %d already, %d past, %d not restored",
            user_id,
            restored.added,
            restored.already,
            restored.past,
            len(restored.failed),
        )
        return restored

    def prune(self) -> int:
        with self._storage.begin() as uow:
            return uow.reminders.prune_offered(self._clock() - OFFERS_KEPT)


def _next_ahead(every: Recurrence, due_at: datetime, zone: str, now: datetime) -> datetime:
    """A recurring reminder's first occurrence after `now` (UTC), from one at `due_at`:
    found in a few steps however long ago `due_at` was (an export's year 1 too)."""
    return every.first_after(due_at.astimezone(ZoneInfo(zone)), now).astimezone(UTC)


def _restored_due(
    reminder: ImportedReminder, every: Recurrence | None, now: datetime, grace: timedelta
) -> datetime | None:
    assert reminder.due_at is not None
    if every is not None:
        return _next_ahead(every, reminder.due_at, reminder.zone, now)
    return _utc(reminder.due_at) if reminder.due_at > now - grace else None


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _short(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
