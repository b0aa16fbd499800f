"""The days an item is about: "Ужин у бабушки в субботу в 19:00", written on a Wednesday,
names that Saturday; "Dentist on December 3 at 15:00" names December 3.

Dates and relative words ("tomorrow", "вчера", "el 3 de diciembre") are read by dateparser
against the time the item was written; weekdays by our own table (calendar_words), since
dateparser reads "viernes a las 21" as the 21st and knows no "周四". A weekday in a sentence
that looks back ("el lunes fui al cine") is the last one, otherwise the coming one (people
note plans ahead and tell what happened with "yesterday"). One resolver for every use: time
questions, and the reminders that will offer themselves for the dates notes name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from knowledge.domain.languages import LANGUAGES
from knowledge.domain.model import NamedDay, StoredDocument
from knowledge.domain.repositories import Storage, UnitOfWork
from knowledge.services.words.calendar_words import (
    WEEKDAY,
    looks_back,
    looks_forward,
    of_named_week,
    weekday_of,
)
from knowledge.services.words.language import guess_language
from knowledge.services.words.reminder_days import days_named
from knowledge.services.words.timeframe import parsers, too_eager

log = logging.getLogger(__name__)

_CLOCK = re.compile(
    r"(?:\b(?:at|в|a las|a la)\s*)?\b([01]?\d|2[0-3])[:.]([0-5]\d)\b"
    r"|\b(?:a las|a la)\s+([01]?\d|2[0-3])\b"
    r"|\bв\s+([01]?\d|2[0-3])\s*(?:час|ч\b)"
    r"|([零一二两三四五六七八九十]{1,3}|\d{1,2})点",
    re.IGNORECASE,
)
_ZH_NUMBERS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_EVENING = re.compile(r"晚上|下午|傍晚|\bpm\b|de la tarde|de la noche|вечера", re.IGNORECASE)
_MORNING = re.compile(r"\b(?:de|por|en|a) la mañana\b|\besta mañana\b", re.IGNORECASE)
AHEAD_DAYS = 366  # a named date further off than a year is not taken as the item's day


def named_days(text: str, written: datetime) -> list[NamedDay]:
    """The days `text` names, resolved against `written` (aware, the writer's local time);
    empty when it names none. Never raises: odd input names nothing, and says so."""
    try:
        found = _weekdays(text, written) + _dated(text, written)
    except Exception:
        log.warning("reading the dates an item names failed; it names none", exc_info=True)
        return []
    hour = _hour(text)
    seen: dict[date, NamedDay] = {}
    for day in found:
        if abs((day - written.date()).days) <= AHEAD_DAYS:
            seen.setdefault(day, NamedDay(day, hour))
    return sorted(seen.values(), key=lambda named: named.day)


def _weekdays(text: str, written: datetime) -> list[date]:
    back = looks_back(text) and not looks_forward(text)
    today = written.date()
    days = []
    for match in WEEKDAY.finditer(text):
        named = of_named_week(match, today)
        if named is not None:  # 下周二 said on a Monday: eight days on, not tomorrow
            days.append(named)
            continue
        weekday = weekday_of(match)
        ahead = (weekday - today.weekday()) % 7
        days.append(today - timedelta(days=(7 - ahead) % 7) if back else today + timedelta(ahead))
    return days


def _dated(text: str, written: datetime) -> list[date]:
    """Dates and relative days that dateparser finds, weekday phrases left to `_weekdays`.
    Chinese is read by the reminders' tables: dateparser takes "12月4日" for a December 6th
    a year off and finds no day in "明天下午3点"."""
    language = guess_language(text)  # its own language only: half the time, same days
    if language == "zh":
        return _zh_days(text, written.date())
    search_dates, _ = parsers()
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    text = _MORNING.sub(lambda m: " " * len(m.group(0)), text)  # "de la mañana" is no day
    settings = {
        "PREFER_DATES_FROM": "past" if looks_back(text) else "future",
        "RELATIVE_BASE": written.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day"],
    }
    found = search_dates(text, languages=languages, settings=settings) or []
    days = []
    for phrase, moment in found:
        words = phrase.strip()
        if too_eager(words) or WEEKDAY.search(words) or _CLOCK.fullmatch(words):
            continue
        days.append(moment.date())
    return days


def _zh_days(text: str, today: date) -> list[date]:
    """The days a Chinese text names; a date ahead in one that looks back ("10月1日去了北京",
    written in December) is last year's, as dateparser's "past" would take it."""
    days = days_named(text, today)
    if not looks_back(text):
        return days
    return [_year_before(day) if day > today + timedelta(days=2) else day for day in days]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # February 29
        return day - timedelta(days=365)


def _hour(text: str) -> int | None:
    match = _CLOCK.search(text)
    if match is None:
        return None
    hours, _, bare, russian, chinese = match.groups()
    if chinese is not None:
        value = int(chinese) if chinese.isdigit() else _zh_number(chinese)
    else:
        value = int(hours or bare or russian)
    if value < 12 and _EVENING.search(text):
        value += 12
    return value if 0 <= value < 24 else None


def _zh_number(text: str) -> int:
    if text.startswith("十"):
        return 10 + (_ZH_NUMBERS[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _ZH_NUMBERS[tens] * 10 + (_ZH_NUMBERS[ones] if ones else 0)
    return _ZH_NUMBERS.get(text, 0)


class DayReader:
    """Keeps the days an item names with it, read in the writer's timezone."""

    def __init__(self, *, storage: Storage, zone_of: Callable[[int], ZoneInfo]) -> None:
        self._storage = storage
        self._zone_of = zone_of

    def zone(self, user_id: int) -> ZoneInfo:
        return self._zone_of(user_id)

    def record(self, uow: UnitOfWork, doc: StoredDocument, text: str, zone: ZoneInfo) -> None:
        """Keep what `text` (the item's words) names, in the unit of work that keeps it."""
        written = _aware(doc.created_at).astimezone(zone)
        uow.named_days.replace(doc.user_id, doc.id, named_days(text, written))

    def catch_up(self, batch: int = 500) -> int:
        """Read the days of items kept before days were read; how many were read."""
        done = 0
        while ids := self._unread(batch):
            self._read_batch(ids)
            done += len(ids)
        if done:
            log.info("read the days %d earlier items name", done)
        return done

    def _unread(self, batch: int) -> list[int]:
        with self._storage.read() as uow:
            return uow.named_days.unread(batch)

    def _read_batch(self, ids: list[int]) -> None:
        """The items read in one transaction, their days kept in another."""
        with self._storage.read() as uow:
            docs = [doc for doc in map(uow.documents.by_id, ids) if doc is not None]
            words = [words_of(uow, doc) for doc in docs]
        zones = {user: self._zone_of(user) for user in {doc.user_id for doc in docs}}
        named = {
            doc.id: (
                doc.user_id,
                named_days(text, _aware(doc.created_at).astimezone(zones[doc.user_id])),
            )
            for doc, text in zip(docs, words, strict=True)
        }
        with self._storage.begin() as uow:
            uow.named_days.replace_many(named)


def words_of(uow: UnitOfWork, doc: StoredDocument) -> str:
    """The words of an item that may name a day: a note's or voice note's text, a caption."""
    if doc.kind in ("note", "voice"):
        return uow.notes.text_of(doc.id)
    return str(doc.meta.get("caption") or "")


def _local(doc: StoredDocument, zone: ZoneInfo) -> datetime:
    return _aware(doc.created_at).astimezone(zone)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
