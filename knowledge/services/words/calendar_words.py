"""The calendar words of en/ru/es/zh that dateparser reads wrongly or not at all: Chinese
weekdays, weekends, "this week" in Russian and Spanish, parts of the day, and the words that
tell whether a sentence looks back (a diary) or forward (a plan).

Only tables and small lookups live here; `timeframe.py` (questions) and `named_dates.py`
(items) use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Weekday number (Monday 0) by the word's stem; matched as a word prefix, case-insensitive.
# Each weekday as whole words, Russian in its cases (во вторник, в среду, по пятницам);
# "среда" only as the day, never "среди", "среднем", "средство".
_WEEKDAY_WORDS: dict[int, str] = {
    0: r"monday|mondays|понедельник(?:а|у|ом|и|ам)?|lunes",
    1: r"tuesday|tuesdays|вторник(?:а|у|ом|и|ам)?|martes",
    2: r"wednesday|wednesdays|сред(?:а|у|ам)|miércoles|miercoles",
    3: r"thursday|thursdays|четверг(?:а|у|ом|и|ам)?|jueves",
    4: r"friday|fridays|пятниц(?:а|у|ы|е|ей|ам)|viernes",
    5: r"saturday|saturdays|суббот(?:а|у|ы|е|ой|ам)|sábado|sabado|sábados",
    6: r"sunday|sundays|воскресень(?:е|я|ю|ем|ям)|domingo|domingos",
}
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY = re.compile(
    r"\b(?P<word>"
    + "|".join(_WEEKDAY_WORDS.values())
    + r")\b"
    + r"|(?P<zhweek>[这上下本])?(?:个)?(?:周|星期|礼拜)(?P<zh>[一二三四五六日天])",
    re.IGNORECASE,
)
_WEEKDAY_EACH = {
    day: re.compile(rf"^(?:{words})$", re.IGNORECASE) for day, words in _WEEKDAY_WORDS.items()
}


def week_of(match: re.Match[str]) -> int | None:
    """The week a Chinese weekday names by its prefix (上周四: -1), else None."""
    prefix = match.group("zhweek")
    return {"这": 0, "本": 0, "上": -1, "下": 1}.get(prefix) if prefix else None


def of_named_week(match: re.Match[str], today: date) -> date | None:
    """The day a Chinese weekday with its week names (下周二: next week's Tuesday, whatever
    today is), else None."""
    week = week_of(match)
    if week is None:
        return None
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * week + weekday_of(match))


def same_weekday(one: str, other: str) -> bool:
    """Do both texts name a weekday, the same one ("on Saturday", "para el sábado")?"""
    first, second = WEEKDAY.search(one), WEEKDAY.search(other)
    return bool(first and second and weekday_of(first) == weekday_of(second))


def weekday_of(match: re.Match[str]) -> int:
    """The weekday (Monday 0) a WEEKDAY match names."""
    if match.group("zh"):
        return _ZH_DAYS[match.group("zh")]
    word = match.group("word")
    return next(day for day, each in _WEEKDAY_EACH.items() if each.match(word))


@dataclass(frozen=True)
class Span:
    """Named days relative to a week: `week` 0 this one, -1 the last, +1 the next; `days`
    the weekdays it covers (all seven for a week)."""

    phrase: str
    week: int
    days: tuple[int, ...]


_ALL = tuple(range(7))
_WEEKEND = (5, 6)
# (pattern, week offset, days); the first that matches wins, so longer phrases come first.
_SPANS: list[tuple[re.Pattern[str], int, tuple[int, ...]]] = [
    (re.compile(p, re.IGNORECASE), week, days)
    for p, week, days in [
        (
            r"\blast weekend\b|\bпрошлые выходные\b|\bна прошлых выходных\b"
            r"|\bel fin de semana pasado\b|上周末|上个周末",
            -1,
            _WEEKEND,
        ),
        (
            r"\bnext weekend\b|\bследующие выходные\b|\bel próximo fin de semana\b|下周末|下个周末",
            1,
            _WEEKEND,
        ),
        (
            r"\b(?:this |the )?weekend\b|\bна выходных\b|\bв выходные\b|\bвыходные\b"
            r"|\b(?:este |el )?fin de semana\b|这个周末|这周末|周末",
            0,
            _WEEKEND,
        ),
        (
            r"\blast week\b|\bна прошлой неделе\b|\bпрошлой неделе\b|\bla semana pasada\b"
            r"|上周|上星期|上个星期",
            -1,
            _ALL,
        ),
        (
            r"\bnext week\b|\bна следующей неделе\b|\bla (?:semana )?próxima(?: semana)?\b"
            r"|下周|下星期|下个星期",
            1,
            _ALL,
        ),
        (
            r"\bthis week\b|\bна этой неделе\b|\bэтой неделе\b|\bза неделю\b|\besta semana\b"
            r"|这周|本周|这星期|这个星期|这一周",
            0,
            _ALL,
        ),
    ]
]


_MONTHS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(p, re.IGNORECASE), offset)
    for p, offset in [
        (
            r"\blast month\b|\bв прошлом месяце\b|\bза прошлый месяц\b|\bel mes pasado\b"
            r"|上个月|上月",
            -1,
        ),
        (
            r"\bthis month\b|\bв этом месяце\b|\bза (?:этот )?месяц\b|\beste mes\b"
            r"|这个月|本月|这月",
            0,
        ),
    ]
]


def find_month(text: str) -> tuple[str, int] | None:
    """ "this month" (0), "в прошлом месяце" (-1): the phrase and the month's offset."""
    for pattern, offset in _MONTHS:
        match = pattern.search(text)
        if match:
            return match.group(0), offset
    return None


_YEARS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(p, re.IGNORECASE), offset)
    for p, offset in [
        (r"\blast year\b|\bв прошлом году\b|\bза прошлый год\b|\bel año pasado\b|去年", -1),
        (r"\bthis year\b|\bв этом году\b|\bза этот год\b|\beste año\b|今年", 0),
    ]
]


def find_year(text: str) -> tuple[str, int] | None:
    """ "this year" (0), "в прошлом году" (-1): the phrase and the year's offset."""
    for pattern, offset in _YEARS:
        match = pattern.search(text)
        if match:
            return match.group(0), offset
    return None


_MONTH_STEMS = [  # whole words: Russian in its cases (в ноябре, за ноябрь)
    ("january", "январ[ьяе]", "enero"),
    ("february", "феврал[ьяе]", "febrero"),
    ("march", "марте?", "marzo"),
    ("april", "апрел[ьяе]", "abril"),
    ("may", "ма[йяе]", "mayo"),
    ("june", "июн[ьяе]", "junio"),
    ("july", "июл[ьяе]", "julio"),
    ("august", "августе?", "agosto"),
    ("september", "сентябр[ьяе]", "septiembre"),
    ("october", "октябр[ьяе]", "octubre"),
    ("november", "ноябр[ьяе]", "noviembre"),
    ("december", "декабр[ьяе]", "diciembre"),
]
_ZH_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_NAMED_MONTH = re.compile(
    r"\b(?:in|during|в|во|за|en|durante)\s+(?P<word>"
    + "|".join(stem for stems in _MONTH_STEMS for stem in stems)
    + r")\b|(?P<zh>十[一二]|[一二三四五六七八九十]|1[0-2]|[1-9])月(?:份)?",
    re.IGNORECASE,
)


def find_named_month(text: str) -> tuple[str, int] | None:
    """ "в ноябре", "en noviembre", "in November", "11月": the phrase and the month (1-12)."""
    match = _NAMED_MONTH.search(text)
    if match is None:
        return None
    if match.group("zh"):
        number = match.group("zh")
        month = int(number) if number.isdigit() else _ZH_MONTHS.index(number) + 1
        return match.group(0), month
    word = match.group("word").lower()
    for month, stems in enumerate(_MONTH_STEMS, 1):
        if any(re.fullmatch(stem, word) for stem in stems):
            return match.group(0), month
    return None


def find_span(text: str) -> Span | None:
    for pattern, week, days in _SPANS:
        match = pattern.search(text)
        if match:
            return Span(match.group(0), week, days)
    return None


@dataclass(frozen=True)
class DayPart:
    phrase: str
    start_hour: int
    end_hour: int  # exclusive; 24 is midnight


_PARTS: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(p, re.IGNORECASE), start, end)
    for p, start, end in [
        (
            r"\bthis morning\b|\bin the morning\b|\bmorning\b|\bутром\b|\bс утра\b|\bутро\b"
            r"|\bpor la mañana\b|\bde la mañana\b|\ben la mañana\b|早上|上午|早晨",
            5,
            12,
        ),
        (
            r"\bafternoon\b|\bднём\b|\bднем\b|\bпосле обеда\b|\bpor la tarde\b|\bde la tarde\b"
            r"|\ben la tarde\b|下午|中午",
            12,
            18,
        ),
        (
            r"\bevening\b|\btonight\b|\bвечером\b|\bвечер\b|\bpor la noche\b|\besta noche\b"
            r"|\bde la noche\b|晚上|傍晚|今晚|昨晚",
            18,
            24,
        ),
        (r"\bat night\b|\bночью\b|\bde madrugada\b|夜里|半夜", 0, 5),
    ]
]


def find_day_part(text: str) -> DayPart | None:
    for pattern, start, end in _PARTS:
        match = pattern.search(text)
        if match:
            return DayPart(match.group(0), start, end)
    return None


# Words that show a sentence speaks of what is coming ("booked for", "буду", "voy a", "要").
_FUTURE = re.compile(
    r"\b(will|going to|gonna|booked|appointment|planned|plan to|scheduled|next|upcoming"
    r"|coming|tomorrow|what's on|what is on|do i have|have i got|am i"
    r"|буду|будет|будем|собираюсь|запланирован\w*|записан\w*|записал(?:ся|ась|ись)"
    r"|следующ\w*|завтра|у меня"
    r"|предстоит|планирую|voy a|vamos a|va a|tengo|tendré|próxim\w*|(?<!la )mañana|planeo|cita"
    r"|reservad\w*|moved to|rescheduled|postponed|перенес\w*|aplazad\w*|cambiad\w* al)\b"
    r"|要|将|打算|计划|预约|下周|明天|后天|安排|改到|推迟",
    re.IGNORECASE,
)
# Words that show it speaks of what happened ("did", "ел", "fui", "了").
_PAST = re.compile(
    r"\b(did|was|were|went|had|ate|met|saw|paid|bought|spent|last|yesterday|ago|\w+ed"
    r"|вчера|прошл\w*|\w+л|\w+ла|\w+ли|\w+лся|\w+лась"
    r"|ayer|pasad\w*|fui|fue|fuimos|hice|hizo|cené|comí|vi|pagué|compré|(?!qu)\w+é|\w+ó|\w+aste"
    r"|\w+iste)\b"
    r"|了|过|昨天|上周|去年",
    re.IGNORECASE,
)


def looks_forward(text: str) -> bool:
    """Does the sentence speak of what is coming rather than what happened?"""
    future = _FUTURE.search(text)
    past = _PAST.search(text)
    if future and past:
        return future.start() <= past.start() or _strong_future(text)
    return bool(future)


def looks_back(text: str) -> bool:
    return bool(_PAST.search(text)) and not looks_forward(text)


def _strong_future(text: str) -> bool:
    return bool(
        re.search(
            r"\b(will|буду|будет|voy a|tendré|tomorrow|завтра|mañana)\b|明天|要",
            text,
            re.IGNORECASE,
        )
    )
