"""Questions: typing at once, a fair place in the model's queue, the answer streamed by edits."""

from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing

from telegram import Update
from telegram.constants import ChatAction

from bot.common import profile_of, reply, user_id_of
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.render import quotes_html
from bot.texts import t
from knowledge.answering import Answer
from knowledge.fair_queue import QueueCancelled

log = logging.getLogger(__name__)
RUNNING = "running"


async def answer_question(update: Update, context: MnemoContext, question: str) -> None:
    """Answer from the asker's memory, streaming into one message, then the sources."""
    chat = update.effective_chat
    assert chat is not None and update.effective_user is not None
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    user_id = update.effective_user.id
    profile = await profile_of(update, context)
    services = context.services
    live = LiveMessage.for_update(update, context)
    language = profile.language

    async def on_position(position: int) -> None:
        if position > 0:
            await live.show(t("queued", language, position=position), force=True)

    async def job() -> None:
        stop = asyncio.Event()
        context.bot_data.setdefault(RUNNING, {})[user_id] = stop
        text = ""
        try:
            stream = services.answerer.ask(
                user_id, question, with_history=True, max_tokens=profile.max_tokens
            )
            async with aclosing(stream) as events:
                async for event in events:
                    if stop.is_set():
                        await live.show(text, footer=t("cancelled", language), force=True)
                        return
                    if isinstance(event, Answer):
                        await live.show(event.text, footer=quotes_html(event), force=True)
                    else:
                        text += event
                        await live.show(text)
        finally:
            context.bot_data[RUNNING].pop(user_id, None)

    try:
        await services.queue.run(user_id, job, on_position=on_position)
    except QueueCancelled:
        await live.show(t("cancelled", language), force=True)


async def cancel(update: Update, context: MnemoContext) -> None:
    """/cancel: stop the answer being written and drop queued questions."""
    user_id = user_id_of(update)
    profile = await profile_of(update, context)
    dropped = await context.services.queue.cancel_waiting(user_id)
    running = context.bot_data.get(RUNNING, {}).get(user_id)
    if running is not None:
        running.set()
    if not dropped and running is None:
        await reply(update, t("nothing_to_cancel", profile.language))
