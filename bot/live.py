"""One reply that grows by edits while an answer streams in.

At most one edit per `interval` seconds, never an edit with unchanged text, and past the
length limit the reply continues in a new message. RetryAfter is handled by PTB's
AIORateLimiter underneath.
"""

from __future__ import annotations

import logging
import time
from html import escape

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.render import split_text

log = logging.getLogger(__name__)


class LiveMessage:
    def __init__(self, bot: Bot, chat_id: int, interval: float) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._interval = interval
        self._messages: list[Message] = []
        self._shown: list[str] = []
        self._last_edit = 0.0

    @property
    def started(self) -> bool:
        return bool(self._messages)

    async def show(self, text: str, *, footer: str = "", force: bool = False) -> None:
        """Show `text` (raw, escaped here) plus an HTML footer; throttled unless forced."""
        if not force and time.monotonic() - self._last_edit < self._interval:
            return
        parts = [escape(part) for part in split_text(text)] or [""]
        if footer:
            parts[-1] = f"{parts[-1]}\n\n{footer}" if parts[-1] else footer
        for index, html in enumerate(parts):
            await self._put(index, html or "…")
        self._last_edit = time.monotonic()

    async def _put(self, index: int, html: str) -> None:
        if index < len(self._messages):
            if self._shown[index] == html:
                return
            try:
                await self._messages[index].edit_text(html, parse_mode=ParseMode.HTML)
            except BadRequest as exc:
                if "not modified" not in str(exc):
                    raise
            self._shown[index] = html
        else:
            message = await self._bot.send_message(self._chat_id, html, parse_mode=ParseMode.HTML)
            self._messages.append(message)
            self._shown.append(html)
