"""The moments an answer keeps: since when a value holds, until when an earlier one held,
when it changed, and the day its evidence names.

Written in the question's language here, as the refusals are (answers/prompting.py): the
answer is one text, streamed and checked in the core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from knowledge.services.answers.evidence import Evidence
from knowledge.services.answers.versions import WHEN, Asks, Timeline
from knowledge.services.words.calendar_words import WEEKDAY
from knowledge.services.words.language import guess_language
from knowledge.services.words.timeframe import TimeFrame

_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    " diciembre",
}
_DAY = {
    "en": "{month} {day}, {year}",
    "ru": "{day} {month} {year}",
    "es": "{day} de {month} de {year}",
    "zh": "{year}年{number}月{day}日",
}
_SINCE = {
    "en": " (since {when})",
    "ru": " (с {when})",
    "es": " (desde el {when})",
    "zh": "（自{when}起）",
}
_UNTIL = {
    "en": " (until {when})",
    "ru": " (до {when})",
    "es": " (hasta el {when})",
    "zh": "（到{when}为止）",
}
_CHANGED_ON = {
    "en": "On {when}; the value before it was noted on {before}.",
    "ru": "{when}; прежнее значение записано {before}.",
    "es": "El {when}; el valor anterior se anotó el {before}.",
    "zh": "{when}；之前的记录是{before}的。",
}
# "When", "what time": a question whose answer is a moment, so it keeps the day.
_WHEN_OR_TIME = re.compile(
    WHEN.pattern + r"|\bwhat time\b|во сколько|\ba qué hora\b|\ba que hora\b|几点", re.IGNORECASE
)
_EN_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# A day as the evidence names it: a weekday with its preposition, or a date ("14 марта",
# "el 14 de marzo", "March 14", "14.03.2027", "3月14日").
_DAY_NAMED = re.compile(
    r"(?:\b(?:on|next|this|в|во|по|el|los|este|próximo|proximo)\s+)?(?:" + WEEKDAY.pattern + r")"
    r"|\b\d{1,2}\s+(?:de\s+)?(?:"
    + "|".join(_MONTHS["ru"].split() + _MONTHS["es"].split())
    + r")\b|\b(?:"
    + _EN_MONTHS
    + r")\.?\s+\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\d{1,2}月\d{1,2}[日号]",
    re.IGNORECASE,
)
_END = re.compile(r"[.。!！]+$")
_EN_MONTH_NAMES = _EN_MONTHS.split("|")[:12]
_EN_MONTH = "|".join(_EN_MONTH_NAMES)  # written whole: "mar" is the sea in Spanish
# An English month beside its day ("14 October", "October 14th"), which a small model puts
# into an answer in Russian, Spanish or Chinese; not a time ("May 14:00").
_EN_DATE = re.compile(
    rf"\b(?P<before>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_EN_MONTH})\b"
    rf"|\b(?P<month_first>{_EN_MONTH})\s+(?P<after>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]?\d)",
    re.IGNORECASE,
)
_DAY_AND_MONTH = {"ru": "{day} {month}", "es": "{day} de {month}", "zh": "{number}月{day}日"}


def written_day(moment: datetime, language: str) -> str:
    """A day as the language writes it: "Nov 20, 2026", "20 ноября 2026", "2026年11月20日"."""
    months = _MONTHS.get(language, _MONTHS["en"]).split()
    template = _DAY.get(language, _DAY["en"])
    month = months[moment.month - 1]
    return template.format(month=month, day=moment.day, year=moment.year, number=moment.month)


def dates_in(text: str, language: str) -> str:
    """An answer's English dates in its own language: "14 October, 16:20" to a Russian
    question is "14 октября, 16:20" ("14 de octubre", "10月14日")."""
    template = _DAY_AND_MONTH.get(language)
    if template is None:
        return text

    def local(match: re.Match[str]) -> str:
        name = (match["month"] or match["month_first"]).casefold()
        number = _EN_MONTH_NAMES.index(name) + 1
        day = int(match["before"] or match["after"])
        if not 1 <= day <= 31:
            return match.group(0)
        months = _MONTHS.get(language, _MONTHS["en"]).split()
        return template.format(day=day, month=months[number - 1], number=number)

    return _EN_DATE.sub(local, text)


def written_frame(frame: TimeFrame, language: str) -> str:
    """The time asked about as the language writes it ("26 ноября 2026", "2026年11月26日")."""
    if frame.period == "day":
        return written_day(frame.start, language)
    last = frame.end - timedelta(microseconds=1)
    return f"{written_day(frame.start, language)} – {written_day(last, language)}"


def with_moment(text: str, language: str, history: Timeline, backing: Sequence[Evidence]) -> str:
    """The answer with since when its value holds (a changed value, asked now) or until when
    it held (an earlier value)."""
    if not history.changed or not backing:
        return text
    if history.asks is Asks.CURRENT:
        current = history.current()
        if current is None or current.hit.created_at is None:
            return text
        if all(item.hit.doc_id != current.hit.doc_id for item in backing):
            return text
        return _before_end(text, _SINCE, language, current.hit.created_at)
    if history.asks is Asks.PAST:
        following = history.next_after(backing[0])
        if following is not None and following.hit.created_at is not None:
            return _before_end(text, _UNTIL, language, following.hit.created_at)
    return text


def changed_on(language: str, newest: Evidence, before: Evidence) -> str:
    """ "When did it change?": the day its newest version was noted, and the one before."""
    assert newest.hit.created_at is not None and before.hit.created_at is not None
    template = _CHANGED_ON.get(language, _CHANGED_ON["en"])
    return template.format(
        when=written_day(newest.hit.created_at, language),
        before=written_day(before.hit.created_at, language),
    )


def with_day(text: str, question: str, backing: Evidence) -> str:
    """An answer to "when" keeps the day its evidence names: "16:00" over "Пилу из ремонта
    забрать в пятницу в 16:00" becomes "16:00 (в пятницу)"."""
    if not _WHEN_OR_TIME.search(question) or _DAY_NAMED.search(text):
        return text
    language = guess_language(backing.text)
    if any(ch.isalpha() for ch in text) and guess_language(text) != language:
        return text  # an answer in another language names the day in its own words
    named = _DAY_NAMED.search(backing.text)
    if named is None:
        return text
    end = _END.search(text)
    body = text[: end.start()] if end else text
    stop = end.group(0) if end else ""
    opening, closing = ("（", "）") if language == "zh" else (" (", ")")
    return f"{body}{opening}{named.group(0)}{closing}{stop}"


def _before_end(text: str, templates: dict[str, str], language: str, moment: datetime) -> str:
    suffix = templates.get(language, templates["en"]).format(when=written_day(moment, language))
    end = _END.search(text)
    if end is None:
        return text + suffix
    return text[: end.start()] + suffix + end.group(0)
