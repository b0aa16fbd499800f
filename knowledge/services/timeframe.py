"""Time words in a question ("yesterday", "во вторник", "el lunes", "昨天") as a local range.

dateparser finds and resolves them in our four languages; this module only turns its answer
into the local day, week, month or year it names, in the asker's timezone, and drops what
dateparser reads too eagerly (a bare number as a year, the English "may", a future date).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

log = logging.getLogger(__name__)

LANGUAGES = ["en", "ru", "es", "zh"]
_NOT_DATES = {"may", "now", "then"}
_DIGITS_ONLY = re.compile(r"^[\d\s.,:/-]+$")


@dataclass(frozen=True)
class TimeFrame:
    """A local range [start, end) named by the words `phrase` of a question."""

    phrase: str
    start: datetime  # aware, in the user's zone
    end: datetime
    period: str  # day, week, month or year

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

    def describe(self) -> str:
        """How the range reads to the user: 2026-11-24, or 2026-11-16 – 2026-11-22."""
        last = (self.end - timedelta(days=1)).date()
        if self.period == "day":
            return f"{self.start:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} – {last:%Y-%m-%d}"

    def without_phrase(self, question: str) -> str:
        """The question with the time words taken out, for searching by meaning."""
        rest = " ".join(question.replace(self.phrase, " ").split())
        return rest if any(ch.isalnum() for ch in rest) else question


@cache
def _parsers() -> tuple[Callable[..., list[tuple[str, datetime]] | None], type[DateDataParser]]:
    """dateparser, imported at first use (its import takes a while)."""
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    return search_dates, DateDataParser


def warm_up() -> None:
    """Load dateparser's language data now (the first search takes ~0.3 s)."""
    find_timeframe("yesterday", ZoneInfo("UTC"))


def find_timeframe(question: str, zone: ZoneInfo, now: datetime | None = None) -> TimeFrame | None:
    """The local range the question's time words name; None when it names none."""
    search_dates, date_parser = _parsers()
    local_now = (now or datetime.now(UTC)).astimezone(zone)
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = search_dates(question, languages=LANGUAGES, settings=settings) or []
    except Exception:  # dateparser on odd input: treat as no time words, but say so
        log.warning("dateparser failed on a question; searching all of memory", exc_info=True)
        return None
    for phrase, moment in found:
        words = phrase.strip()
        if _too_eager(words) or moment.date() > local_now.date():
            continue
        data = date_parser(languages=LANGUAGES, settings=settings).get_date_data(words)
        period = getattr(data, "period", None) or "day"
        if period in ("month", "year") and len(words.split()) == 1:
            continue  # "febrero", "2026": more often when something happens than when it was noted
        return _frame(words, moment.date(), period, zone)
    return None


def _too_eager(words: str) -> bool:
    """What dateparser reads as a date but people rarely mean so: "may", "mi" (miércoles),
    a bare number."""
    if words.lower() in _NOT_DATES or _DIGITS_ONLY.match(words):
        return True
    if any("\u4e00" <= ch <= "\u9fff" for ch in words):
        return False
    return max(len(word) for word in words.split()) < 3  # "de mi", "el do"


def _frame(phrase: str, day: date, period: str, zone: ZoneInfo) -> TimeFrame:
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
    return TimeFrame(
        phrase=phrase,
        start=datetime.combine(first, time(0), tzinfo=zone),
        end=datetime.combine(last, time(0), tzinfo=zone),
        period=period,
    )
