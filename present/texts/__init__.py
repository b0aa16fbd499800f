"""The bot's words, in the user's interface language: one module per language (en.py is
the reference and holds every key; a key another language lacks is shown in English),
plurals, and err_<code>: every core error's wording, with its parameters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import Hit
from present.texts import en, es, ru, zh

BY_LANGUAGE: dict[str, dict[str, str]] = {
    "en": en.TEXTS,
    "ru": ru.TEXTS,
    "es": es.TEXTS,
    "zh": zh.TEXTS,
}
TEXTS = en.TEXTS  # every key

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "es": "Español", "zh": "中文"}


def t(key: str, language: str, **values: Any) -> str:
    """The text for `key` in `language`, or English when not translated."""
    words = BY_LANGUAGE.get(language, en.TEXTS).get(key, en.TEXTS[key])
    return words.format(**values)


def error_text(error: MnemoError, language: str) -> str:
    """A core error in the user's language; one the bot has no words for (an operator's
    problem, such as a missing model) is an internal error to the user."""
    key = f"err_{error.code}"
    if key not in TEXTS:
        return t("internal_error", language)
    params = dict(error.params)
    if "kind" in params:
        params["kind_name"] = kind_name(str(params["kind"]), language)
    return t(key, language, **params)


def kind_name(kind: str, language: str) -> str:
    """What a kind of item is called ("note", "PDF", "voice note"); an unknown kind as is."""
    key = f"kind_{kind}"
    return t(key, language) if key in TEXTS else kind


def counted(key: str, language: str, n: int) -> str:
    """A count with the noun in its plural form for `n` (`key` holds forms split by |)."""
    forms = t(key, language, n=n).split("|")
    return forms[min(plural_form(language, n), len(forms) - 1)]


def plural_form(language: str, n: int) -> int:
    """Which form: English and Spanish one/other; Russian one/few/many; Chinese one."""
    if language == "zh":
        return 0
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    return 0 if n == 1 else 1


def written_day(day: date, language: str) -> str:
    """A date the way the language writes it: "Dec 1, 2026", "1 дек 2026", "1 dic 2026",
    "2026年12月1日"."""
    month = t("months", language).split("|")[day.month - 1]
    return t("date", language, day=day.day, month=month, year=day.year)


def written_at(moment: datetime, language: str) -> str:
    """A date and time: "Dec 1, 2026 08:33", "1 дек 2026, 08:33", "2026年12月1日 08:33"."""
    return t("date_time", language, date=written_day(moment, language), time=f"{moment:%H:%M}")


def written_span(first: date, last: date, language: str) -> str:
    """Two dates as a range: "Nov 23, 2026 – Nov 29, 2026"."""
    return f"{written_day(first, language)} – {written_day(last, language)}"


def day_label(day: date, language: str) -> str:
    """A day heading: "Tue Nov 24, 2026", "вт 24 ноя 2026", "mar 24 nov 2026",
    "周二 2026年11月24日"."""
    names = t("weekday_names", language).split()
    return f"{names[day.weekday()]} {written_day(day, language)}"


def source_label(hit: Hit, language: str) -> str:
    """Where a quoted line comes from, in the user's language: a note or voice note by
    when it was written, a document by its name and page or section."""
    if hit.source_kind in ("note", "voice"):
        key = "source_note" if hit.source_kind == "note" else "source_voice"
        when = written_at(hit.created_at, language) if hit.created_at else ""
        return t(key, language, when=when).strip()
    if hit.page is not None:
        return t("source_page", language, name=hit.doc_name, page=hit.page)
    if hit.heading:
        return t("source_section", language, name=hit.doc_name, heading=hit.heading)
    return hit.doc_name
