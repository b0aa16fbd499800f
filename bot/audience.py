"""Who is speaking, where, and to whom: the one place that decides what an update from a
group, a supergroup or a channel may do. A private memory never speaks in a shared chat.

- In a private chat, a person's updates are handled as ever.
- In a shared chat, only what is addressed to the bot counts (a command for it, a mention
  of it, a reply to one of its messages); the rest is the group's own chatter: not kept,
  not answered.
- Addressed by a person: commands and questions that read or change their memory (/ask, a
  question, /search, /docs, /digest, /export, /stats, /note...) are handled, and every reply
  goes to that person's private chat; the group is told only that, with a button to open
  it (or, if they never started the bot, to start it first). /start, /help and anything
  else get one line on how the bot works in groups.
- Addressed by an anonymous admin, a channel (`sender_chat`) or a bot: one line refusing,
  since there is no one person whose memory it could be.
- A button acts only in its presser's own private chat; pressed anywhere else, it shows an
  alert and does nothing.
- Edits in shared chats and channel posts are ignored (a command in a channel post is
  refused: a channel has no person behind it).

Handlers reply only to the user's private chat (bot/common.py `reply`, bot/live.py), so
the lines below are the only texts ever sent to a shared chat, and none holds anything of
anyone's memory.
"""

from __future__ import annotations

import logging

from telegram import (
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.error import Forbidden

from knowledge.services.door.chat_rule import Route, Seen
from present.texts import t

log = logging.getLogger(__name__)

# Telegram's stand-in senders: anonymous group admins, the "Telegram" service account that
# forwards a linked channel's posts, and the channel bot of old clients.
STAND_IN_SENDERS = {1087968824, 777000, 136817688}
SHARED = {Chat.GROUP, Chat.SUPERGROUP, Chat.CHANNEL}


def arrival(update: Update, bot_id: int, bot_username: str) -> Seen:
    """Read an update as the rule needs it; pure (no I/O)."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        own = (
            isinstance(message, Message)
            and message.chat.type == Chat.PRIVATE
            and message.chat.id == query.from_user.id
        )
        return Seen("callback", not own, True, True, own_button=own)
    if update.my_chat_member is not None:
        change = update.my_chat_member
        joined = change.chat.type in SHARED and change.new_chat_member.status in (
            ChatMember.MEMBER,
            ChatMember.ADMINISTRATOR,
        )
        return Seen("membership", True, True, False, joined=joined)
    post = update.channel_post or update.edited_channel_post
    if post is not None:
        return Seen("channel_post", True, False, False, command=_command(post, bot_username))
    message = update.message or update.edited_message
    if message is None:
        return Seen("other", True, False, False)
    kind = "message" if update.message is not None else "edit"
    shared = message.chat.type in SHARED
    command = _command(message, bot_username)
    addressed = not shared or _addressed(message, command, bot_id, bot_username)
    text = without_mention(message.text or "", bot_username) if shared else ""
    return Seen(
        kind,
        shared,
        _person(message),
        addressed,
        command=command or None,
        text=text,
    )


def in_shared_chat(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in SHARED


def without_mention(text: str, bot_username: str) -> str:
    """The text with the bot's @mention taken out: "@mnemo_bot where is the key?"."""
    if not bot_username:
        return text.strip()
    mention = f"@{bot_username}"
    return " ".join(word for word in text.split() if word.lower() != mention.lower()).strip()


def _command(message: Message, bot_username: str) -> str | None:
    """The command a message starts with, when it is for this bot ("" for another bot's)."""
    text = message.text or ""
    entities = message.entities or ()
    if not text.startswith("/") or not any(
        e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities
    ):
        return None
    name, _, target = text.split()[0][1:].partition("@")
    if target and target.lower() != bot_username.lower():
        return ""
    return name.lower()


def _addressed(message: Message, command: str | None, bot_id: int, bot_username: str) -> bool:
    if command is not None:
        return command != ""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    mention = f"@{bot_username}".lower()
    for entity, value in (message.parse_entities() or {}).items():
        if entity.type == MessageEntity.MENTION and value.lower() == mention:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    for entity, value in (message.parse_caption_entities() or {}).items():
        if entity.type == MessageEntity.MENTION and value.lower() == mention:
            return True
    return False


def _person(message: Message) -> bool:
    """Sent by a person as themselves: not as a channel, not anonymously, not a bot."""
    sender = message.from_user
    return (
        message.sender_chat is None
        and sender is not None
        and not sender.is_bot
        and sender.id not in STAND_IN_SENDERS
    )


# The lines said in shared chats -----------------------------------------------------------


def private_chat_button(bot_username: str, language: str) -> InlineKeyboardMarkup:
    url = f"https://t.me/{bot_username}?start=from_group"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("group_open", language), url=url)]])


async def say_in_chat(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """One of this module's lines, in the shared chat, as a reply to what prompted it."""
    try:
        await message.reply_text(text, reply_markup=markup, do_quote=True)
    except Forbidden:  # the bot may not write there (a channel where it cannot post)
        log.info("a line for a shared chat could not be posted there")


def group_line(route_taken: Route, command: str | None, name: str, language: str) -> str:
    """What the shared chat is told about an update of this route."""
    if route_taken is Route.PRIVATELY:
        key = "group_note_private" if command == "note" else "group_answered_private"
        return t(key, language, name=name)
    if route_taken is Route.REFUSE:
        return t("group_refuse_anonymous", language)
    return t("group_intro", language)
