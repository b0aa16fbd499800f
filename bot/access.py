"""Who may talk to the bot, at Telegram's edge; the rule and the codes are the core's
(knowledge/services/upkeep/access.py).

- MNEMO_ALLOWED_USERS=1,2,3: that list, outright. MNEMO_ALLOWED_USERS=*: everyone.
- Unset (a fresh install): closed. Until someone claims it, each start prints a claim code;
  whoever sends `/start CODE` (the t.me link's payload arrives so) becomes its owner, and
  an admin. The owner's /invite makes one-time links; whoever opens one becomes a member.

Everyone else is turned away in bot/admission.py before anything of theirs is recorded or
downloaded; only a private `/start CODE` is looked at, by `let_in`, and then forgotten.
"""

from __future__ import annotations

import logging

from telegram import Chat, MessageEntity, Update, User
from telegram.error import TelegramError

from bot.common import in_thread, profile_of, reply, user_id_of
from bot.context import MnemoApplication, MnemoContext
from bot.settings import BotSettings
from knowledge.services.upkeep.access import Access
from present.texts import t

log = logging.getLogger(__name__)


def start_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


async def may_use(application: MnemoApplication, user_id: int) -> bool:
    """On the list, when there is one; else everyone when open; else a member."""
    state = application.bot_data
    settings = state.settings
    if settings.open_to_all:
        return True
    if settings.allowed_users:
        return user_id in settings.allowed_users
    return await in_thread(state.services.access.is_member, user_id)


async def is_admin(settings: BotSettings, access: Access, user_id: int) -> bool:
    """On MNEMO_ADMINS, or the owner."""
    return user_id in settings.admins or await in_thread(access.owner) == user_id


def start_code(update: Update, username: str) -> str | None:
    """The code of a new private message `/start CODE`, if that is what it is."""
    message = update.message
    if message is None or message.chat.type != Chat.PRIVATE or not message.text:
        return None
    entities = message.entities
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset:
        return None
    parts = message.text.split()
    if len(parts) != 2 or parts[0] not in ("/start", f"/start@{username}"):
        return None
    return parts[1][:64]  # a deep link's payload is at most 64 characters


async def let_in(update: Update, application: MnemoApplication, user: User) -> bool:
    """A stranger's private `/start CODE` in a closed bot: the claim code makes them the
    owner, an invite a member, and they are told so. False for anything else (the
    caller refuses it); nothing of it is kept."""
    state = application.bot_data
    code = start_code(update, application.bot.username or "")
    if not state.settings.closed or code is None:
        return False
    access = state.services.access
    owner = await in_thread(access.owner)
    if owner is None:
        key = "claimed" if await in_thread(access.claim, user.id, code) else None
    else:
        key = "joined" if await in_thread(access.join, user.id, code) else None
    if key is None:
        log.info("a code that lets no one in was tried")
        return False
    language = await in_thread(state.services.profiles.language_of, user.id, user.language_code)
    try:
        await application.bot.send_message(user.id, t(key, language))
    except TelegramError as exc:
        log.info("could not welcome a new member (%s)", type(exc).__name__)
    return True


async def announce_claim(application: MnemoApplication) -> None:
    """At start, while a closed bot has no owner: a new claim code, on stdout and in the
    log, once."""
    state = application.bot_data
    if not state.settings.closed:
        return
    code = await in_thread(state.services.access.claim_code)
    if code is None:
        return
    username = application.bot.username or ""
    line = (
        f"mnemo is private. To become its owner, send /start {code} to @{username} "
        f"(or open {start_link(username, code)})"
    )
    print(line, flush=True)
    log.warning(line)


async def invite_command(update: Update, context: MnemoContext) -> None:
    """/invite (the owner): a one-time link that lets one more person use the bot."""
    language = (await profile_of(update, context)).language
    if not context.settings.closed:
        await reply(update, t("invite_off", language))
        return
    access = context.services.access
    code = await in_thread(access.invite, user_id_of(update))
    if code is None:
        await reply(update, t("owner_only", language))
        return
    link = start_link(context.bot.username or "", code)
    await reply(update, t("invite_link", language, link=link, days=access.invite_days))
