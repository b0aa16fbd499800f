"""Documents and photos: downloaded, kept and read in the background, with one status
message that shows progress and ends with a summary. Files are read one at a time, users in
turn (the files lane, services/door/lanes.py): a file waits for its turn before it is even
downloaded, and a user with too many waiting is told so at once. An export found in an
upload is imported in the archives lane, so it never holds up anyone's photo."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from telegram import Update

from bot import reminders
from bot.common import (
    in_thread,
    profile_of,
    reply,
    source_of,
    summarise_soon,
    user_id_of,
    with_progress,
)
from bot.context import MnemoContext
from bot.live import LiveMessage
from knowledge.domain.errors import MnemoError
from knowledge.domain.model import ImportLimits, ImportOptions
from knowledge.domain.ports import Progress
from knowledge.services.door.lanes import Lane
from knowledge.services.keeping.importing import ImportReport
from knowledge.services.keeping.ingest import IngestResult
from knowledge.services.llm.fair_queue import PositionCallback
from present.texts import error_text, t

log = logging.getLogger(__name__)


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
    language = (await profile_of(update, context)).language
    if await too_large(update, context, size, name, language):
        return
    user_id = update.effective_user.id
    lanes = context.services.lanes
    lanes.check(user_id)  # too many waiting: refused before anything is downloaded
    status = LiveMessage.for_update(update, context)
    await status.show(t("reading", language, name=name), force=True)

    async def waiting(position: int) -> None:
        if position > 0:
            queued = t("upload_queued", language, name=name, position=position)
            await status.show(queued, force=True)

    result = None
    with _incoming(context) as folder:
        path = folder / "upload"
        async with lanes.turn(user_id, Lane.FILES, on_position=waiting):
            await _download(context, file_id, path)
            export = await in_thread(context.services.importer.recognises, path)
            if not export:
                summary, result = await _read(
                    context, user_id, path, name, caption, status, language, source_of(message)
                )
        if export:  # an import runs in its own lane: never holding the turn files wait for
            async with lanes.turn(user_id, Lane.ARCHIVES, on_position=waiting):
                summary = await _imported(context, user_id, path, name, status, language)
    await status.show(summary, force=True)
    if result is not None and caption and not result.duplicate:  # "Dinner on Sat at 19:00"
        offered = await in_thread(
            context.services.reminders.offer_for, user_id, result.doc_id, caption
        )
        if offered is not None:
            await reminders.offer(update, context, offered, language)
    if result is not None and _needs_label(result, caption):
        asked = await reply(update, t("photo_what", language))
        await in_thread(context.state.labels.asked, user_id, asked.message_id, result.doc_id)


async def too_large(
    update: Update, context: MnemoContext, size: int | None, name: str, language: str
) -> bool:
    """Over the file limit by the size Telegram reports: refused before any download (the
    core checks the file itself again)."""
    limit = context.settings.max_file_mb
    if not size or size <= limit << 20:
        return False
    log.info("refused an upload of %s bytes", size)
    if name.lower().endswith((".zip", ".json")):  # an export, most likely: the CLI takes it
        user = user_id_of(update)
        await reply(update, t("import_too_large", language, name=name, limit=limit, user=user))
        return True
    await reply(update, t("too_large", language, name=name, limit=limit))
    return True


@asynccontextmanager
async def downloaded(
    update: Update,
    context: MnemoContext,
    file_id: str,
    name: str,
    on_position: PositionCallback,
) -> AsyncIterator[Path]:
    """The user's turn in the files lane, and the file downloaded in it to a temp folder
    under data/incoming (removed after; after a kill -9, by the doctor)."""
    user_id = user_id_of(update)
    with _incoming(context) as folder:
        async with context.services.lanes.turn(user_id, Lane.FILES, on_position=on_position):
            path = folder / name
            await _download(context, file_id, path)
            yield path


@contextmanager
def _incoming(context: MnemoContext) -> Iterator[Path]:
    incoming = context.settings.incoming_dir
    incoming.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=incoming) as folder:
        yield Path(folder)


async def _download(context: MnemoContext, file_id: str, path: Path) -> None:
    await (await context.bot.get_file(file_id)).download_to_drive(path)


async def _read(
    context: MnemoContext,
    user_id: int,
    path: Path,
    name: str,
    caption: str | None,
    status: LiveMessage,
    language: str,
    source: str,
) -> tuple[str, IngestResult | None]:
    async def show(message: str) -> None:
        await status.show(t("progress", language, name=name, message=message), force=True)

    ingestor = context.services.ingestor
    try:
        result = await with_progress(
            show,
            lambda progress: ingestor.ingest_file(
                user_id,
                path,
                name=name,
                caption=caption,
                progress=progress,
                language=language,
                source=source,
            ),
        )
    except MnemoError as exc:
        log.info("upload refused (%s): %s", exc.code, exc)
        context.state.metrics.ingested("file", "refused")
        return t("failed", language, name=name, reason=error_text(exc, language)), None
    except Exception:
        context.state.metrics.ingested("file", "failed")
        raise
    kind = result.kind if result.kind in ("image", "voice") else "document"
    context.state.metrics.ingested(kind, "duplicate" if result.duplicate else "stored")
    if not result.duplicate:
        summarise_soon(context, user_id, result.doc_id)
    return _summary(result, language), result


async def _imported(
    context: MnemoContext,
    user_id: int,
    path: Path,
    name: str,
    status: LiveMessage,
    language: str,
) -> str:
    """A Telegram export (or a mnemo export) sent as a file: imported, the status message
    edited with how far it got; the user's own messages only (they are `user_id`)."""

    async def show(message: str) -> None:
        await status.show(message, force=True)

    def run(progress: Progress) -> ImportReport:
        def told(report: ImportReport) -> None:
            shown = t("import_progress", language, name=name, done=report.done, total=report.total)
            progress(shown, report.done, report.total)

        limits = ImportLimits.for_upload(context.settings.max_file_mb << 20)
        options = ImportOptions(me=user_id, limits=limits)  # an upload's, not the CLI's
        return context.services.importer.run(
            user_id, path, options=options, progress=told, language=language
        )

    try:
        report = await with_progress(show, run)
    except MnemoError as exc:
        log.info("import refused (%s): %s", exc.code, exc)
        return t("failed", language, name=name, reason=error_text(exc, language))
    context.state.metrics.ingested("import", "stored")
    done = t(
        "import_done",
        language,
        name=name,
        added=report.added,
        already=report.already,
        failed=len(report.failed),
    )
    lines = [done]
    if report.links or report.links_failed:
        lines.append(
            t("import_links", language, read=report.links, failed=len(report.links_failed))
        )
    if report.reminders.added:
        reminders.plan_next(context.application)  # the soonest may now be one of them
        lines.append(t("import_reminders", language, added=report.reminders.added))
    return "\n".join(lines)


def _needs_label(result: IngestResult, caption: str | None) -> bool:
    """A new photo with no caption and no text in it has no words to be found by."""
    return (
        result.kind == "image"
        and not result.duplicate
        and not (caption or "").strip()
        and not result.excerpt.strip()
    )


def _summary(result: IngestResult, language: str) -> str:
    if result.duplicate:
        return t("already_stored", language)
    if result.kind == "voice":
        return t("voice_saved", language, text=result.excerpt)
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
