"""One reply that grows by edits while an answer streams in or a file is read, always in the
user's private chat.

At most one edit per `interval` seconds, never an edit with unchanged text, and past the
length limit the reply continues in a new message. RetryAfter is handled by PTB's
AIORateLimiter underneath. The first message's id is kept with the update
(bot/delivery.py), so an update replayed after a crash edits the same message instead of
starting another. A message that
can no longer be edited (the user deleted it) is replaced by a new one.

While an answer streams, edits run in a task of their own (`streaming`): the model's turn
never waits for Telegram, however slow or failing its edits are.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.common import user_id_of
from bot.context import MnemoContext
from present.render import LIMIT, split_text

log = logging.getLogger(__name__)
_GONE = ("message to edit not found", "message can't be edited")


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
        self._lock = asyncio.Lock()  # one show at a time: a position, a token, the answer

    @property
    def chat_id(self) -> int:
        return self._chat_id

    @classmethod
    def for_update(cls, update: Update, context: MnemoContext) -> LiveMessage:
        """The reply to an update, in its sender's private chat."""
        return cls(context, user_id_of(update), update.update_id)

    async def show(self, text: str, *, footer: str = "", force: bool = False) -> None:
        """Show `text` (raw, escaped here) plus an HTML footer. Throttled: unless forced, a
        change within the interval is skipped; a forced one (the final answer) waits for
        the rest of the interval, so edits never come faster than one per interval."""
        since = time.monotonic() - self._last_edit
        if not force and since < self._interval:
            return
        async with self._lock:
            await self._resume()
            parts = [escape(part) for part in split_text(text)] or [""]
            if footer and len(parts[-1]) + len(footer) + 2 > LIMIT:
                parts.append(footer)
            elif footer:
                parts[-1] = f"{parts[-1]}\n\n{footer}" if parts[-1] else footer
            parts = [html or "…" for html in parts]
            since = time.monotonic() - self._last_edit
            if since < self._interval and self._changes(parts):
                await asyncio.sleep(self._interval - since)
            for index, html in enumerate(parts):
                await self._put(index, html)
            self._last_edit = time.monotonic()

    @asynccontextmanager
    async def streaming(self) -> AsyncIterator[Callable[[str], None]]:
        """`async with live.streaming() as follow:` then `follow(text)` as text grows: the
        latest text is shown at most once per interval, by a task of its own. A failing
        edit is logged and ends the following (the final `show` tries again)."""
        latest: list[str] = []
        changed = asyncio.Event()
        done = False

        async def keep_up() -> None:
            shown = None
            while not done:
                await changed.wait()
                changed.clear()
                wait = self._interval - (time.monotonic() - self._last_edit)
                if wait > 0 and not done:
                    await asyncio.sleep(wait)
                if done or not latest or latest[-1] == shown:
                    continue
                shown = latest[-1]
                try:
                    await self.show(shown, force=True)
                except Exception as exc:
                    log.warning("a streamed edit failed (%s); following stops", type(exc).__name__)
                    return

        def follow(text: str) -> None:
            latest.append(text)
            del latest[:-1]
            changed.set()

        follower = asyncio.create_task(keep_up())
        try:
            yield follow
        finally:
            done = True
            changed.set()
            await follower  # an edit under way finishes, so the next show knows its message

    def _changes(self, parts: list[str]) -> bool:
        return any(
            index >= len(self._ids) or self._shown[index] != html
            for index, html in enumerate(parts)
        )

    async def show_html(self, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show one message of ready HTML (at most LIMIT characters), now, with buttons."""
        async with self._lock:
            await self._resume()
            await self._put(0, html, markup)
            self._last_edit = time.monotonic()

    async def _resume(self) -> None:
        if self._resumed or self._update_id is None:
            return
        self._resumed = True
        previous = await self._context.state.delivery.reply_of(self._update_id)
        if previous is not None:
            self._ids.append(previous)
            self._shown.append("")

    async def _put(self, index: int, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        bot = self._context.bot
        if index < len(self._ids):
            if self._shown[index] == html and markup is None:
                return
            try:
                await bot.edit_message_text(
                    html,
                    chat_id=self._chat_id,
                    message_id=self._ids[index],
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            except BadRequest as exc:
                reason = str(exc).lower()
                if "not modified" in reason:
                    self._shown[index] = html
                    return
                if not any(gone in reason for gone in _GONE):
                    raise
                log.info("a reply could not be edited any more; sent anew")
                del self._ids[index:], self._shown[index:]
                await self._put(index, html, markup)
                return
            self._shown[index] = html
            return
        message = await bot.send_message(
            self._chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        self._ids.append(message.message_id)
        self._shown.append(html)
        if index == 0 and self._update_id is not None:
            await self._context.state.delivery.set_reply(self._update_id, message.message_id)
