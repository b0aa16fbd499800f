"""A value copied whole: a small model writing a Russian or Chinese sentence around a value
in Latin letters often keeps only its digits ("Пароль от вайфая на даче: 88" for
"volna-88") or writes it in its own letters ("Роса2019" for "rosa2019"). A password, a
code, a plate or a locker number must come out exactly as memory holds it, so such a part of
an answer is put back as the backing line writes it, when exactly one value there is what
the answer's part was taken from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.services.answers.evidence import Evidence

# A run of characters without spaces or sentence punctuation: "volna-88", "B2-117",
# "a.ivanov@yandex.ru", "rosa2019".
_TOKEN = re.compile(
    r"[^\s,;:!?()\[\]\"'«»“”„。，；：！？（）\u4e00-\u9fff]+"
)  # CJK: no part of one
_DIGITS = re.compile(r"\d+")
_END = re.compile(r"[.…]+$")
_LATIN = re.compile(r"[A-Za-z]")


def whole_values(answer: str, backing: Sequence[Evidence]) -> str:
    """The answer with each part of a value it cut or wrote in other letters put back as
    the backing writes it ("88" → "volna-88", "Роса2019" → "rosa2019"); else as it is."""
    held = {_END.sub("", token) for item in backing for token in _TOKEN.findall(item.text)}
    values = {token for token in held if _is_value(token)}

    def whole(match: re.Match[str]) -> str:
        part = _END.sub("", match.group(0))
        if not _DIGITS.search(part) or part in held:
            return match.group(0)
        found = [value for value in values if _taken_from(part, value)]
        if len(found) != 1:
            return match.group(0)
        return match.group(0).replace(part, found[0], 1)

    return _TOKEN.sub(whole, answer)


def _is_value(token: str) -> bool:
    """Letters and digits in one token: a password, a code, a plate ("volna-88")."""
    return bool(_DIGITS.search(token)) and any(ch.isalpha() for ch in token)


def _taken_from(part: str, value: str) -> bool:
    """Was this part of an answer cut from the value ("88" of "volna-88": its end, after a
    separator) or written in other letters ("Роса2019" of "rosa2019": the same digits, in
    the same places, letters of another script)?"""
    if part.isdigit():
        return bool(re.search(rf"[-_/.]{re.escape(part)}$|^{re.escape(part)}[-_/.]", value))
    if _DIGITS.findall(part) != _DIGITS.findall(value) or len(part) != len(value):
        return False
    letters = [(a, b) for a, b in zip(part, value, strict=True) if a.isalpha() or b.isalpha()]
    return all(a.isalpha() and b.isalpha() for a, b in letters) and _other_script(part, value)


def _other_script(part: str, value: str) -> bool:
    """Are the two written in different alphabets (Cyrillic or CJK against Latin)?"""
    return bool(_LATIN.search(part)) != bool(_LATIN.search(value))
