"""Daily digests: everything a user added on one local day, each item with its time.

The day's structure comes from the data, in code: every item of the local day (IANA
timezone, so DST days last 23 or 25 hours), in order, with its local time, its kind and a
line in its own words. The model only condenses a long item into one line, when the item
arrives (at the lowest priority) or, failing that, when the digest is made, and that line
is kept only if the item supports every word and number of it (`summaries.py`). So a day
of 100 items is assembled, not summarised, at 21:00, and nothing in it is invented.

Sending follows the rule of every scheduled message (services/sending/delivery.py): claimed, sent
part by part, released when a send fails so it is tried again, never sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.domain.errors import LlmRefused, LlmUnavailable
from knowledge.domain.model import Reminder, StoredDocument, UserSettings
from knowledge.domain.repositories import Storage, UnitOfWork
from knowledge.services.llm.fair_queue import BACKGROUND, FairQueue, PositionCallback
from knowledge.services.llm.summaries import Summarizer, own_line

log = logging.getLogger(__name__)

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
KINDS = ("note", "voice", "photo", "link", "document")
WEEK_DAYS = 7


def parse_timezone(text: str) -> str:
    """An IANA zone name as given, or ValueError."""
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc
    return name


def parse_digest_time(text: str) -> str:
    """ "21:30" or "9.05" as "HH:MM", or ValueError."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"not a time of day: {text!r}")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Schedule:
    user_id: int
    timezone: str
    at: str  # "HH:MM"
    enabled: bool
    language: str
    weekly: str | None = None  # "D HH:MM" (Monday 0), None: no weekly digest
    brief: str | None = None  # "HH:MM": the morning brief; None: off
    zone_chosen: bool = False  # the user set their timezone (else the default is used)

    @property
    def brief_at(self) -> time | None:
        if self.brief is None:
            return None
        hours, minutes = self.brief.split(":")
        return time(int(hours), int(minutes), tzinfo=self.zone)

    @property
    def weekly_at(self) -> tuple[int, time] | None:
        """The weekday (Monday 0) and local time of the weekly digest, if one is set."""
        if self.weekly is None:
            return None
        day, at = self.weekly.split(" ")
        hours, minutes = at.split(":")
        return int(day), time(int(hours), int(minutes), tzinfo=self.zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_time(self) -> time:
        hours, minutes = self.at.split(":")
        return time(int(hours), int(minutes), tzinfo=self.zone)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def missed_within(self, now: datetime, grace: timedelta) -> date | None:
        """Today's local date when its digest time passed less than `grace` ago."""
        local = now.astimezone(self.zone)
        due = datetime.combine(local.date(), self.local_time.replace(tzinfo=None), tzinfo=self.zone)
        return local.date() if due <= local < due + grace else None


@dataclass(frozen=True)
class DayItem:
    """One thing the user added that day, in their own words."""

    doc_id: int
    kind: str  # note, voice, photo, link (a page read from a link) or document
    at: datetime  # local time
    text: str  # what the item says: a note's text, a photo's caption and OCR, a document's start
    summary: str | None  # its checked one-line summary, when it needs one and has one
    name: str = ""  # a document's file name
    pages: int | None = None
    caption: str = ""  # a photo's caption
    seen: str = ""  # a photo's OCR text
    said_by: str = ""  # who said a note or voice note, when not the user (its `text` starts
    # "Anna: ", so lists find it by the name too)

    @property
    def line(self) -> str:
        """The item's line in the digest, never the model's unless checked."""
        if self.kind == "photo":
            words = self.caption or self.summary or ""
            seen = own_line(self.seen, 120) if self.seen else ""
            return " — ".join(
                part for part in (own_line(words), f"“{seen}”" if seen else "") if part
            )
        if self.kind == "link":
            return f"{self.name} ({self.caption})" if self.caption else self.name
        if self.kind == "document":
            pages = f" ({self.pages} p.)" if self.pages else ""
            about = self.summary or own_line(self.text, 160)
            return f"{self.name}{pages}: {about}" if about else f"{self.name}{pages}"
        if self.summary and self.said_by and not self.summary.startswith(self.said_by):
            return f"{self.said_by}: {self.summary}"
        return self.summary or own_line(self.text)

    @property
    def condensable(self) -> str:
        """The text a summary would condense; empty when the item's own words suffice."""
        if self.kind == "photo":
            return ""  # a caption is already the user's own line
        return self.text if Summarizer.needed(self.text) else ""


@dataclass(frozen=True)
class Coming:
    """What a day holds ahead: the items that name it ("dentist on Dec 3 at 15:00"), and
    the reminders due on it."""

    day: date
    items: list[DayItem] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items or self.reminders)


@dataclass(frozen=True)
class Digest:
    """A day's digest: every item, in order, each with its time and line; `tomorrow` what
    the next day holds."""

    user_id: int
    day: date
    items: list[DayItem]
    tomorrow: Coming | None = None

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(item.kind for item in self.items)
        return {kind: found[kind] for kind in KINDS if found[kind]}

    def plain(self) -> str:
        """The digest as plain text (the CLI, and the stored copy)."""
        counts = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in self.counts.items())
        lines = [f"{item.at:%H:%M} {item.kind}: {item.line}" for item in self.items]
        if self.tomorrow:
            lines += ["", f"Tomorrow, {self.tomorrow.day.isoformat()}:"]
            lines += [item.line for item in self.tomorrow.items]
            lines += [f"⏰ {reminder.text}" for reminder in self.tomorrow.reminders]
        return "\n".join([*lines, "", counts])


def day_item(uow: UnitOfWork, doc: StoredDocument, zone: ZoneInfo) -> DayItem:
    """A kept item as the digest shows it: its local time, kind and own words."""
    created = doc.created_at if doc.created_at.tzinfo else doc.created_at.replace(tzinfo=UTC)
    at = created.astimezone(zone)
    if doc.kind in ("note", "voice"):  # a voice note by its transcript; who said it, first
        words, said = uow.notes.text_of(doc.id), str(doc.meta.get("origin") or "")
        text = f"{said}: {words}" if said else words
        return DayItem(doc.id, doc.kind, at, text, doc.summary, said_by=said)
    if doc.kind == "image":
        taken = doc.meta.get("taken_at")
        if taken:
            at = datetime.fromisoformat(taken).replace(tzinfo=zone)
        caption = str(doc.meta.get("caption") or "")
        seen = str(doc.meta.get("ocr_text") or "")
        text = "\n".join(part for part in (caption, seen) if part)
        return DayItem(doc.id, "photo", at, text, doc.summary, caption=caption, seen=seen)
    if doc.kind == "link":  # by its title, with its site
        title = str(doc.meta.get("title") or doc.name)
        site = str(doc.meta.get("site") or "")
        return DayItem(doc.id, "link", at, title, None, name=title, caption=site)
    chunks = uow.chunks.of_document(doc.id)
    first = chunks[0].text if chunks else ""
    text = "\n".join(part for part in (doc.title or "", first) if part)
    return DayItem(doc.id, "document", at, text, doc.summary, name=doc.name, pages=doc.pages)


class Digests:
    def __init__(
        self,
        *,
        storage: Storage,
        queue: FairQueue,
        summarizer: Summarizer,
        default_timezone: str,
        default_time: str,
    ) -> None:
        self._storage = storage
        self._queue = queue
        self._summarizer = summarizer
        self._default_timezone = default_timezone
        self._default_time = default_time

    # Schedules ----------------------------------------------------------------------------

    def schedule(self, user_id: int) -> Schedule:
        with self._storage.read() as uow:
            user = uow.users.get(user_id)
        return self._schedule_of(user or UserSettings(user_id))

    def schedules(self) -> list[Schedule]:
        """Every known user's schedule, defaults resolved."""
        with self._storage.read() as uow:
            users = uow.users.all()
        return [self._schedule_of(user) for user in users]

    def set_timezone(self, user_id: int, text: str) -> Schedule:
        return self._update(user_id, timezone=parse_timezone(text))

    def set_time(self, user_id: int, text: str) -> Schedule:
        if text.strip().lower() == "off":
            return self._update(user_id, digest_enabled=False)
        return self._update(user_id, digest_time=parse_digest_time(text), digest_enabled=True)

    def set_weekly(self, user_id: int, text: str) -> Schedule:
        """ "6 20:00" (Sunday at 20:00, Monday is 0) or "off"."""
        value = text.strip().lower()
        if value == "off":
            return self._update(user_id, weekly_digest=None)
        day, _, at = value.partition(" ")
        if not (day.isdigit() and int(day) < WEEK_DAYS):
            raise ValueError(f"not a weekly time: {text!r}")
        return self._update(user_id, weekly_digest=f"{int(day)} {parse_digest_time(at)}")

    def set_brief(self, user_id: int, text: str) -> Schedule:
        """ "08:00" or "off": the morning brief of today's items and reminders."""
        value = text.strip().lower()
        brief = None if value == "off" else parse_digest_time(value)
        return self._update(user_id, morning_brief=brief)

    def _update(self, user_id: int, **fields: object) -> Schedule:
        with self._storage.begin() as uow:
            uow.users.update(user_id, **fields)
        return self.schedule(user_id)

    def _schedule_of(self, user: UserSettings) -> Schedule:
        return Schedule(
            user_id=user.user_id,
            timezone=user.timezone or self._default_timezone,
            at=user.digest_time or self._default_time,
            enabled=user.digest_enabled,
            language=user.language or "en",
            weekly=user.weekly_digest,
            brief=user.morning_brief,
            zone_chosen=user.timezone is not None,
        )

    # Content ------------------------------------------------------------------------------

    def items(self, user_id: int, day: date, zone: ZoneInfo) -> list[DayItem]:
        """What the user added on that local day, oldest first (a photo at its EXIF time)."""
        start, end = day_bounds(day, zone)
        with self._storage.read() as uow:
            docs = uow.documents.ready_between(user_id, start, end)
            found = [day_item(uow, doc, zone) for doc in docs]
        return sorted(found, key=lambda item: (item.at, item.doc_id))

    def coming(self, user_id: int, day: date, zone: ZoneInfo) -> Coming:
        """What `day` holds: the items naming it (oldest first) and its reminders."""
        start, end = day_bounds(day, zone)
        with self._storage.read() as uow:
            named = uow.named_days.naming(user_id, day, day)
            docs = [uow.documents.get(user_id, doc_id) for doc_id in sorted(named)]
            items = [day_item(uow, doc, zone) for doc in docs if doc is not None]
            reminders = uow.reminders.between(user_id, start, end)
        hours = {doc_id: min((n.hour for n in days if n.hour is not None), default=None)
                 for doc_id, days in named.items()}  # fmt: skip
        items.sort(key=lambda item: (hours.get(item.doc_id) is None, hours.get(item.doc_id) or 0))
        return Coming(day, items, reminders)

    # Summaries ----------------------------------------------------------------------------

    async def summarise_later(self, user_id: int, doc_id: int) -> None:
        """Make a new item's digest line now, at the lowest priority (when the model is idle),
        so the evening digest is only assembled. A failure leaves it for the digest."""
        try:
            item = await asyncio.to_thread(self._one_item, user_id, doc_id)
            if item is not None and item.condensable and item.summary is None:
                await self._summarise(item, user_id, BACKGROUND, None)
        except Exception:
            log.exception("summarising document %s for the digest failed", doc_id)

    def _one_item(self, user_id: int, doc_id: int) -> DayItem | None:
        zone = self.schedule(user_id).zone
        with self._storage.read() as uow:
            doc = uow.documents.get(user_id, doc_id)
            return day_item(uow, doc, zone) if doc and doc.status == "ready" else None

    async def _summarise(
        self, item: DayItem, user_id: int, priority: int, on_position: PositionCallback | None
    ) -> DayItem:
        try:
            summary = await self._queue.run(
                user_id,
                lambda: self._summarizer.summarise(item.condensable),
                priority=priority,
                on_position=on_position,
            )
        except (LlmUnavailable, LlmRefused) as exc:  # the line stays the item's own words
            log.warning("digest line of document %s left to its own words: %s", item.doc_id, exc)
            return item
        await asyncio.to_thread(self._keep_summary, user_id, item.doc_id, summary)
        return replace(item, summary=summary)

    def _keep_summary(self, user_id: int, doc_id: int, summary: str) -> None:
        with self._storage.begin() as uow:
            uow.documents.set_summary(user_id, doc_id, summary)

    # Digests ------------------------------------------------------------------------------

    async def digest(
        self,
        user_id: int,
        day: date,
        *,
        priority: int = BACKGROUND,
        on_position: PositionCallback | None = None,
        ahead: bool = False,
    ) -> Digest | None:
        """That day's digest; None: nothing was added (and, `ahead`, nothing names the next
        day). Items whose line was not made when they arrived are condensed now, in the
        model's queue at `priority`. `ahead`: with what the next day holds (the evening
        digest; a past day's, or a week's, has no "Tomorrow")."""
        schedule = await asyncio.to_thread(self.schedule, user_id)
        items = await asyncio.to_thread(self.items, user_id, day, schedule.zone)
        tomorrow = None
        if ahead:
            next_day = day + timedelta(days=1)
            tomorrow = await asyncio.to_thread(self.coming, user_id, next_day, schedule.zone)
        if not items:
            return Digest(user_id, day, [], tomorrow) if tomorrow else None
        done = []
        for item in items:
            if item.condensable and item.summary is None:
                item = await self._summarise(item, user_id, priority, on_position)
            done.append(item)
        digest = Digest(user_id, day, done, tomorrow)
        stamp = max(item.doc_id for item in done)
        await asyncio.to_thread(self._store, user_id, day, digest.plain(), len(done), stamp)
        return digest

    async def week(
        self,
        user_id: int,
        last_day: date,
        *,
        priority: int = BACKGROUND,
        on_position: PositionCallback | None = None,
    ) -> list[Digest]:
        """The seven days ending on `last_day`, each day's digest that has items, in order."""
        found = []
        for back in range(WEEK_DAYS - 1, -1, -1):
            day = last_day - timedelta(days=back)
            digest = await self.digest(user_id, day, priority=priority, on_position=on_position)
            if digest is not None:
                found.append(digest)
        return found

    def _store(self, user_id: int, day: date, text: str, items: int, stamp: int) -> None:
        with self._storage.begin() as uow:
            uow.digests.keep(user_id, day, text, items, stamp)
