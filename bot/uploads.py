"""Documents and photos: downloaded, kept and read in the background, with one status
message that shows progress and ends with a summary."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from telegram import Update

from bot.common import profile_of, summarise_soon
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.texts import error_text, t
from knowledge.domain.errors import MnemoError
from knowledge.services.ingest import IngestResult

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 1.0


async def on_document(update: Update, context: MnemoContext) -> None:
    """A file sent as a document: any supported type, told apart by content."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "document"
    await _ingest(update, context, document.file_id, document.file_size, name, message.caption)


async def on_photo(update: Update, context: MnemoContext) -> None:
    """A photo: its largest size, with the caption, EXIF time and the text OCR reads."""
    message = update.effective_message
    assert message is not None and message.photo
    largest = message.photo[-1]
    name = f"photo-{message.date:%Y-%m-%d-%H%M%S}.jpg"
    await _ingest(update, context, largest.file_id, largest.file_size, name, message.caption)


async def _ingest(
    update: Update,
    context: MnemoContext,
    file_id: str,
    size: int | None,
    name: str,
    caption: str | None,
) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    settings = context.settings
    profile = await profile_of(update, context)
    language = profile.language
    if size and size > settings.max_file_mb << 20:
        log.info("refused an upload of %s bytes", size)
        await message.reply_text(t("too_large", language, name=name, limit=settings.max_file_mb))
        return
    status = LiveMessage.for_update(update, context)
    await status.show(t("reading", language, name=name), force=True)
    incoming = settings.data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=incoming) as folder:
        path = Path(folder) / "upload"
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        async with context.state.ingest_slots:
            reply = await _read(
                context, update.effective_user.id, path, name, caption, status, language
            )
    await status.show(reply, force=True)


async def _read(
    context: MnemoContext,
    user_id: int,
    path: Path,
    name: str,
    caption: str | None,
    status: LiveMessage,
    language: str,
) -> str:
    latest: list[str] = []

    def progress(message: str, done: int, total: int) -> None:
        latest.append(message)

    async def show_progress() -> None:
        shown = None
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            if latest and latest[-1] != shown:
                shown = latest[-1]
                await status.show(t("progress", language, name=name, message=shown), force=True)

    ticker = asyncio.create_task(show_progress())
    try:
        result = await asyncio.to_thread(
            context.services.ingestor.ingest_file,
            user_id,
            path,
            name=name,
            caption=caption,
            progress=progress,
        )
    except MnemoError as exc:
        log.info("upload refused (%s): %s", exc.code, exc)
        return t("failed", language, name=name, reason=error_text(exc, language))
    finally:
        ticker.cancel()
    if not result.duplicate:
        summarise_soon(context, user_id, result.doc_id)
    return _summary(result, language)


def _summary(result: IngestResult, language: str) -> str:
    if result.duplicate:
        return t("already_stored", language)
    if result.kind == "image":
        text = " ".join(result.excerpt.split())
        return t("photo_read", language, text=text) if text else t("photo_no_text", language)
    pages = t("pages", language, pages=result.pages) if result.pages else ""
    return t(
        "ingested",
        language,
        name=result.name,
        pages=pages,
        chunks=result.chunks,
        seconds=result.seconds,
    )
