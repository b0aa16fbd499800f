"""Voice messages, audio files and video notes: read into an `Arrival` with its `Upload`
(a recording, with the length Telegram reports), handed to the door, which refuses one too
long before it is downloaded, hears it on this machine in its owner's turn, and answers it
(a question), makes it a photo's label (a reply to the photo question) or keeps it as a
voice note with the recording; bot/outcomes.py shows what became of it, editing the one
status message."""

from __future__ import annotations

from datetime import timedelta

from telegram import Message, Update

from bot.common import progress_shown, reply
from bot.context import MnemoContext
from bot.outcomes import arrival_of, show
from bot.uploads import downloader
from knowledge.services.door.arrival import Meant, Upload
from knowledge.services.upkeep.profiles import Profile
from present.texts import t


async def on_voice(update: Update, context: MnemoContext) -> None:
    message = update.effective_message
    assert message is not None
    media = message.voice or message.audio or message.video_note
    assert media is not None
    kept = context.state.delivery.heard(update.update_id)
    if kept is not None:  # asked while the model was away: answered now, not heard twice
        arrival = await arrival_of(update, context, kept, meant=Meant.QUESTION)
        await show(update, context, await context.services.inbound.receive(arrival))
        return
    upload = Upload(
        f"voice-{message.date:%Y-%m-%d-%H%M%S}.ogg",
        downloader(context, media.file_id),
        claimed_bytes=media.file_size,
        claimed_seconds=_seconds(media.duration),
        recording=True,
    )
    status: Message | None = None
    language = "en"  # the sender's, once the core has taken the recording in

    async def accepted(profile: Profile) -> None:
        nonlocal status, language
        language = profile.language
        status = await reply(update, t("listening", language))  # the first reaction, at once

    async def waiting(position: int) -> None:
        if position > 0 and status is not None:
            await status.edit_text(t("voice_queued", language, position=position))

    async def transcribing(progress: str) -> None:
        if status is not None:
            await status.edit_text(t("transcribing", language, progress=progress))

    arrival = await arrival_of(update, context, "", upload=upload)
    async with progress_shown(transcribing) as progress:
        outcome = await context.services.inbound.receive(
            arrival, progress=progress, on_position=waiting, on_accepted=accepted
        )
    # A question is answered once the recording's turn in the files lane is given back.
    await show(update, context, outcome, status)


def _seconds(duration: int | timedelta | None) -> float:
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    return float(duration or 0)
