"""Questions: typing at once, a fair place in the model's queue, the answer streamed by edits."""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ApplicationHandlerStop

from bot.common import profile_of, reply, user_id_of
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.render import quotes_html
from bot.texts import t
from knowledge.domain.errors import LlmUnavailable
from knowledge.services.answering import Answer
from knowledge.services.asking import Cancelled


async def answer_question(update: Update, context: MnemoContext, question: str) -> None:
    """Answer from the asker's memory, streaming into one message, then the sources. When
    the model server cannot be reached, the message says the question is kept, and the
    update stays unfinished until the server is back (bot/deferred.py)."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    profile = await profile_of(update, context)
    language = profile.language
    live = LiveMessage.for_update(update, context)
    try:
        await _stream_answer(update, context, question, live, profile.max_tokens, language)
    except LlmUnavailable as exc:
        await live.show(t("llm_unavailable", language), force=True)
        context.state.deferred.keep(context.application, update.update_id, str(exc))
        raise ApplicationHandlerStop from exc  # not settled: kept in the inbox


async def _stream_answer(
    update: Update,
    context: MnemoContext,
    question: str,
    live: LiveMessage,
    max_tokens: int | None,
    language: str,
) -> None:
    metrics = context.state.metrics
    started = time.monotonic()
    first_token = True

    async def on_position(position: int) -> None:
        if position > 0:
            await live.show(t("queued", language, position=position), force=True)

    text = ""
    events = context.services.asking.ask(
        user_id_of(update),
        question,
        with_history=True,
        max_tokens=max_tokens,
        on_position=on_position,
    )
    async for event in events:
        if isinstance(event, Cancelled) and not event.text:
            await live.show(t("cancelled", language), force=True)
        elif isinstance(event, Cancelled):
            await live.show(event.text, footer=t("cancelled", language), force=True)
        elif isinstance(event, Answer):
            metrics.answer_seconds.observe(time.monotonic() - started)
            metrics.answers.labels(str(event.found).lower()).inc()
            await live.show(event.text, footer=quotes_html(event), force=True)
        else:
            if first_token:
                metrics.first_token_seconds.observe(time.monotonic() - started)
                first_token = False
            text += event
            await live.show(text)


async def cancel(update: Update, context: MnemoContext) -> None:
    """/cancel: stop the answer being written and drop queued questions."""
    profile = await profile_of(update, context)
    if not await context.services.asking.cancel(user_id_of(update)):
        await reply(update, t("nothing_to_cancel", profile.language))
