"""When a reminder request says to remind: "in 20 minutes", "at 5", "9:30 pm", "tomorrow
morning", "через час", "в 18:30", "a las 10 y media", "明天早上八点", on the day and with
the repeat that reminder_days reads, resolved against the sender's local time.

The time is read, not guessed: a bare hour that could be morning or evening ("at 5") gives
both to choose from; an hour given by a part of the day alone ("tomorrow morning") is the
usual one (09:00, 15:00, 19:00, 21:00 at night), and the confirmation says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from knowledge.services.words.number_words import NUMBER, ZH_NUMBER, number
from knowledge.services.words.reminder_days import (
    Found,
    Recurrence,
    read_day,
    read_recurrence,
    wall_clock,
)

# Time words ------------------------------------------------------------------------------

_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


def _unit(word: str) -> timedelta:
    word = word.lower()
    if word.startswith(("min", "мин", "分")):
        return _UNITS["minute"]
    if word.startswith(("h", "ч", "hora", "小时", "钟头", "个小时")):
        return _UNITS["hour"]
    if word.startswith(("d", "дн", "ден", "día", "dia", "天")):
        return _UNITS["day"]
    return _UNITS["week"]


_RELATIVE = [
    re.compile(
        rf"\bin\s+(?P<n>{NUMBER})\s*(?P<unit>minutes?|minuts?|mintues?|mins?|m\b|hours?|hrs?"
        r"|h\b|days?|weeks?)\b(?:\s+and\s+a\s+half)?",
        re.IGNORECASE,
    ),
    re.compile(r"\bin\s+(?P<half>half\s+an?\s+hour)\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:через|спустя)\s+(?:(?P<n>{NUMBER})\s*)?(?P<unit>минут[уы]?|мин\b|час(?:а|ов)?"
        r"|ч\b|дн(?:я|ей)|день|недел[юиь])",
        re.IGNORECASE,
    ),
    re.compile(r"\bчерез\s+(?P<half>полчаса|пол\s*часа)", re.IGNORECASE),
    re.compile(
        rf"\b(?:en|dentro de)\s+(?P<n>{NUMBER})\s*(?P<unit>minutos?|min\b|horas?|días?|dias?"
        r"|semanas?)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:en|dentro de)\s+(?P<half>media\s+hora)\b", re.IGNORECASE),
    re.compile(
        rf"(?:过)?(?P<n>{ZH_NUMBER})\s*(?P<unit>分钟|分|个小时|小时|个钟头|钟头|天|个星期|星期|周)"
        r"\s*(?:以后|之后|后)"
    ),
    re.compile(r"(?:过)?(?P<half>半(?:个)?小时)\s*(?:以后|之后|后)"),
    re.compile(rf"过\s*(?P<n>{ZH_NUMBER})\s*(?P<unit>分钟|个小时|小时|个钟头|钟头|天)"),
]

_PARTS = [  # a part of the day: the hour it means alone, and whether an hour in it is pm
    (
        re.compile(
            r"\b(?:in the morning|this morning|tomorrow morning|morning|утром|с утра|утра"
            r"|por la mañana|de la mañana|en la mañana)\b|早上|上午|早晨|明早|今早|清早",
            re.IGNORECASE,
        ),
        9,
        False,
    ),
    (
        re.compile(
            r"\b(?:in the afternoon|afternoon|днём|днем|дня|после обеда|por la tarde"
            r"|de la tarde|en la tarde)\b|下午",
            re.IGNORECASE,
        ),
        15,
        True,
    ),
    (
        re.compile(
            r"\b(?:in the evening|this evening|evening|tonight|вечером|вечера|por la noche"
            r"|de la noche|esta noche|en la noche)\b|晚上|傍晚|今晚|明晚",
            re.IGNORECASE,
        ),
        19,
        True,
    ),
    (re.compile(r"\b(?:at night|ночью|ночи)\b|夜里", re.IGNORECASE), 21, True),
    (re.compile(r"\b(?:noon|midday|в полдень|al mediodía|mediodía)\b|中午", re.I), 12, False),
]
_HOUR_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|одиннадцать|двенадцать|один|два|три|четыре|пять|шесть|семь|восемь|девять|десять"
    r"|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
)
_CLOCKS = [
    re.compile(  # 18:00, 9:30 pm
        r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(  # 9.30 only after a lead word: "paid 12.50" is no time
        r"\b(?:at|в|к|a las|a la)\s+(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<h>1[0-2]|0?[1-9])\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?=\W|$)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:at|by|around|at about)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?:\s*o'?clock)?\b(?!\s*(?:minutes?|hours?|days?|weeks?|people|of)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:в|к|около)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?:\s*(?:час(?:а|ов)?|ч)\b)?(?!\s*(?:минут|дн|недел|раз|человек)|[:.\d])",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:a las|a la|sobre las|hacia las)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?P<half>\s+y\s+media)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<h>{ZH_NUMBER})\s*[点點时:：](?:\s*(?P<m>{ZH_NUMBER})\s*分?|(?P<half>半)"
        r"|(?P<quarter>一刻))?"
    ),
]
_PM = re.compile(r"^p", re.IGNORECASE)

# Reading ---------------------------------------------------------------------------------


@dataclass
class When:
    """Time words resolved: `due`, or `options` when the hour may be am or pm; `due` None
    with a day but no hour."""

    due: datetime | None = None
    options: tuple[datetime, ...] = ()
    every: Recurrence | None = None


def read_when(
    text: str, now: datetime, found: Found | None = None, skip: tuple[int, int] = (0, 0)
) -> When | None:
    """The time words of `text` (a request, or a new time for one), resolved against `now`;
    None when it names no time at all."""
    found = found or Found()
    start, end = skip  # blanked to its length: what is found keeps its place in `text`
    return _read_when(text[:start] + " " * (end - start) + text[end:], now, found)


def _read_when(text: str, now: datetime, found: Found) -> When | None:
    """The time words of `text` resolved against `now`, their spans noted in `found`."""
    relative = _relative(text, found)
    if relative is not None:
        return When(due=(now + relative).replace(microsecond=0))
    every = read_recurrence(text, found)
    day, day_named = read_day(text, now, found)
    clock = _clock(text, found)
    part = _part(text, found)
    if clock is None and part is None:
        if every is None and day_named is None:
            return None
        return When(every=every)
    if clock is None:
        assert part is not None
        hour, minute, pm = part[0], 0, None
    else:
        hour, minute, pm, _ = clock
    if part is not None and clock is not None and pm is None:
        pm = part[1] if hour < 12 else None
        if part[0] == 12 and hour < 12:
            pm = hour <= 6
    first = day if day is not None else now.date()
    if pm is None and 1 <= hour <= 7 and clock is not None and not clock[3]:
        return _am_or_pm(first, day_named is not None, time(hour, minute), now, every)
    if pm and hour < 12:
        hour += 12
    elif pm is False and hour == 12:
        hour = 0
    if not 0 <= hour < 24:
        return When(every=every)
    due = _first_on(first, time(hour, minute), now, every)
    if day is None and every is None and due <= now:
        if 8 <= hour <= 11 and clock is not None and clock[2] is None and part is None:
            due = due + timedelta(hours=12)  # "at 9" at 15:00: this evening
        if due <= now:
            due = wall_clock(now.date() + timedelta(days=1), time(hour, minute), now)
    return When(due=due, every=every)


def _am_or_pm(
    first: date, day_named: bool, at: time, now: datetime, every: Recurrence | None
) -> When:
    """A bare hour of 1 to 7: morning or evening. With no day named, the one that comes
    today when only one does ("at 5" said at 10:00: 17:00); on a named day, the one still
    ahead when only one is; otherwise both, to choose from."""
    options = [_first_on(first, at.replace(hour=h), now, every) for h in (at.hour, at.hour + 12)]
    if not day_named and every is None:
        options = [
            o if o > now else wall_clock(now.date() + timedelta(days=1), o.timetz(), now)
            for o in options
        ]
        today = [o for o in options if o.date() == now.date()]
        if len(today) == 1:
            return When(due=today[0])
        return When(options=tuple(sorted(options)), every=every)
    future = [o for o in options if o > now]
    if len(future) == 1:
        return When(due=future[0], every=every)
    if not future:
        return When(due=options[-1], every=every)  # both passed: "past"
    return When(options=tuple(future), every=every)


def _first_on(day: date, at: time, now: datetime, every: Recurrence | None) -> datetime:
    """The moment on `day` at `at`; for a recurrence, its first occurrence from now."""
    moment = wall_clock(day, at, now)
    if every is None:
        return moment
    while moment <= now or moment.weekday() not in every.weekdays:
        moment = wall_clock(moment.date() + timedelta(days=1), at, now)
    return moment


def _relative(text: str, found: Found) -> timedelta | None:
    for pattern in _RELATIVE:
        match = pattern.search(text)
        if match is None:
            continue
        found.take(match)
        groups = match.groupdict()
        if groups.get("half"):
            return timedelta(minutes=30)
        count = number(groups["n"]) if groups.get("n") else 1
        extra = 0.5 if "and a half" in match.group(0).lower() else 0
        return _unit(groups["unit"]) * (count + extra)
    return None


def _clock(text: str, found: Found) -> tuple[int, int, bool | None, bool] | None:
    """(hour, minute, pm, written): pm None when the words do not say (a bare "at 5");
    `written` for a clock time written out ("7:30", "в 9.30"), read as on a 24-hour clock."""
    for number_of, pattern in enumerate(_CLOCKS):
        match = pattern.search(text)
        if match is None:
            continue
        found.take(match)
        groups = match.groupdict()
        hour = number(groups["h"])
        minute = 0
        if groups.get("m"):
            minute = number(groups["m"])
        elif groups.get("half"):
            minute = 30
        elif groups.get("quarter"):
            minute = 15
        ampm = groups.get("ampm")
        pm = bool(_PM.match(ampm)) if ampm else None
        if pm is None and (hour >= 13 or hour == 0):
            pm = False  # a 24-hour time says itself
        return hour, minute, pm, number_of < 2
    return None


def _part(text: str, found: Found) -> tuple[int, bool] | None:
    for pattern, hour, pm in _PARTS:
        match = pattern.search(text)
        if match:
            found.take(match)
            return hour, pm
    return None
