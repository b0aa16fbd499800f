"""Sums of money in an item's words ("85 euros", "€64.30", "1 200 руб", "300元"), for
gathering's sums: the first amount an item names, in its currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{_plain(self.value)} {self.currency}"


_AMOUNT = re.compile(
    r"(?P<before>€|\$|£|¥|₽|eur\b|usd\b|rub\b)\s*(?P<n1>\d+(?:[.,]\d{1,2})?)"
    r"|(?P<n2>\d+(?:[ .]\d{3})*(?:[.,]\d{1,2})?)\s*(?P<after>€|\$|£|¥|₽|euros?\b|eur\b|евро\b"
    r"|руб\w*|р\.|dollars?\b|usd\b|dólares\b|pesos\b|元|块|美元|欧元|yuan\b|rmb\b)",
    re.IGNORECASE,
)
_CURRENCY = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "евро": "EUR",
    "欧元": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "dólares": "USD",
    "美元": "USD",
    "£": "GBP",
    "₽": "RUB",
    "rub": "RUB",
    "р.": "RUB",
    "¥": "CNY",
    "元": "CNY",
    "块": "CNY",
    "yuan": "CNY",
    "rmb": "CNY",
    "pesos": "MXN",
}


def amount_in(text: str) -> Amount | None:
    """The first sum of money an item names ("85 euros", "€64.30", "1 200 руб", "300元")."""
    for match in _AMOUNT.finditer(text):
        number = match.group("n1") or match.group("n2")
        unit = (match.group("before") or match.group("after")).lower()
        currency = "RUB" if unit.startswith("руб") else _CURRENCY.get(unit)
        if currency is None:
            continue
        try:
            value = Decimal(re.sub(r"[ ]", "", number).replace(",", "."))
        except InvalidOperation:
            continue
        return Amount(value, currency)
    return None


def _plain(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text
