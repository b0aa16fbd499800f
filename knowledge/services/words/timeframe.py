"""Time words in a question ("yesterday", "во вторник", "el lunes", "昨天") as a local range.

dateparser finds and resolves them in our four languages; this module only turns its answer
into the local day, week, month or year it names, in the asker's timezone, and drops what
dateparser reads too eagerly (a bare number as a year, the English "may", a future date).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from knowledge.domain.languages import LANGUAGES
from knowledge.services.words.calendar_words import (
    WEEKDAY,
    find_day_part,
    find_month,
    find_named_month,
    find_span,
    find_year,
    looks_back,
    looks_forward,
    of_named_week,
    weekday_of,
)

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

log = logging.getLogger(__name__)

# "may" and a rate ("a day", "a week": how much a day?) name no day of their own.
_NOT_DATES = {"may", "now", "then", "a day", "a week", "a month", "a year"}
_DIGITS_ONLY = re.compile(r"^[\d\s.,:/-]+$")
# A weekday that recurs: when something happens every week, not a day to look in.
_HABITUAL = re.compile(
    r"\b(?:(?:on|every|each)\s+)?(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays"
    r"|sundays)\b|\b(?:every|each)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\bпо\s+(?:понедельникам|вторникам|средам|четвергам|пятницам|субботам|воскресеньям)\b"
    r"|\bкажд(?:ый|ую|ое)\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b"
    r"|\b(?:todos\s+los|los|cada)\s+(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bados?"
    r"|domingos?)\b|每(?:个|逢)?(?:周|星期|礼拜)[一二三四五六日天]",
    re.IGNORECASE,
)
# "Now" in a question asks for the value that holds now, not for what was noted today
# ("Где сейчас принимает Артём?", "小陈现在在哪家店理发？"); dateparser reads it as today.
_NOW = re.compile(
    r"(?:right\s+)?now|сейчас|теперь|ныне|ahora(?:\s+mismo)?|actualmente|现在在?|目前|如今",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeFrame:
    """A local range [start, end) named by the words `phrase` of a question (and `also`,
    a part of the day); `forward` when the question asks what is coming."""

    phrase: str
    start: datetime  # aware, in the user's zone
    end: datetime
    period: str  # day, week, weekend, month or year
    also: str = ""
    forward: bool = False
    either: bool = False  # the question's tense does not say: the last or the coming one
    other: date | None = None  # then the coming day (the frame is the last one)

    @property
    def explicit(self) -> bool:
        """A date written out ("Dec 3", "2026-11-20"), not words like "yesterday"."""
        return any(ch.isdigit() for ch in self.phrase)

    @property
    def since(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The last instant inside the range (stores filter with <=)."""
        return (self.end - timedelta(microseconds=1)).astimezone(UTC)

    @property
    def days(self) -> list[date]:
        """The local days the range touches."""
        last = (self.end - timedelta(microseconds=1)).date()
        count = (last - self.start.date()).days + 1
        return [self.start.date() + timedelta(days=n) for n in range(count)]

    @property
    def hours(self) -> tuple[int, int] | None:
        """The part of the day asked about, as [start, end) hours; None: the whole day."""
        if self.period != "day" or not self.also:
            return None
        end = self.end.hour or 24
        return self.start.hour, end

    def describe(self) -> str:
        """How the range reads to the user: 2026-11-24, or 2026-11-16 – 2026-11-22."""
        last = (self.end - timedelta(microseconds=1)).date()
        if self.period == "day":
            return f"{self.start:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} – {last:%Y-%m-%d}"

    def without_phrase(self, question: str) -> str:
        """The question with the time words taken out, for searching by meaning."""
        rest = question
        for words in (self.phrase, self.also):
            if words:
                rest = rest.replace(words, " ")
        rest = " ".join(rest.split())
        return rest if any(ch.isalnum() for ch in rest) else question


@cache
def parsers() -> tuple[Callable[..., list[tuple[str, datetime]] | None], type[DateDataParser]]:
    """dateparser, imported at first use (its import takes a while)."""
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    return search_dates, DateDataParser


def warm_up() -> None:
    """Load dateparser's language data now (the first search takes ~0.3 s)."""
    find_timeframe("yesterday", ZoneInfo("UTC"))


def find_timeframe(question: str, zone: ZoneInfo, now: datetime | None = None) -> TimeFrame | None:
    """The local range the question's time words name; None when it names none. A question
    that looks forward ("what's on Saturday?") names the coming day, others the last one.
    A weekday that recurs ("closed on Mondays", "по понедельникам", "los lunes", "每周一")
    names no day."""
    question = _HABITUAL.sub(lambda match: " " * len(match.group()), question)
    local_now = (now or datetime.now(UTC)).astimezone(zone)
    forward = looks_forward(question) and not looks_back(question)
    either = not forward and not looks_back(question)
    frame = _weekday(question, local_now, forward) or _spanned(question, local_now, forward)
    frame = frame or _parsed(question, local_now, forward)
    part = find_day_part(question)
    if frame is None and part is not None:  # "утром", "this morning": today's
        frame = _between("", local_now.date(), local_now.date() + timedelta(days=1), "day", zone)
    if frame is None:
        return None
    frame = replace(frame, forward=forward, either=either and frame.period == "day")
    if frame.either and WEEKDAY.search(frame.phrase) and frame.start.date() < local_now.date():
        frame = replace(frame, other=frame.start.date() + timedelta(days=7))
    if part is None or frame.period != "day":
        return frame
    day = frame.start.date()
    return replace(
        frame,
        start=datetime.combine(day, time(part.start_hour), tzinfo=zone),
        end=datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=part.end_hour),
        also=part.phrase,
    )


def _spanned(question: str, now: datetime, forward: bool) -> TimeFrame | None:
    """ "this week", "на прошлых выходных", "el fin de semana", "这周"."""
    month = find_month(question)
    if month is not None:
        phrase, offset = month
        first = now.date().replace(day=1)
        for _ in range(-offset):
            first = (first - timedelta(days=1)).replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
        return _between(phrase, first, last, "month", now.tzinfo)
    named = find_named_month(question)
    if named is not None:
        phrase, number = named
        year = now.year if number <= now.month or forward else now.year - 1
        if (given := _year_beside(question, phrase)) is not None:  # "in March 2023"
            phrase, year = given
        first = date(year, number, 1)
        return _between(
            phrase, first, (first + timedelta(days=32)).replace(day=1), "month", now.tzinfo
        )
    if (relative := find_year(question)) is not None:  # "this year", "去年"
        phrase, offset = relative
        first = date(now.year + offset, 1, 1)
        return _between(phrase, first, first.replace(year=first.year + 1), "year", now.tzinfo)
    if (whole := _YEAR_ALONE.search(question)) is not None:  # "in 2023", "2023年"
        first = date(int(whole.group("year") or whole.group("zh")), 1, 1)
        return _between(
            whole.group(0), first, first.replace(year=first.year + 1), "year", now.tzinfo
        )
    span = find_span(question)
    if span is None:
        return None
    monday = now.date() - timedelta(days=now.weekday()) + timedelta(weeks=span.week)
    if span.days != tuple(range(7)):
        if span.week == 0 and not forward and now.weekday() < span.days[0]:
            monday -= timedelta(weeks=1)  # "the weekend", asked on a Wednesday: the last one
        first = monday + timedelta(days=span.days[0])
        last = monday + timedelta(days=span.days[-1] + 1)
        return _between(span.phrase, first, last, "weekend", now.tzinfo)
    return _between(span.phrase, monday, monday + timedelta(days=7), "week", now.tzinfo)


_YEAR = r"(?P<year>(?:19|20)\d{2})"
_YEAR_ALONE = re.compile(
    rf"(?:\b(?:in|of|during|в|во|за|en|de|del|durante)\s+{_YEAR}\b(?:\s*(?:году|год|г\.))?"
    r"|(?P<zh>(?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月))",
    re.IGNORECASE,
)


def _year_beside(question: str, phrase: str) -> tuple[str, int] | None:
    """A year written with a named month, after it ("March 2023", "марте 2023 года",
    "marzo de 2023") or before it ("2023年3月"): the phrase with the year, and the year."""
    month = re.escape(phrase)
    after = re.search(rf"{month}\s*(?:,\s*)?(?:de\s+|del\s+)?{_YEAR}(?:\s*(?:года|г\.))?", question)
    before = re.search(rf"{_YEAR}\s*年\s*{month}", question)
    found = after or before
    return (found.group(0), int(found.group("year"))) if found else None


def _weekday(question: str, now: datetime, forward: bool) -> TimeFrame | None:
    """A weekday, which dateparser misses in Chinese ("周四") and ties to clock words."""
    match = WEEKDAY.search(question)
    if match is None:
        return None
    weekday = weekday_of(match)
    today = now.date()
    named = of_named_week(match, today)
    if named is not None:
        day = named
    elif forward:
        ahead = (weekday - today.weekday()) % 7
        next_one = re.search(r"\b(next|следующ\w*|próxim\w*)\b", question, re.I)
        day = today + timedelta(days=ahead or (7 if next_one else 0))
    else:
        day = today - timedelta(days=(today.weekday() - weekday) % 7)
    phrase = _with_preposition(question, match)
    return _between(phrase, day, day + timedelta(days=1), "day", now.tzinfo)


def _with_preposition(question: str, match: re.Match[str]) -> str:
    """The weekday with the little word before it ("on Tuesday", "во вторник", "el lunes")."""
    before = question[: match.start()]
    little = re.search(r"(\b(?:on|last|this|next|во|в|el|este|el pasado)\s+)$", before, re.I)
    return (little.group(1) if little else "") + match.group(0)


def _parsed(question: str, now: datetime, forward: bool) -> TimeFrame | None:
    search_dates, date_parser = parsers()
    settings = {
        "PREFER_DATES_FROM": "future" if forward else "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = search_dates(question, languages=list(LANGUAGES), settings=settings) or []
    except Exception:  # dateparser on odd input: treat as no time words, but say so
        log.warning("dateparser failed on a question; searching all of memory", exc_info=True)
        return None
    for phrase, moment in found:
        words = phrase.strip()
        if too_eager(words) or (moment.date() > now.date() and not forward):
            continue
        part = find_day_part(words)
        if part is not None and words == part.phrase:
            continue  # "morning" alone is a part of the day, not a date
        data = date_parser(languages=list(LANGUAGES), settings=settings).get_date_data(words)
        period = getattr(data, "period", None) or "day"
        if (
            period in ("month", "year")
            and len(words.split()) == 1
            and not _after_in(question, words)
        ):
            continue  # "febrero", "2026": more often when something happens than when it was noted
        return _frame(words, moment.date(), period, now.tzinfo)
    return None


def _after_in(question: str, words: str) -> bool:
    """ "в ноябре", "en noviembre": a month with "in" before it names when it was noted."""
    return bool(re.search(r"(?:\b(?:in|в|во|en|durante)\s+)" + re.escape(words), question, re.I))


def too_eager(words: str) -> bool:
    """What dateparser reads as a date but people rarely mean so: "may", "mi" (miércoles),
    a bare number, "now" in any of our languages."""
    if not words.split() or words.lower() in _NOT_DATES or _DIGITS_ONLY.match(words):
        return True
    if _NOW.fullmatch(words.strip()):
        return True
    if any("\u4e00" <= ch <= "\u9fff" for ch in words):
        return False
    return max(len(word) for word in words.split()) < 3  # "de mi", "el do"


def _between(phrase: str, first: date, last: date, period: str, zone: object) -> TimeFrame:
    assert isinstance(zone, tzinfo)
    return TimeFrame(
        phrase=phrase,
        start=datetime.combine(first, time(0), tzinfo=zone),
        end=datetime.combine(last, time(0), tzinfo=zone),
        period=period,
    )


def _frame(phrase: str, day: date, period: str, zone: object) -> TimeFrame:
    if period == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    elif period == "month":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    elif period == "year":
        first = day.replace(month=1, day=1)
        last = first.replace(year=first.year + 1)
    else:
        period = "day"
        first, last = day, day + timedelta(days=1)
    return _between(phrase, first, last, period, zone)
