"""The days a reminder request names and how it repeats, in en/ru/es/zh: "tomorrow",
"послезавтра", "el 3 de diciembre", "12月4日", a weekday (calendar_words' tables, as the rest
of the core reads them), "every day", "по будням", "每周一". `days_named` lists the days a
text names (named_dates reads Chinese with it); `Found` keeps the spans of the time words a
reading finds, to take them out of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from knowledge.services.words.calendar_words import WEEKDAY, of_named_week, weekday_of
from knowledge.services.words.number_words import ZH_NUMBER, zh_number

# Days ------------------------------------------------------------------------------------

_TODAY = re.compile(r"\b(?:today|tonight|сегодня|hoy|esta noche)\b|今天|今晚|今早|今日", re.I)
_TOMORROW = re.compile(
    r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tomorrw|tmrw|tmr|завтра|завтро|zavtra)\b"
    r"|(?<!la )(?<!pasado )\b(?:mañana|manana)\b"
    r"|明天|明早|明晚|明日",
    re.IGNORECASE,
)
_YESTERDAY = re.compile(r"\b(?:yesterday|вчера|ayer)\b|昨天|昨晚", re.IGNORECASE)
_AFTER_TOMORROW = re.compile(
    r"\b(?:the\s+)?day after tomorrow\b|\bпослезавтра\b|\bpasado mañana\b|后天", re.IGNORECASE
)
_RELATIVE_DAYS = ((_AFTER_TOMORROW, 2), (_TOMORROW, 1), (_TODAY, 0), (_YESTERDAY, -1))
_MONTHS = [
    ("jan(?:uary)?", "январ[яь]", "enero"),
    ("feb(?:ruary)?", "феврал[яь]", "febrero"),
    ("mar(?:ch)?", "марта?", "marzo"),
    ("apr(?:il)?", "апрел[яь]", "abril"),
    ("may", "мая|май", "mayo"),  # "may" only beside a day number
    ("june?", "июн[яь]", "junio"),
    ("july?", "июл[яь]", "julio"),
    ("aug(?:ust)?", "августа?", "agosto"),
    ("sep(?:t|tember)?", "сентябр[яь]", "septiembre|setiembre"),
    ("oct(?:ober)?", "октябр[яь]", "octubre"),
    ("nov(?:ember)?", "ноябр[яь]", "noviembre"),
    ("dec(?:ember)?", "декабр[яь]", "diciembre"),
]
_MONTH_WORD = "|".join("|".join(stems) for stems in _MONTHS)
_DATES = [
    re.compile(
        rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        rf"(?P<month>{_MONTH_WORD})\b\.?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:on\s+)?(?P<month>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:el\s+)?(?:día\s+)?(?P<day>\d{{1,2}})\s+de\s+(?P<month>{_MONTH_WORD})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<month_n>{ZH_NUMBER})\s*月\s*(?P<day>{ZH_NUMBER})\s*[日号]",
    ),
    re.compile(r"\b(?P<year>20\d\d)-(?P<month_n>\d\d)-(?P<day>\d\d)\b"),
]

# Recurrence ------------------------------------------------------------------------------

_DAILY = re.compile(
    r"\b(?:every\s*day|everyday|daily|each day|every (?:morning|evening|night)"
    r"|каждый день|ежедневно|каждое утро|каждый вечер|каждую ночь|todos los días"
    r"|todos los dias|cada día|cada dia|diariamente|todas las mañanas|todas las noches"
    r"|todas las tardes)\b|每天|每日|每晚|每早",
    re.IGNORECASE,
)
_WORKDAYS = re.compile(
    r"\b(?:every weekday|on weekdays|weekdays|по будням|каждый будний день|entre semana"
    r"|de lunes a viernes|los días laborables)\b|每个工作日|工作日",
    re.IGNORECASE,
)
_WEEKLY = re.compile(
    r"\b(?:every|each|каждый|каждую|каждое|по|todos los|todas las|cada|los)\s+(?=\w)"
    r"|每(?:个)?(?=周|星期|礼拜)|(?<=\bon )(?=\w+days\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Recurrence:
    """How a reminder repeats: every day, or on some weekdays (Monday 0)."""

    weekdays: tuple[int, ...]  # all seven: every day

    @property
    def code(self) -> str:
        return "daily" if len(self.weekdays) == 7 else "weekly:" + ",".join(map(str, self.weekdays))

    @classmethod
    def parse(cls, code: str | None) -> Recurrence | None:
        """The repeat a code names ("daily", "weekly:0,4"); None for none; ValueError for
        a code that names no weekday."""
        if not code:
            return None
        if code == "daily":
            return cls(tuple(range(7)))
        days = tuple(int(day) for day in code.removeprefix("weekly:").split(","))
        if not days or not set(days) <= set(range(7)):
            raise ValueError(f"no repeat: {code!r}")
        return cls(days)

    def next_after(self, moment: datetime) -> datetime:
        """The next occurrence after `moment` at its local time of day (its zone's DST
        respected: the wall-clock time stays)."""
        local = moment.replace(tzinfo=None)
        for ahead in range(1, 8):
            day = local.date() + timedelta(days=ahead)
            if day.weekday() in self.weekdays:
                return wall_clock(day, local.time(), moment)
        raise AssertionError("a recurrence has weekdays")

    def first_after(self, moment: datetime, now: datetime) -> datetime:
        """The first occurrence after `now` of a reminder due at `moment` (aware, in its
        zone): what stepping `next_after` from `moment` finds, however far back `moment`
        is, in at most eight steps: from the local day before `now` at `moment`'s
        wall-clock time. A `moment` still ahead is itself."""
        if moment > now:
            return moment
        local = moment.replace(tzinfo=None)
        day_before = now.astimezone(moment.tzinfo).date() - timedelta(days=1)
        if local.date() < day_before:  # the days between hold nothing after `now`
            moment = wall_clock(day_before, local.time(), moment)
        moment = self.next_after(moment)
        while moment <= now:
            moment = self.next_after(moment)
        return moment


# Reading ---------------------------------------------------------------------------------


@dataclass
class Found:
    """The spans of the time words a reading found in a text."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def take(self, match: re.Match[str]) -> None:
        self.spans.append(match.span())


def wall_clock(day: date, at: time, like: datetime) -> datetime:
    """`day` at `at` in the zone of `like`, the wall-clock time kept across DST."""
    return datetime.combine(day, at, tzinfo=like.tzinfo)


def read_recurrence(text: str, found: Found) -> Recurrence | None:
    """The repeat `text` names ("every day", "по будням", "each Monday and Thursday"), its
    words noted in `found`; None: it names none."""
    for pattern, days in ((_WORKDAYS, (0, 1, 2, 3, 4)), (_DAILY, tuple(range(7)))):
        match = pattern.search(text)
        if match:
            found.take(match)
            return Recurrence(days)
    lead = _WEEKLY.search(text)
    if lead is None:
        return None
    weekdays = []
    end = lead.end()
    for match in WEEKDAY.finditer(text, lead.end()):
        if not re.fullmatch(r"\s*(?:,|and|и|y|e|和|、)?\s*", text[end : match.start()]):
            break
        weekdays.append(weekday_of(match))
        found.take(match)
        end = match.end()
    if not weekdays:
        return None
    found.spans.append(lead.span())
    return Recurrence(tuple(sorted(set(weekdays))))


def read_day(text: str, now: datetime, found: Found) -> tuple[date | None, str | None]:
    """The day named, and how ("day", "date", "weekday"; None: none was named; a date can
    be named but not exist)."""
    today = now.date()
    for pattern, ahead in _RELATIVE_DAYS:
        match = pattern.search(text)
        if match:
            found.take(match)
            return today + timedelta(days=ahead), "day"
    for pattern in _DATES:
        match = pattern.search(text)
        if match:
            found.take(match)
            return _dated(match, today), "date"
    match = WEEKDAY.search(text)
    if match:
        found.take(match)
        named = of_named_week(match, today)
        if named is not None:  # 下周二: Tuesday of next week
            return named, "date"
        weekday = weekday_of(match)
        ahead = (weekday - today.weekday()) % 7 or 7  # today's weekday: you'd say "today"
        return today + timedelta(days=ahead), "weekday"
    return None, None


def days_named(text: str, today: date) -> list[date]:
    """Every day that relative words ("tomorrow", "后天") and dates ("December 4", "12月4日")
    of `text` name, as a request reads them (weekdays aside), in the order of the tables."""
    days = []
    for pattern, ahead in _RELATIVE_DAYS:
        for match in pattern.finditer(text):
            days.append(today + timedelta(days=ahead))
            start, end = match.span()  # "day after tomorrow" is not "tomorrow" too
            text = text[:start] + " " * (end - start) + text[end:]
    for pattern in _DATES:
        days += [day for m in pattern.finditer(text) if (day := _dated(m, today)) is not None]
    return days


def _dated(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if groups.get("month_n"):
        month = zh_number(groups["month_n"])
    else:
        word = groups["month"].lower()
        month = next(
            n
            for n, stems in enumerate(_MONTHS, 1)
            if any(re.fullmatch(stem, word) for stem in stems)
        )
    day = zh_number(groups["day"])
    year = int(groups["year"]) if groups.get("year") else today.year
    try:
        named = date(year, month, day)
    except ValueError:
        return None
    if not groups.get("year") and named < today - timedelta(days=60):
        named = date(year + 1, month, day)  # "on January 5" said in December
    return named
