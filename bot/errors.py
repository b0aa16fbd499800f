"""The one error handler: it logs first and then tells the user briefly, in their private
chat (never in a group, never internals). Marking updates handled is bot/delivery.py's."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.common import in_thread
from bot.context import MnemoContext
from knowledge.domain.errors import MnemoError
from present.texts import error_text, t

log = logging.getLogger(__name__)


async def on_error(update: object, context: MnemoContext) -> None:
    """Log first, then tell the user briefly; never show internals."""
    error = context.error
    if isinstance(error, MnemoError):
        log.info("a handler ended with %s: %s", error.code, error)
    else:
        log.error("handler failed", exc_info=error)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    user = update.effective_user
    language = await in_thread(context.services.profiles.language_of, user.id, user.language_code)
    text = (
        error_text(error, language)
        if isinstance(error, MnemoError)
        else t("internal_error", language)
    )
    try:
        await context.bot.send_message(user.id, text)
    except TelegramError as exc:
        log.info("could not tell a user about an error (%s)", type(exc).__name__)
