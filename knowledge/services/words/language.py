"""Which of our four languages (en, ru, es, zh) a text is in: py3langid, limited to those four.

Used to answer in the question's language and to keep the BM25 leg of a search to chunks
written in the query's language (words of one language never match another's).
"""

from __future__ import annotations

import re
import threading
from functools import cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from knowledge.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

# The start of a long text decides (as accurate on XQuAD's paragraphs as all of it, 2× faster).
SAMPLE_CHARS = 300
_lock = threading.Lock()


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def guess_language(text: str) -> str:
    """The most likely of en/ru/es/zh; "en" for text with no letters at all."""
    if not any(char.isalpha() for char in text):
        return DEFAULT_LANGUAGE
    with _lock:  # the identifier's lazy load and its scratch arrays are not thread-safe
        return str(_identifier().classify(text[:SAMPLE_CHARS])[0])


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


# A token that is a value rather than a word: it holds a digit, @, / or _, or a dot inside.
_VALUE = re.compile(r"\S*[\d@/_]\S*|\S+\.\S+")


# A date written the English way: a small model answers "14 October" to a Russian question.
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_ENGLISH_CALENDAR = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)  # a month beside its day ("17 November"; "Встреча с May" is a name)


def written_in(text: str, language: str) -> bool:
    """Is an answer in `language`? Two words or fewer belong to every language ("1 kg",
    "KL-482-ZT", "Password: x-1"); beyond that by script for ru and zh (a Latin code or
    name inside is fine); en and es share one, so between them only a text of four words
    or more is judged. Values are in no language: an address, a code, a password ("Ваша
    почта: a.ivanov@yandex.ru", "Пароль: Kvadrat_2024") is judged by the words around it."""
    if language != "en" and _ENGLISH_CALENDAR.search(text):
        return False  # "17 November" to "Когда у Ольги отпуск?": short, and still English
    text = _VALUE.sub(" ", text)
    letters = [char for char in text if char.isalpha()]
    if not letters or (len(text.split()) <= 2 and not any(map(_is_han, letters))):
        return True
    han = sum(map(_is_han, letters)) / len(letters)
    cyrillic = sum(map(_is_cyrillic, letters)) / len(letters)
    if language == "zh":
        return han > 0
    if language == "ru":
        return cyrillic >= 0.5
    if han > 0.3 or cyrillic > 0.3:
        return False
    if len(text.split()) < 4:
        return True
    return guess_language(text) in (language, "zh" if han else language)
