"""One reply that grows by edits while an answer streams in or a file is read.

At most one edit per `interval` seconds, never an edit with unchanged text, and past the
length limit the reply continues in a new message. RetryAfter is handled by PTB's
AIORateLimiter underneath. The first message's id is kept in the inbox, so an update
replayed after a crash edits the same message instead of starting another.
"""

from __future__ import annotations

import asyncio
import logging
import time
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.common import in_thread
from bot.context import MnemoContext
from bot.render import LIMIT, split_text

log = logging.getLogger(__name__)


class LiveMessage:
    def __init__(self, context: MnemoContext, chat_id: int, update_id: int | None = None) -> None:
        self._context = context
        self._chat_id = chat_id
        self._update_id = update_id
        self._interval = context.settings.stream_edit_seconds
        self._ids: list[int] = []
        self._shown: list[str] = []
        self._last_edit = 0.0
        self._resumed = False

    @classmethod
    def for_update(cls, update: Update, context: MnemoContext) -> LiveMessage:
        assert update.effective_chat is not None
        return cls(context, update.effective_chat.id, update.update_id)

    async def show(self, text: str, *, footer: str = "", force: bool = False) -> None:
        """Show `text` (raw, escaped here) plus an HTML footer. Throttled: unless forced, a
        change within the interval is skipped; a forced one (the final answer) waits for
        the rest of the interval, so edits never come faster than one per interval."""
        since = time.monotonic() - self._last_edit
        if not force and since < self._interval:
            return
        await self._resume()
        parts = [escape(part) for part in split_text(text)] or [""]
        if footer and len(parts[-1]) + len(footer) + 2 > LIMIT:
            parts.append(footer)
        elif footer:
            parts[-1] = f"{parts[-1]}\n\n{footer}" if parts[-1] else footer
        parts = [html or "…" for html in parts]
        if since < self._interval and self._changes(parts):
            await asyncio.sleep(self._interval - since)
        for index, html in enumerate(parts):
            await self._put(index, html)
        self._last_edit = time.monotonic()

    def _changes(self, parts: list[str]) -> bool:
        return any(
            index >= len(self._ids) or self._shown[index] != html
            for index, html in enumerate(parts)
        )

    async def show_html(self, html: str) -> None:
        """Show one message of ready HTML (at most LIMIT characters), now."""
        await self._resume()
        await self._put(0, html)
        self._last_edit = time.monotonic()

    async def _resume(self) -> None:
        if self._resumed or self._update_id is None:
            return
        self._resumed = True
        previous = await in_thread(self._context.services.inbox.reply_of, self._update_id)
        if previous is not None:
            self._ids.append(previous)
            self._shown.append("")

    async def _put(self, index: int, html: str) -> None:
        bot = self._context.bot
        if index < len(self._ids):
            if self._shown[index] == html:
                return
            try:
                await bot.edit_message_text(
                    html,
                    chat_id=self._chat_id,
                    message_id=self._ids[index],
                    parse_mode=ParseMode.HTML,
                )
            except BadRequest as exc:
                if "not modified" not in str(exc):
                    raise
            self._shown[index] = html
            return
        message = await bot.send_message(self._chat_id, html, parse_mode=ParseMode.HTML)
        self._ids.append(message.message_id)
        self._shown.append(html)
        if index == 0 and self._update_id is not None:
            await in_thread(
                self._context.services.inbox.set_reply, self._update_id, message.message_id
            )
