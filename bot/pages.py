"""The pages of a long reply not yet shown, behind its "more" button (in memory: after a
restart the button says to ask again). Each reply is its user's: another user's press of
the button (its callback data seen or guessed) finds nothing, and /wipe drops them."""

from __future__ import annotations

import secrets
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from present.texts import t

KEPT = 500  # replies whose later pages are kept


class Pages:
    def __init__(self, limit: int = KEPT) -> None:
        self._limit = limit
        self._kept: OrderedDict[str, tuple[int, list[str]]] = OrderedDict()

    def keep(self, user_id: int, pages: list[str]) -> str:
        token = secrets.token_urlsafe(6)
        self._kept[token] = (user_id, pages)
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)
        return token

    def get(self, user_id: int, token: str, index: int) -> str | None:
        pages = self._pages(user_id, token)
        return pages[index] if 0 <= index < len(pages) else None

    def left(self, user_id: int, token: str, index: int) -> int:
        return max(len(self._pages(user_id, token)) - index, 0)

    def forget_user(self, user_id: int) -> None:
        """Every reply of the user's dropped (/wipe)."""
        for token in [token for token, (owner, _) in self._kept.items() if owner == user_id]:
            del self._kept[token]

    def _pages(self, user_id: int, token: str) -> list[str]:
        owner, pages = self._kept.get(token, (None, []))
        return pages if owner == user_id else []


def more_button(
    pages: Pages, user_id: int, token: str, index: int, language: str
) -> InlineKeyboardMarkup | None:
    """The button that shows page `index` of the user's reply, None when no page is left."""
    left = pages.left(user_id, token, index)
    if not left:
        return None
    label = t("gather_more", language, left=left)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"more:{token}:{index}")]]
    )
