"""Plain messages: a question gets an answer; anything else is remembered as a note."""

from __future__ import annotations

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.common import in_thread, profile_of, reply, summarise_soon, user_id_of
from bot.context import MnemoContext
from bot.questions import answer_question
from bot.texts import t
from bot.uploads import label_if_asked
from knowledge.services.intent import is_question


async def on_text(update: Update, context: MnemoContext) -> None:
    """Route a text message: question or note."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if await label_if_asked(update, context, message.text):
        return
    if message.forward_origin is not None:
        await save_note(update, context, message.text, origin=_origin(message))
    elif is_question(message.text):
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


async def save_note(
    update: Update, context: MnemoContext, text: str, origin: str | None = None
) -> None:
    profile = await profile_of(update, context)
    result = await in_thread(
        context.services.ingestor.add_note, user_id_of(update), text, origin=origin
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
