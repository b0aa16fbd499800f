"""Numbers in words or digits in en/ru/es/zh ("two", "пару", "quince", "十五"), as reminder
requests say them ("in two hours", "через пару минут", "三点")."""

from __future__ import annotations

import re

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50,
    "couple": 2, "a couple of": 2, "few": 3, "a few": 3,
    "одну": 1, "один": 1, "одна": 1, "две": 2, "два": 2, "пару": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50,
    "un par de": 2, "par de": 2, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3,
    "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
}  # fmt: skip
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
NUMBER = (
    r"\d{1,3}|a couple of|a few|couple|few|an|a|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|fifteen|twenty|thirty|forty-five|forty|fifty"
    r"|одну|один|одна|две|два|пару|три|четыре|пятнадцать|пятьдесят|пять|шесть|семь|восемь"
    r"|девять|десять|одиннадцать|двенадцать|двадцать|тридцать|сорок"
    r"|un par de|una|uno|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
    r"|quince|veinte"
    r"|treinta|cuarenta|cincuenta"
)
ZH_NUMBER = r"\d{1,3}|[零〇一二两三四五六七八九十]{1,3}"


def number(text: str) -> int:
    word = text.lower().strip()
    if word.isdigit():
        return int(word)
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    return zh_number(word)


def zh_number(text: str) -> int:
    return int(text) if text.isdigit() else _zh_value(text)


_ZH_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
# An article or a word more often than a number: "the new one", "once" (Spanish 11).
_VAGUE = {"a", "an", "one", "once", "couple", "few", "un", "una", "uno"}
# Chinese runs that are words more often than numbers: "一起", "万一", "千万", "百度".
_ZH_NOT_A_NUMBER = re.compile(r"[一十百千万]|[十百千万]+|万一")


def spelled_numbers(text: str) -> set[str]:
    """The numbers a text writes in words, as digits ("两个星期" → "2", "三百欧元" → "300",
    "twelve euros" → "12", "две недели" → "2"): a value said so is held by the text."""
    found = {
        str(_zh_value(run)) for run in _ZH_RUN.findall(text) if not _ZH_NOT_A_NUMBER.fullmatch(run)
    }
    for word in _WORD.findall(text.lower()):
        if word in _WORD_NUMBERS and word not in _VAGUE:
            found.add(str(_WORD_NUMBERS[word]))
    return found


def _zh_value(run: str) -> int:
    """A Chinese numeral's value ("三百" 300, "十二" 12, "两万五千" 25000; "一一", digit by
    digit, 11)."""
    total = section = digit = 0
    seen = False
    for char in run:
        if char in _ZH_DIGITS:
            digit = digit * 10 + _ZH_DIGITS[char] if seen and digit else _ZH_DIGITS[char]
            seen = True
        elif char in _ZH_UNITS:
            section += (digit or 1) * _ZH_UNITS[char]
            digit, seen = 0, False
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
            seen = False
    return total + section + digit
