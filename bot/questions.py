"""Questions: typing at once, a fair place in the model's queue, the answer streamed by edits."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction

from bot.common import profile_of, reply, user_id_of
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.render import quotes_html
from bot.texts import t
from knowledge.services.answering import Answer
from knowledge.services.asking import Cancelled


async def answer_question(update: Update, context: MnemoContext, question: str) -> None:
    """Answer from the asker's memory, streaming into one message, then the sources."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    profile = await profile_of(update, context)
    language = profile.language
    live = LiveMessage.for_update(update, context)

    async def on_position(position: int) -> None:
        if position > 0:
            await live.show(t("queued", language, position=position), force=True)

    text = ""
    events = context.services.asking.ask(
        user_id_of(update),
        question,
        with_history=True,
        max_tokens=profile.max_tokens,
        on_position=on_position,
    )
    async for event in events:
        if isinstance(event, Cancelled) and not event.text:
            await live.show(t("cancelled", language), force=True)
        elif isinstance(event, Cancelled):
            await live.show(event.text, footer=t("cancelled", language), force=True)
        elif isinstance(event, Answer):
            await live.show(event.text, footer=quotes_html(event), force=True)
        else:
            text += event
            await live.show(text)


async def cancel(update: Update, context: MnemoContext) -> None:
    """/cancel: stop the answer being written and drop queued questions."""
    profile = await profile_of(update, context)
    if not await context.services.asking.cancel(user_id_of(update)):
        await reply(update, t("nothing_to_cancel", profile.language))
