"""A cheap guess of which of our four languages a text is in, by script and markers."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SPANISH = re.compile(
    r"[ñ¿¡áéíóú]|\b(qué|cuál|cuándo|dónde|cómo|por|para|los|las|el|la|es|del|una)\b", re.I
)


def guess_language(text: str) -> str:
    if _CJK.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    if _SPANISH.search(text):
        return "es"
    return "en"
