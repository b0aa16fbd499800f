"""Small helpers every handler uses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.context import MnemoContext
from knowledge.domain.ports import Progress
from knowledge.services.upkeep.profiles import Profile

T = TypeVar("T")
PROGRESS_SECONDS = 1.0


async def profile_of(update: Update, context: MnemoContext) -> Profile:
    user = update.effective_user
    assert user is not None  # the guard lets only updates from users through
    return await asyncio.to_thread(
        context.services.profiles.get_or_create, user.id, user.language_code
    )


async def in_thread(func: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run blocking core work (SQL, embeddings, OCR) off the event loop."""
    return await asyncio.to_thread(func, *args, **kwargs)


def source_of(message: Message) -> str:
    """The key of the chat message an item came in: an edit of it finds the item again."""
    return f"tg:{message.chat.id}:{message.message_id}"


def user_id_of(update: Update) -> int:
    assert update.effective_user is not None  # the guard lets only users' updates through
    return update.effective_user.id


async def reply(
    update: Update, text: str, *, html: bool = False, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer in the user's private chat: where a private update came from, and where a
    group's questions are answered (bot/audience.py); never in a shared chat."""
    return await update.get_bot().send_message(
        user_id_of(update), text, parse_mode=ParseMode.HTML if html else None, reply_markup=markup
    )


async def language_of(update: Update, context: MnemoContext) -> str:
    """The sender's interface language, read only (their client's if the bot never met them)."""
    user = update.effective_user
    assert user is not None  # the guard lets only updates from users through
    return await in_thread(context.services.profiles.language_of, user.id, user.language_code)


async def with_progress(show: Callable[[str], Awaitable[None]], work: Callable[[Progress], T]) -> T:
    """Run blocking `work(progress)` in a thread; its latest progress message is shown
    every PROGRESS_SECONDS (only when it changed)."""
    async with progress_shown(show) as progress:
        return await asyncio.to_thread(work, progress)


@asynccontextmanager
async def progress_shown(show: Callable[[str], Awaitable[None]]) -> AsyncIterator[Progress]:
    """A `Progress` for work in a thread: its latest message is shown every
    PROGRESS_SECONDS (only when it changed), until the block ends."""
    latest: list[str] = []

    def progress(message: str, done: int, total: int) -> None:
        latest.append(message)

    async def tick() -> None:
        shown = None
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            if latest and latest[-1] != shown:
                shown = latest[-1]
                await show(shown)

    ticker = asyncio.create_task(tick())
    try:
        yield progress
    finally:
        ticker.cancel()
