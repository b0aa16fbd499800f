"""The pages of a long reply not yet shown, behind its "more" button (in memory: after a
restart the button says to ask again)."""

from __future__ import annotations

import secrets
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t

KEPT = 500  # replies whose later pages are kept


class Pages:
    def __init__(self, limit: int = KEPT) -> None:
        self._limit = limit
        self._kept: OrderedDict[str, list[str]] = OrderedDict()

    def keep(self, pages: list[str]) -> str:
        token = secrets.token_urlsafe(6)
        self._kept[token] = pages
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)
        return token

    def get(self, token: str, index: int) -> str | None:
        pages = self._kept.get(token)
        return pages[index] if pages is not None and 0 <= index < len(pages) else None

    def left(self, token: str, index: int) -> int:
        return max(len(self._kept.get(token, [])) - index, 0)


def more_button(pages: Pages, token: str, index: int, language: str) -> InlineKeyboardMarkup | None:
    """The button that shows page `index` of the reply, None when no page is left."""
    left = pages.left(token, index)
    if not left:
        return None
    label = t("gather_more", language, left=left)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"more:{token}:{index}")]]
    )
