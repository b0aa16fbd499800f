"""Plain messages: a question gets an answer; anything else is remembered as a note. In a
group only questions meant for the bot reach here (bot/audience.py), answered privately;
an edited message replaces the note it made."""

from __future__ import annotations

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot import audience
from bot.common import in_thread, profile_of, reply, summarise_soon, user_id_of
from bot.context import MnemoContext
from bot.questions import answer_question
from bot.texts import t
from bot.uploads import label_if_asked, source_of
from knowledge.services.planning import wants_answer


async def on_text(update: Update, context: MnemoContext) -> None:
    """Route a text message: question or note."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if audience.in_shared_chat(update):  # admitted only when it asks the bot something
        question = audience.without_mention(message.text, context.bot.username or "")
        await answer_question(update, context, question)
        return
    if await label_if_asked(update, context, message.text):
        return
    if message.forward_origin is not None:
        await save_note(update, context, message.text, origin=_origin(message))
    elif wants_answer(message.text):
        await answer_question(update, context, message.text)
    else:
        await save_note(update, context, message.text)


async def ask_command(update: Update, context: MnemoContext) -> None:
    """/ask QUESTION: answer, whatever the wording."""
    question = await _argument_or_usage(update, context, "usage_ask")
    if question:
        await answer_question(update, context, question)


async def note_command(update: Update, context: MnemoContext) -> None:
    """/note TEXT: remember, whatever the wording."""
    text = await _argument_or_usage(update, context, "usage_note")
    if text:
        await save_note(update, context, text)


async def _argument_or_usage(update: Update, context: MnemoContext, usage: str) -> str:
    """The command's text after its name; when there is none, reply how to use it."""
    text = " ".join(context.args or [])
    if not text:
        await reply(update, t(usage, (await profile_of(update, context)).language))
    return text


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
    user_id = user_id_of(update)
    edited = await in_thread(context.services.rewriting.edit, user_id, source_of(message), text)
    if edited is None:
        return  # it made nothing (a question): nothing to change, nothing to say
    summarise_soon(context, user_id, edited.doc_id)
    language = (await profile_of(update, context)).language
    key = "note_updated" if edited.what == "note" else "caption_updated"
    await reply(update, t(key, language))


async def save_note(
    update: Update, context: MnemoContext, text: str, origin: str | None = None
) -> None:
    profile = await profile_of(update, context)
    message = update.effective_message
    assert message is not None
    result = await in_thread(
        context.services.ingestor.add_note,
        user_id_of(update),
        text,
        origin=origin,
        source=source_of(message),
    )
    context.state.metrics.ingested("note", "duplicate" if result.duplicate else "stored")
    if result.duplicate:
        answer = t("already_stored", profile.language)
    else:
        summarise_soon(context, user_id_of(update), result.doc_id)
        answer = (
            t("note_forwarded", profile.language, origin=origin)
            if origin
            else t("note_saved", profile.language)
        )
    await reply(update, answer)


def _origin(message: Message) -> str:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title or "a chat"
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title or "a channel"
    return "a forward"
