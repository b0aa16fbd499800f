"""Plain messages and /ask, /note: read into the core's `Arrival`, decided by the inbound
service (a question gets an answer; anything else is remembered as a note; a reply to the
photo question labels the photo), and shown (bot/outcomes.py). In a group only questions
meant for the bot reach here (bot/audience.py), answered privately; an edited message
replaces the note it made (through the same door)."""

from __future__ import annotations

from telegram import Update

from bot import audience
from bot.common import profile_of, reply, source_of
from bot.context import MnemoContext
from bot.outcomes import arrival_of, respond
from knowledge.services.door.arrival import Arrival, Meant
from present.texts import t


async def on_text(update: Update, context: MnemoContext) -> None:
    """A text message: whatever it means, the core decides."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text, shared = message.text, audience.in_shared_chat(update)
    if shared:  # admitted only when it asks the bot something
        text = audience.without_mention(text, context.bot.username or "")
    await respond(update, context, await arrival_of(update, context, text, shared=shared))


async def ask_command(update: Update, context: MnemoContext) -> None:
    """/ask QUESTION: answer, whatever the wording."""
    await _command(update, context, "usage_ask", Meant.QUESTION)


async def note_command(update: Update, context: MnemoContext) -> None:
    """/note TEXT: remember, whatever the wording."""
    await _command(update, context, "usage_note", Meant.NOTE)


async def _command(update: Update, context: MnemoContext, usage: str, meant: Meant) -> None:
    """The command's text after its name; when there is none, how to use it."""
    text = " ".join(context.args or [])
    if not text:
        await reply(update, t(usage, (await profile_of(update, context)).language))
        return
    shared = audience.in_shared_chat(update)
    arrival = await arrival_of(update, context, text, meant=meant, shared=shared)
    await respond(update, context, arrival)


async def on_edit(update: Update, context: MnemoContext) -> None:
    """An edited message: the note (or a file's caption) it made takes the new words; an
    edited question is not asked again."""
    message = update.edited_message
    assert message is not None
    if message.text is not None:
        command, _, rest = message.text.partition(" ")
        if command.startswith("/") and command.split("@")[0] != "/note":
            return  # an edited command is not run again
        text = rest if command.startswith("/") else message.text
    elif message.effective_attachment:
        text = message.caption or ""  # a caption changed, or taken away
    else:
        return
    user = update.effective_user
    assert user is not None  # admitted: a person's edit
    arrival = Arrival(
        user.id, text, client_language=user.language_code, source=source_of(message), edited=True
    )
    await respond(update, context, arrival)
