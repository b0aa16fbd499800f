"""Questions: typing at once, a fair place in the model's queue, the answer streamed by edits."""

from __future__ import annotations

import logging
import time
from contextlib import aclosing
from html import escape

from telegram import CallbackQuery, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot.common import in_thread, profile_of, reply, user_id_of
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.outdated import outdated_buttons
from bot.pages import more_button
from knowledge.domain.errors import LlmUnavailable
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.asking import Cancelled, Summarised
from knowledge.services.answers.gathering import Gathered
from knowledge.services.door.arrival import Question
from present.render import LIMIT, quotes_html
from present.render_gathered import gathered_pages, summary_pages
from present.texts import t

log = logging.getLogger(__name__)


async def answer(update: Update, context: MnemoContext, question: Question) -> None:
    """Answer from the asker's memory, streaming into one message, then the sources. When
    the model server cannot be reached, the message says the question is kept, and the
    update is kept pending until the server is back (bot/delivery.py)."""
    await context.bot.send_chat_action(user_id_of(update), ChatAction.TYPING)
    language = question.profile.language
    live = LiveMessage.for_update(update, context)
    try:
        await _stream_answer(context, question, live, language)
    except LlmUnavailable as exc:
        await live.show(t("llm_unavailable", language), force=True)
        heard = question.heard.text if question.heard else None
        await context.state.delivery.keep_pending(update.update_id, str(exc), heard)


async def _stream_answer(
    context: MnemoContext, question: Question, live: LiveMessage, language: str
) -> None:
    """The model's turn is held only while its tokens come: edits follow in a task of their
    own, and the finished answer is shown after the turn is given back."""
    metrics = context.state.metrics
    started = time.monotonic()

    async def on_position(position: int) -> None:
        if position > 0:
            await live.show(t("queued", language, position=position), force=True)

    text = ""
    final: Answer | Gathered | Summarised | Cancelled | None = None
    events = question.answer(on_position)
    async with live.streaming() as follow, aclosing(events) as stream:
        async for event in stream:
            if isinstance(event, Answer | Gathered | Summarised | Cancelled):
                final = event
                continue
            if not text:
                metrics.first_token_seconds.observe(time.monotonic() - started)
            text += event
            follow(text)
    if isinstance(final, Cancelled) and not final.text:
        await live.show(t("cancelled", language), force=True)
    elif isinstance(final, Cancelled):
        await live.show(final.text, footer=t("cancelled", language), force=True)
    elif isinstance(final, Gathered | Summarised):
        await _show_pages(context, live, final, language, question.profile.user_id)
    elif isinstance(final, Answer):
        metrics.answer_seconds.observe(time.monotonic() - started)
        metrics.answers.labels(str(final.found).lower()).inc()
        await _show_answer(live, final, language)


async def _show_answer(live: LiveMessage, final: Answer, language: str) -> None:
    """The answer with its quotes and, under them, a button per quoted item to say it is
    outdated (bot/outdated.py), when it all fits one message."""
    footer = quotes_html(final)
    buttons = outdated_buttons(final, language)
    html = f"{escape(final.text)}\n\n{footer}"
    if buttons is None or len(html) > LIMIT:
        await live.show(final.text, footer=footer, force=True)
        return
    await live.show_html(html, buttons)


async def _show_pages(
    context: MnemoContext,
    live: LiveMessage,
    final: Gathered | Summarised,
    interface: str,
    user_id: int,
) -> None:
    """A gathered list or a summary: its first page as the reply, the rest behind "more"
    (the asker's alone); worded in the question's language, the day headers in the
    interface's."""
    language = final.plan.language
    if isinstance(final, Gathered):
        pages = gathered_pages(final, language, interface)
    else:
        pages = summary_pages(final.summary, language)
    pages_kept = context.state.pages
    token = pages_kept.keep(user_id, pages)
    await live.show_html(pages[0], more_button(pages_kept, user_id, token, 1, language))


async def more(query: CallbackQuery, context: MnemoContext, value: str) -> None:
    """The "more" button: the next page as a new message, with its own button; only the
    presser's own replies have pages."""
    token, _, index = value.rpartition(":")
    number = int(index) if index.isdigit() else -1
    user_id = query.from_user.id
    pages = context.state.pages
    page = pages.get(user_id, token, number)
    language = await in_thread(context.services.profiles.language_of, user_id)
    if page is None:
        await query.answer(t("gather_gone", language), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(None)  # the button moves to the new page
    except TelegramError as exc:
        log.info("the old page's button could not be taken away (%s)", type(exc).__name__)
    await context.bot.send_message(
        user_id,
        page,
        parse_mode=ParseMode.HTML,
        reply_markup=more_button(pages, user_id, token, number + 1, language),
    )


async def cancel(update: Update, context: MnemoContext) -> None:
    """/cancel: stop the answer being written and drop queued questions."""
    profile = await profile_of(update, context)
    if not await context.services.asking.cancel(user_id_of(update)):
        await reply(update, t("nothing_to_cancel", profile.language))
