"""From a message to what its sender is told: the update read into the core's `Arrival`,
one call to the door (knowledge/services/door/inbound.py), and its outcome shown.

A question is answered (bot/questions.py); a note, a spoken note, an edit or a photo's
label is confirmed; a refusal says why; what follows that only the bot can do (a reminder
offered, a photo asked about) is done here. A recording's status message, when there is
one, is edited into what was heard and what became of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot import reminders
from bot.common import in_thread, reply, source_of, user_id_of
from bot.context import MnemoContext
from bot.questions import answer
from knowledge.services.door.arrival import (
    Arrival,
    Edited,
    Kept,
    Labelled,
    Meant,
    Outcome,
    Question,
    Refused,
    Reminded,
    Stored,
    Upload,
    heard_of,
)
from present.texts import error_text, t

Say = Callable[[str], Awaitable[None]]


async def arrival_of(
    update: Update,
    context: MnemoContext,
    text: str,
    *,
    meant: Meant = Meant.EITHER,
    shared: bool = False,
    upload: Upload | None = None,
) -> Arrival:
    """What a message brought, as the core reads it: its text, whether it replies to the
    bot's question about a photo (bot/prompts.py), whom a forward came from."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None  # admitted: a person's message
    return Arrival(
        user_id=user.id,
        text=text,
        upload=upload,
        client_language=user.language_code,
        meant=meant,
        labels=None if shared else await _photo_replied_to(context, message, user.id),
        shared=shared,
        origin=origin_of(message) if message.forward_origin is not None else None,
        source=source_of(message),
        retimes=None if shared else await reminders.retimes(context, message, user.id),
    )


async def respond(update: Update, context: MnemoContext, arrival: Arrival) -> None:
    """One call to the core, then its outcome shown."""
    await show(update, context, await context.services.inbound.receive(arrival))


async def show(
    update: Update, context: MnemoContext, outcome: Outcome, status: Message | None = None
) -> None:
    """What the sender is told. `status`: a recording's message, edited to say what was
    heard; without one, each reply is a new message in the private chat."""
    language = outcome.profile.language
    spoken = heard_of(outcome)
    heard = spoken.text if spoken else None
    kind = "voice" if heard is not None or status is not None else "note"

    async def say(text: str) -> None:
        if status is not None:
            await status.edit_text(text)
        else:
            await reply(update, text)

    if isinstance(outcome, Question):
        if heard is not None and status is not None:
            await status.edit_text(t("voice_heard", language, text=heard))
        await answer(update, context, outcome)
    elif isinstance(outcome, Labelled):
        await in_thread(context.state.labels.answered, user_id_of(update), outcome.doc_id)
        if heard is not None and status is not None:
            await status.edit_text(t("transcribing", language, progress=f"“{heard}”"))
        await reply(update, t("photo_labelled", language, text=outcome.text))
    elif isinstance(outcome, Reminded):
        if heard is not None and status is not None:
            await status.edit_text(t("voice_heard", language, text=heard))
        await reminders.show_reminded(update, context, outcome)
    elif isinstance(outcome, Refused):
        context.state.metrics.ingested(kind, "refused")
        reason = error_text(outcome.error, language)
        if status is not None:
            await status.edit_text(t("failed", language, name="🎙", reason=reason))
        else:
            await reply(update, reason)
    elif isinstance(outcome, Edited):
        if outcome.rewritten is not None:  # a question edited: nothing changed, nothing said
            key = "note_updated" if outcome.rewritten.what == "note" else "caption_updated"
            await reply(update, t(key, language))
    elif isinstance(outcome, Kept):
        await _kept(update, context, outcome, say, kind)
    else:  # a file's outcome is shown by its handler (bot/uploads.py)
        raise TypeError(f"not a message's outcome: {type(outcome).__name__}")


async def show_follow_ups(update: Update, context: MnemoContext, outcome: Stored) -> None:
    """After a file is read: a reminder offered for the moment its caption names; a photo
    with no words at all asked about (the reply labels it)."""
    language = outcome.profile.language
    if outcome.offer is not None:
        await reminders.offer(update, context, outcome.offer, language)
    if outcome.label_wanted:
        asked = await reply(update, t("photo_what", language))
        await in_thread(
            context.state.labels.asked, user_id_of(update), asked.message_id, outcome.result.doc_id
        )


async def _kept(update: Update, context: MnemoContext, outcome: Kept, say: Say, kind: str) -> None:
    language = outcome.profile.language
    result = outcome.result
    context.state.metrics.ingested(kind, "duplicate" if result.duplicate else "stored")
    if result.duplicate:
        await say(t("already_stored", language))
        return
    link = outcome.link
    if link is not None and link.result is not None:
        site = urlsplit(link.url).hostname or link.url
        await say(t("link_saved", language, title=link.result.name, site=site))
    elif link is not None and link.error is not None:
        await say(t("link_not_read", language, reason=error_text(link.error, language)))
    elif outcome.heard is not None:
        await say(t("voice_saved", language, text=outcome.heard.text))
    elif outcome.origin:
        await say(t("note_forwarded", language, origin=outcome.origin))
    else:
        await say(t("note_saved", language))
    if outcome.offer is not None:
        await reminders.offer(update, context, outcome.offer, language)


async def _photo_replied_to(context: MnemoContext, message: Message, user_id: int) -> int | None:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    return await in_thread(context.state.labels.photo_asked_in, user_id, replied.message_id)


def origin_of(message: Message) -> str:
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
