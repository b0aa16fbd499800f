"""The rule for shared chats (groups, supergroups, channels), as pure data: what an update
may do there. A private memory never speaks in a shared chat: only what is addressed to the
bot by a person counts, questions and memory commands are answered in the person's private
chat, the rest gets one line or nothing. The bot reads Telegram's updates into `Seen`
(bot/audience.py) and acts on the `Route`; the texts it may say there live with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from knowledge.services.words.intent import is_question

INTRO_COMMANDS = {"start", "help"}


class Route(Enum):
    HANDLE = "handle"  # a private chat: the handlers, as ever
    PRIVATELY = "privately"  # a shared chat: handled, every reply in the private chat
    INTRO = "intro"  # a shared chat: one line on how the bot works in groups
    REFUSE = "refuse"  # no one person behind it (anonymous admin, channel, bot): one line
    NOT_YOURS = "not_yours"  # a button pressed outside its presser's private chat: alert
    GREET = "greet"  # the bot was added to a group: the intro, once
    IGNORE = "ignore"  # chatter, edits in groups, channel posts: nothing kept or said


@dataclass(frozen=True)
class Seen:
    """What an update is, as far as the rule is concerned."""

    kind: str  # message, edit, callback, channel_post, membership, other
    shared: bool  # from a group, supergroup or channel
    person: bool  # sent by a person speaking as themselves
    addressed: bool  # meant for this bot
    command: str | None = None  # its command, without the slash or @bot
    text: str = ""  # a shared chat's plain text, the bot's mention taken out
    own_button: bool = False  # a button pressed in the presser's own private chat
    joined: bool = False  # membership: the bot was just added


def route(seen: Seen) -> Route:
    """The rule: what may happen with an update."""
    if seen.kind == "callback":
        return Route.HANDLE if seen.own_button else Route.NOT_YOURS
    if seen.kind == "membership":
        return Route.GREET if seen.joined else Route.IGNORE
    if seen.kind == "channel_post":
        return Route.REFUSE if seen.command else Route.IGNORE
    if seen.kind == "other":
        return Route.IGNORE
    if not seen.shared:
        return Route.HANDLE
    if seen.kind == "edit" or not seen.addressed:
        return Route.IGNORE
    if not seen.person:
        return Route.REFUSE
    if seen.command is not None:
        return Route.INTRO if seen.command in INTRO_COMMANDS else Route.PRIVATELY
    asks = seen.command is None and bool(seen.text) and is_question(seen.text)
    return Route.PRIVATELY if asks else Route.INTRO
