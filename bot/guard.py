"""Runs before and after every handler: who may talk to the bot, and exactly-once updates."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.common import in_thread
from bot.context import MnemoContext
from bot.ratelimit import Verdict
from bot.texts import error_text, t
from knowledge.domain.errors import MnemoError

log = logging.getLogger(__name__)


async def admit(update: Update, context: MnemoContext) -> None:
    """Refuse users not on MNEMO_ALLOWED_USERS; record each update once, in the inbox."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    allowed = context.settings.allowed_users
    if allowed and user.id not in allowed:
        log.info("refused an update from a user who is not allowed")
        language = (user.language_code or "en")[:2]
        if update.callback_query:
            await update.callback_query.answer(t("not_allowed", language), show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(t("not_allowed", language))
        raise ApplicationHandlerStop
    if update.update_id in context.state.replaying:
        return
    await _limit_rate(update, context, user.id, (user.language_code or "en")[:2])
    fresh = await in_thread(
        context.services.inbox.accept, update.update_id, user.id, update.to_dict()
    )
    if not fresh:  # the inbox logged it, by update id only
        context.state.metrics.redeliveries.inc()
        raise ApplicationHandlerStop


async def _limit_rate(update: Update, context: MnemoContext, user_id: int, language: str) -> None:
    limiter = context.state.limiter
    assert limiter is not None
    verdict = limiter.check(user_id)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.REFUSE:
        log.info("a user went over the rate limit; their updates are dropped for a while")
        text = t("slow_down", language, seconds=limiter.wait_seconds(user_id))
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


async def settle(update: Update, context: MnemoContext) -> None:
    """Mark the update handled, so a restart does not replay it."""
    context.state.replaying.discard(update.update_id)
    await in_thread(context.services.inbox.done, update.update_id)


async def on_error(update: object, context: MnemoContext) -> None:
    """Log first, then tell the user briefly; never show internals."""
    log.error("handler failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        language = (update.effective_user.language_code if update.effective_user else "en") or "en"
        error = context.error
        text = (
            error_text(error, language[:2])
            if isinstance(error, MnemoError)
            else t("internal_error", language[:2])
        )
        await context.bot.send_message(update.effective_chat.id, text)
