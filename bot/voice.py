"""Voice messages, audio files and video notes: transcribed on this machine, shown back,
then answered (a question) or kept as a voice note with the recording."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.common import in_thread, profile_of, reply, summarise_soon, user_id_of, with_progress
from bot.context import MnemoContext
from bot.questions import answer_question
from bot.texts import error_text, t
from bot.uploads import downloaded, label_if_asked, source_of
from knowledge.domain.errors import MnemoError
from knowledge.domain.model import Transcript
from knowledge.services.planning import wants_answer

log = logging.getLogger(__name__)


async def on_voice(update: Update, context: MnemoContext) -> None:
    message = update.effective_message
    assert message is not None
    media = message.voice or message.audio or message.video_note
    assert media is not None
    language = (await profile_of(update, context)).language
    settings = context.settings
    limit = settings.max_audio_minutes
    seconds = _seconds(media.duration)
    if seconds > limit * 60:
        log.info("refused a recording of %.0f s, over the limit", seconds)
        minutes = f"{seconds / 60:.1f}"
        await reply(update, t("voice_too_long", language, minutes=minutes, limit=f"{limit:g}"))
        return
    if media.file_size and media.file_size > settings.max_file_mb << 20:
        await reply(update, t("too_large", language, name="🎙", limit=settings.max_file_mb))
        return
    kept = context.state.deferred.heard(update.update_id)
    if kept is not None:  # asked while the model was away: answered now, not heard twice
        await answer_question(update, context, kept)
        return
    status = await reply(update, t("listening", language))  # the first reaction, at once

    async def waiting(position: int) -> None:
        if position > 0:
            await status.edit_text(t("voice_queued", language, position=position))

    async with downloaded(update, context, media.file_id, "voice", waiting) as path:
        transcript = await _transcribe(context, status, path, language)
        if transcript is None:
            return
        if await label_if_asked(update, context, transcript.text):
            await status.edit_text(t("transcribing", language, progress=f"“{transcript.text}”"))
            return
        if not wants_answer(transcript.text):
            await _keep(update, context, status, path, transcript, language)
            return
    # A question: answered once the recording's turn at the ingest queue is given back.
    await status.edit_text(t("voice_heard", language, text=transcript.text))
    try:
        await answer_question(update, context, transcript.text)
    except ApplicationHandlerStop:  # kept for when the model is back
        context.state.deferred.remember_heard(update.update_id, transcript.text)
        raise


async def _transcribe(
    context: MnemoContext, status: Message, path: Path, language: str
) -> Transcript | None:
    async def show(progress: str) -> None:
        await status.edit_text(t("transcribing", language, progress=progress))

    ingestor = context.services.ingestor
    try:
        return await with_progress(
            show,
            lambda progress: ingestor.transcribe(path, language=language, progress=progress),
        )
    except MnemoError as exc:
        log.info("a recording was refused (%s): %s", exc.code, exc)
        context.state.metrics.ingested("voice", "refused")
        await status.edit_text(t("failed", language, name="🎙", reason=error_text(exc, language)))
        return None


async def _keep(
    update: Update,
    context: MnemoContext,
    status: Message,
    path: Path,
    transcript: Transcript,
    language: str,
) -> None:
    user_id = user_id_of(update)
    message = update.effective_message
    assert message is not None
    name = f"voice-{message.date:%Y-%m-%d-%H%M%S}.ogg"
    ingestor = context.services.ingestor
    try:
        result = await in_thread(
            ingestor.add_voice, user_id, path, transcript, name=name, source=source_of(message)
        )
    except MnemoError as exc:
        context.state.metrics.ingested("voice", "refused")
        await status.edit_text(t("failed", language, name="🎙", reason=error_text(exc, language)))
        return
    context.state.metrics.ingested("voice", "duplicate" if result.duplicate else "stored")
    if result.duplicate:
        await status.edit_text(t("already_stored", language))
        return
    summarise_soon(context, user_id, result.doc_id)
    await status.edit_text(t("voice_saved", language, text=transcript.text))


def _seconds(duration: int | timedelta | None) -> float:
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    return float(duration or 0)
