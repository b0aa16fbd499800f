"""Daily digests: everything a user added on one local day, summarised by the local model.

Days are local to the user's IANA timezone (zoneinfo, so DST days last 23 or 25 hours).
A day that does not fit the model's context is summarised in parts and merged (map-reduce).
Counts are computed here, not by the model. Each day's digest is stored; sending is claimed
in the database first, so a restart never sends a day twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from knowledge.fair_queue import FairQueue
from knowledge.generation import LlmWorker
from knowledge.model import GenerationParams
from knowledge.profiles import update_user
from knowledge.records import ChunkRecord, DigestRecord, Document, Note, User, utcnow
from knowledge.settings import Settings

log = logging.getLogger(__name__)

DIGEST_PRIORITY = 1  # after questions
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "es": "Spanish", "zh": "Chinese"}
_SYSTEM = (
    "You write a short evening digest of the user's day from the items they saved. Group "
    "the items by topic under short headings, keep each item's time at the start of its line "
    '(like "08:12 breakfast: oatmeal with berries"), and mention documents in one line '
    "each. Use only the items given; never invent anything."
)
_MERGE = (
    "You merge partial digests of the same day into one digest. Group by topic under short "
    "headings, keep the times, drop repetitions, never invent anything."
)
_KIND_WORDS = {
    "en": {
        "note": ("note", "notes"),
        "photo": ("photo", "photos"),
        "document": ("document", "documents"),
    },
    "ru": {
        "note": ("заметка", "заметок"),
        "photo": ("фото", "фото"),
        "document": ("документ", "документов"),
    },
}


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
    doc_id: int
    kind: str  # note, photo or document
    at: datetime  # local time
    line: str


@dataclass(frozen=True)
class Digest:
    user_id: int
    day: date
    text: str
    items: int


class Digests:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        worker: LlmWorker,
        queue: FairQueue,
        params: GenerationParams,
        settings: Settings,
    ) -> None:
        self._sessions = sessions
        self._worker = worker
        self._queue = queue
        self._params = params
        self._settings = settings

    # Schedules ----------------------------------------------------------------------------

    def schedule(self, user_id: int) -> Schedule:
        with self._sessions() as session:
            user = session.get(User, user_id)
            return self._schedule_of(user_id, user)

    def schedules(self) -> list[Schedule]:
        """Every known user's schedule, defaults resolved."""
        with self._sessions() as session:
            users = session.scalars(select(User)).all()
            return [self._schedule_of(user.id, user) for user in users]

    def set_timezone(self, user_id: int, text: str) -> Schedule:
        return self._update(user_id, timezone=parse_timezone(text))

    def set_time(self, user_id: int, text: str) -> Schedule:
        if text.strip().lower() == "off":
            return self._update(user_id, digest_enabled=False)
        return self._update(user_id, digest_time=parse_digest_time(text), digest_enabled=True)

    def _update(self, user_id: int, **fields: object) -> Schedule:
        update_user(self._sessions, user_id, **fields)
        return self.schedule(user_id)

    def _schedule_of(self, user_id: int, user: User | None) -> Schedule:
        return Schedule(
            user_id=user_id,
            timezone=(user.timezone if user else None) or self._settings.default_tz,
            at=(user.digest_time if user else None) or self._settings.default_digest_time,
            enabled=user.digest_enabled if user else True,
            language=(user.language if user else None) or "en",
        )

    # Content ------------------------------------------------------------------------------

    def items(self, user_id: int, day: date, zone: ZoneInfo) -> list[DayItem]:
        """What the user added on that local day, oldest first."""
        start, end = day_bounds(day, zone)
        with self._sessions() as session:
            docs = session.scalars(
                select(Document)
                .where(
                    Document.user_id == user_id,
                    Document.status == "ready",
                    Document.created_at >= start,
                    Document.created_at < end,
                )
                .order_by(Document.created_at, Document.id)
            ).all()
            return [self._item(session, doc, zone) for doc in docs]

    def _item(self, session: Session, doc: Document, zone: ZoneInfo) -> DayItem:
        created = doc.created_at if doc.created_at.tzinfo else doc.created_at.replace(tzinfo=UTC)
        at = created.astimezone(zone)
        if doc.kind == "note":
            note = session.scalar(select(Note.text).where(Note.document_id == doc.id)) or ""
            return DayItem(doc.id, "note", at, _one_line(note, 300))
        if doc.kind == "image":
            taken = doc.meta.get("taken_at")
            if taken:
                at = datetime.fromisoformat(taken).replace(tzinfo=zone)
            caption = doc.meta.get("caption") or ""
            read = _one_line(str(doc.meta.get("ocr_text") or ""), 200)
            parts = [p for p in (caption, f"text in it: {read}" if read else "") if p]
            return DayItem(doc.id, "photo", at, "photo: " + ("; ".join(parts) or "no caption"))
        first = (
            session.scalar(
                select(ChunkRecord.text)
                .where(ChunkRecord.document_id == doc.id)
                .order_by(ChunkRecord.number)
                .limit(1)
            )
            or ""
        )
        pages = f", {doc.pages} pages" if doc.pages else ""
        title = doc.title or doc.name
        return DayItem(
            doc.id, "document", at, f"document {doc.name}{pages}: {title}. {_one_line(first, 160)}"
        )

    # Digests ------------------------------------------------------------------------------

    async def digest(self, user_id: int, day: date) -> Digest | None:
        """The stored digest of that day, regenerated when items changed; None: empty day."""
        schedule = await asyncio.to_thread(self.schedule, user_id)
        items = await asyncio.to_thread(self.items, user_id, day, schedule.zone)
        if not items:
            return None
        stamp = max(item.doc_id for item in items)
        stored = await asyncio.to_thread(self._stored, user_id, day)
        if stored and stored.text and (stored.items, stored.last_item_id) == (len(items), stamp):
            return Digest(user_id, day, stored.text, stored.items)
        summary = await self._queue.run(
            user_id,
            lambda: self._summarise(items, day, schedule.language),
            priority=DIGEST_PRIORITY,
        )
        text = f"{summary.strip()}\n\n{_counts(items, schedule.language)}"
        await asyncio.to_thread(self._store, user_id, day, text, len(items), stamp)
        return Digest(user_id, day, text, len(items))

    def claim(self, user_id: int, day: date) -> bool:
        """Record that the day's digest is being sent; False if it already was.

        One conditional UPDATE, so two processes (or a replay racing the job) cannot both
        claim the same day, on SQLite or PostgreSQL.
        """
        with self._sessions.begin() as session:
            self._record(session, user_id, day)
        with self._sessions.begin() as session:
            claimed = session.execute(
                update(DigestRecord)
                .where(
                    DigestRecord.user_id == user_id,
                    DigestRecord.local_date == day,
                    DigestRecord.sent_at.is_(None),
                )
                .values(sent_at=utcnow())
            )
            return claimed.rowcount == 1  # type: ignore[attr-defined]

    def _stored(self, user_id: int, day: date) -> DigestRecord | None:
        with self._sessions() as session:
            return session.scalar(
                select(DigestRecord).where(
                    DigestRecord.user_id == user_id, DigestRecord.local_date == day
                )
            )

    def _store(self, user_id: int, day: date, text: str, items: int, stamp: int) -> None:
        with self._sessions.begin() as session:
            record = self._record(session, user_id, day)
            record.text, record.items, record.last_item_id = text, items, stamp

    @staticmethod
    def _record(session: Session, user_id: int, day: date) -> DigestRecord:
        record = session.scalar(
            select(DigestRecord).where(
                DigestRecord.user_id == user_id, DigestRecord.local_date == day
            )
        )
        if record is None:
            if session.get(User, user_id) is None:
                session.add(User(id=user_id))
                session.flush()
            record = DigestRecord(user_id=user_id, local_date=day)
            session.add(record)
            session.flush()
        return record

    async def _summarise(self, items: list[DayItem], day: date, language: str) -> str:
        lines = [f"{item.at:%H:%M} {item.line}" for item in items]
        name = _LANGUAGE_NAMES.get(language, "English")
        budget = self._settings.n_ctx - self._params.max_tokens - 200
        batches = await self._batches(lines, budget)
        parts = [
            await self._complete(
                _SYSTEM,
                f"Items of {day:%Y-%m-%d}:\n"
                + "\n".join(batch)
                + f"\n\nWrite the digest in {name}.",
            )
            for batch in batches
        ]
        if len(parts) == 1:
            return parts[0]
        log.info("digest of %d items summarised in %d parts", len(items), len(parts))
        return await self._complete(
            _MERGE, "\n\n---\n\n".join(parts) + f"\n\nWrite the merged digest in {name}."
        )

    async def _batches(self, lines: list[str], budget: int) -> list[list[str]]:
        costs = await self._worker.run(lambda model: [model.count_tokens(x) + 1 for x in lines])
        batches: list[list[str]] = [[]]
        used = 0
        for line, cost in zip(lines, costs, strict=True):
            if batches[-1] and used + cost > budget:
                batches.append([])
                used = 0
            batches[-1].append(line)
            used += cost
        return batches

    async def _complete(self, system: str, user: str) -> str:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        params = replace(self._params, temperature=min(self._params.temperature, 0.3))
        return "".join([piece async for piece in self._worker.stream(messages, params)])


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _counts(items: list[DayItem], language: str) -> str:
    words = _KIND_WORDS.get(language, _KIND_WORDS["en"])
    parts = []
    for kind in ("note", "photo", "document"):
        n = sum(1 for item in items if item.kind == kind)
        if n:
            one, many = words[kind]
            parts.append(f"{n} {one if n == 1 else many}")
    return "— " + ", ".join(parts)
