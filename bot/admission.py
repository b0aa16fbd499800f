"""Every update is admitted here before it waits for anything: who may talk to the bot, what
a group or channel may do (bot/audience.py), the rate limit, and the inbox record that makes
it survive a kill -9 (bot/delivery.py). Only then does it take one of PTB's
concurrent-update slots; once its handlers have run, it is settled.

PTB acknowledges updates to Telegram as soon as it fetches them, so an update that waited
for a slot before being recorded was lost by a crash. `AdmittingProcessor` gives PTB a
semaphore that never waits, runs `admit` at once, and only then waits for one of its own
slots: recording happens first, waiting after.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update, User
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseUpdateProcessor

from bot import access, audience
from bot.common import in_thread
from bot.context import MnemoApplication
from bot.ratelimit import Verdict
from knowledge.services.door.chat_rule import Route, route
from present.texts import t

log = logging.getLogger(__name__)
UNBOUNDED = 1 << 20  # PTB's own semaphore: never waited on


class AdmittingProcessor(BaseUpdateProcessor):
    """Concurrent update processing, with `admit` before the update waits for a slot and
    `settle` after its handlers ran; an update not admitted is never handled."""

    def __init__(self, slots: int) -> None:
        super().__init__(UNBOUNDED)
        self._slots = asyncio.BoundedSemaphore(slots)
        self.application: MnemoApplication | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        admitted = False
        try:
            if isinstance(update, Update) and self.application is not None:
                admitted = await admit(update, self.application)
        except Exception:
            log.exception("admitting an update failed; it is dropped")
        if not admitted:
            close = getattr(coroutine, "close", None)
            if close is not None:
                close()  # never run
            return
        assert isinstance(update, Update) and self.application is not None
        async with self._slots:
            await coroutine  # the handlers, and the error handler if one raised
        # Handled: marked so, unless a handler kept it pending (bot/delivery.py). A kill -9
        # before this line replays it at the next start.
        await self.application.bot_data.delivery.settle(update.update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def admit(update: Update, application: MnemoApplication) -> bool:
    """True when the handlers should run. Strangers, group chatter and floods are turned
    away here, nothing of theirs kept; an admitted update is in the inbox."""
    state = application.bot_data
    bot = application.bot
    seen = audience.arrival(update, bot.id, bot.username or "")
    routed = route(seen)
    if seen.shared:
        state.metrics.shared_chats.labels(routed.value).inc()
    delivery = state.delivery
    if delivery.replaying(update.update_id):  # recorded, and told, the first time
        return routed in (Route.HANDLE, Route.PRIVATELY)
    if routed is Route.IGNORE:
        return False
    if routed is Route.GREET:
        await _greet(update, application)
        return False
    if routed is Route.NOT_YOURS:
        await _not_yours(update, application)
        return False
    user = update.effective_user
    if routed is Route.REFUSE or user is None:
        await _refuse_sender(update, application)
        return False
    if not await _allowed(update, application, user):
        return False
    if routed is Route.INTRO:
        await _intro(update, application, await _language(application, user))
        return False
    if not await delivery.record(update.update_id, user.id, update.to_dict()):
        return False  # a redelivery: the inbox logged it, by update id only
    if routed is Route.PRIVATELY and not await _to_private_chat(
        update, application, user, seen.command
    ):
        await delivery.settle(update.update_id)
        return False
    return True


async def _language(application: MnemoApplication, user: User) -> str:
    """The user's interface language (their client's, if the bot never met them)."""
    profiles = application.bot_data.services.profiles
    return await in_thread(profiles.language_of, user.id, user.language_code)


async def _allowed(update: Update, application: MnemoApplication, user: User) -> bool:
    """One who may use the bot (bot/access.py), or let in just now by a private `/start
    CODE`; and under the rate limit. Each refusal said at most once in a while."""
    state = application.bot_data
    if not await access.may_use(application, user.id) and not await access.let_in(
        update, application, user
    ):
        log.info("refused an update from someone who may not use the bot")
        if state.refusals.first(("not_allowed", user.id)):
            await _answer(update, t("not_allowed", await _language(application, user)))
        return False
    limiter = state.limiter
    assert limiter is not None
    verdict = limiter.check(user.id)
    if verdict is Verdict.ALLOW:
        return True
    if verdict is Verdict.REFUSE:
        log.info("a user went over the rate limit; their updates are dropped for a while")
        wait = limiter.wait_seconds(user.id)
        await _answer(update, t("slow_down", await _language(application, user), seconds=wait))
    return False


async def _to_private_chat(
    update: Update,
    application: MnemoApplication,
    user: User,
    command: str | None,
) -> bool:
    """A group update that reads or changes memory: answered in the private chat, and the
    group told only that. False when the user never started the bot (or blocked it): then
    the group is told to start it first, and nothing more happens."""
    message = update.effective_message
    assert message is not None
    username = application.bot.username or ""
    language = await _language(application, user)
    button = audience.private_chat_button(username, language)
    try:
        await application.bot.send_chat_action(user.id, ChatAction.TYPING)
    except Forbidden:
        log.info("a group member asked without a private chat with the bot")
        text = t("group_start_first", language, name=user.first_name, bot=username)
        await audience.say_in_chat(message, text, button)
        return False
    line = audience.group_line(Route.PRIVATELY, command, user.first_name, language)
    await audience.say_in_chat(message, line, button)
    return True


async def _intro(update: Update, application: MnemoApplication, language: str) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    if application.bot_data.refusals.first(("intro", chat.id)):
        markup = audience.private_chat_button(application.bot.username or "", language)
        await audience.say_in_chat(message, t("group_intro", language), markup)


async def _greet(update: Update, application: MnemoApplication) -> None:
    """Added to a group: how the bot behaves there, once."""
    change = update.my_chat_member
    assert change is not None
    language = await _language(application, change.from_user)
    username = application.bot.username or ""
    try:
        await application.bot.send_message(
            change.chat.id,
            t("group_intro", language),
            reply_markup=audience.private_chat_button(username, language),
        )
    except TelegramError as exc:
        log.info("could not greet a group (%s)", type(exc).__name__)


async def _refuse_sender(update: Update, application: MnemoApplication) -> None:
    """An anonymous admin, a channel or a bot: there is no one person's memory to use."""
    message = update.effective_message
    chat = update.effective_chat
    log.info("refused an update with no person behind it (anonymous, channel or bot)")
    if message is None or chat is None:
        return
    if application.bot_data.refusals.first(("anonymous", chat.id)):
        line = audience.group_line(Route.REFUSE, None, "", "en")
        await audience.say_in_chat(message, line, None)


async def _not_yours(update: Update, application: MnemoApplication) -> None:
    query = update.callback_query
    assert query is not None
    language = await _language(application, query.from_user)
    log.info("a button was pressed outside its owner's private chat; ignored")
    try:
        await query.answer(t("not_your_button", language), show_alert=True)
    except TelegramError as exc:
        log.info("could not answer a button press (%s)", type(exc).__name__)


async def _answer(update: Update, text: str) -> None:
    """A refusal where the update came from: an alert for a button, else a message."""
    try:
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(text)
    except TelegramError as exc:
        log.info("could not send a refusal (%s)", type(exc).__name__)
