"""Voice messages, audio files and video notes: transcribed on this machine, shown back,
then answered (a question), made a photo's label (a reply to the photo question) or kept as
a voice note with the recording: the inbound service decides (bot/outcomes.py shows it).

The length Telegram reports is checked before anything is downloaded; the core's check on
the decoded audio stays the authority."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update

from bot.common import language_of, progress_shown, reply
from bot.context import MnemoContext
from bot.outcomes import arrival_of, show
from bot.uploads import downloaded, too_large
from knowledge.services.door.inbound import Meant, Recording
from present.texts import t

log = logging.getLogger(__name__)


async def on_voice(update: Update, context: MnemoContext) -> None:
    message = update.effective_message
    assert message is not None
    media = message.voice or message.audio or message.video_note
    assert media is not None
    language = await language_of(update, context)
    limit = context.settings.max_audio_minutes
    seconds = _seconds(media.duration)
    if seconds > limit * 60:
        log.info("refused a recording of %.0f s, over the limit", seconds)
        minutes = f"{seconds / 60:.1f}"
        await reply(update, t("voice_too_long", language, minutes=minutes, limit=f"{limit:g}"))
        return
    if await too_large(update, context, media.file_size, "🎙", language):
        return
    kept = context.state.delivery.heard(update.update_id)
    if kept is not None:  # asked while the model was away: answered now, not heard twice
        arrival = await arrival_of(update, context, kept, meant=Meant.QUESTION)
        await show(update, context, await context.services.inbound.receive(arrival))
        return
    status = await reply(update, t("listening", language))  # the first reaction, at once

    async def waiting(position: int) -> None:
        if position > 0:
            await status.edit_text(t("voice_queued", language, position=position))

    async def transcribing(progress: str) -> None:
        await status.edit_text(t("transcribing", language, progress=progress))

    name = f"voice-{message.date:%Y-%m-%d-%H%M%S}.ogg"
    arrival = await arrival_of(update, context, "")
    async with (
        downloaded(update, context, media.file_id, "voice", waiting) as path,
        progress_shown(transcribing) as progress,
    ):
        outcome = await context.services.inbound.receive(
            arrival.with_recording(Recording(path, name)), progress=progress
        )
    # A question is answered once the recording's turn at the ingest queue is given back.
    await show(update, context, outcome, status)


def _seconds(duration: int | timedelta | None) -> float:
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    return float(duration or 0)
