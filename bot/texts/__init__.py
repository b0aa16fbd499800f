"""The bot's words, in the user's interface language: one module per language (en.py is
the reference and holds every key; a key another language lacks is shown in English),
plurals, and err_<code>: every core error's wording, with its parameters."""

from __future__ import annotations

from typing import Any

from bot.texts import en, es, ru, zh
from knowledge.domain.errors import MnemoError

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
        params["kind_name"] = t(f"kind_{params['kind']}", language)
    return t(key, language, **params)


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
