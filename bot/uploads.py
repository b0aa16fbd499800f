"""Documents and photos: read into an `Arrival` with its `Upload` (what Telegram says of
it, and how to download it), handed to the door (knowledge/services/door), and shown
(bot/outcomes.py). The core refuses an upload over the limits before it is downloaded,
downloads it only in its owner's turn in the files lane, and imports an export in the
archives lane; one status message shows where it is, and ends with what became of it.

An export that held other people's messages is imported with the sender's own only; a
button under its summary keeps the others' too (`senders:NAME`: the door imports the export
it held again with all senders, each message with who said it, adding only what is new)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import reminders
from bot.common import progress_shown, reply
from bot.context import MnemoContext
from bot.live import LiveMessage
from bot.outcomes import arrival_of, show, show_follow_ups
from knowledge.domain.model import ImportOptions
from knowledge.services.door.arrival import (
    IMPORTING,
    Arrival,
    ImportAsked,
    Imported,
    Outcome,
    Refused,
    Stored,
    Upload,
)
from knowledge.services.upkeep.profiles import Profile
from present.texts import error_text, t

CALLBACK_BYTES = 64  # the Bot API's limit on a button's data


async def on_document(update: Update, context: MnemoContext) -> None:
    """A file sent as a document: any supported type, told apart by content."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "document"
    fetch = downloader(context, document.file_id)
    await _receive(update, context, Upload(name, fetch, claimed_bytes=document.file_size))


async def on_photo(update: Update, context: MnemoContext) -> None:
    """A photo: its largest size, with the caption, EXIF time and the text OCR reads."""
    message = update.effective_message
    assert message is not None and message.photo
    largest = message.photo[-1]
    name = f"photo-{message.date:%Y-%m-%d-%H%M%S}.jpg"
    fetch = downloader(context, largest.file_id)
    await _receive(update, context, Upload(name, fetch, claimed_bytes=largest.file_size))


def downloader(context: MnemoContext, file_id: str) -> Callable[[Path], Awaitable[None]]:
    """How the core fetches a Telegram file, when its turn comes."""

    async def download(path: Path) -> None:
        await (await context.bot.get_file(file_id)).download_to_drive(path)

    return download


async def on_button(update: Update, context: MnemoContext) -> None:
    """senders:NAME, under an import's summary: the other senders' messages kept too."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)  # pressed once
    name = (query.data or "").partition(":")[2] or "export"
    user_id = query.from_user.id
    held = ImportAsked(ImportOptions(me=user_id, all_senders=True), held=True)
    await _taken(update, context, Arrival(user_id, upload=Upload(name), imports=held))


async def _receive(update: Update, context: MnemoContext, upload: Upload) -> None:
    message = update.effective_message
    assert message is not None
    arrival = await arrival_of(update, context, message.caption or "", upload=upload)
    await _taken(update, context, arrival)


async def _taken(update: Update, context: MnemoContext, arrival: Arrival) -> None:
    """One arrival with a file through the door, its status message kept up to date."""
    upload = arrival.upload
    assert upload is not None
    status = LiveMessage.for_update(update, context)
    language, taken_in = "en", False  # the sender's, once the core has taken the upload in

    async def accepted(profile: Profile) -> None:
        nonlocal language, taken_in
        language, taken_in = profile.language, True
        await status.show(t("reading", language, name=upload.name), force=True)

    async def waiting(position: int) -> None:
        if position > 0:
            queued = t("upload_queued", language, name=upload.name, position=position)
            await status.show(queued, force=True)

    async def told(latest: str) -> None:
        await status.show(latest, force=True)

    def described(message: str, done: int, total: int) -> str:
        if message == IMPORTING:
            return t("import_progress", language, name=upload.name, done=done, total=total)
        return t("progress", language, name=upload.name, message=message)

    async with progress_shown(told) as progress:
        outcome = await context.services.inbound.receive(
            arrival,
            progress=lambda message, done, total: progress(described(message, done, total), 0, 0),
            on_position=waiting,
            on_accepted=accepted,
        )
    if not taken_in:  # refused before it was taken in
        await show(update, context, outcome)
        return
    await status.show(_summary(context, outcome, upload.name), force=True)
    if isinstance(outcome, Stored):
        await show_follow_ups(update, context, outcome)
    if isinstance(outcome, Imported) and outcome.report.others:
        await _offer_others(update, outcome, language)


async def _offer_others(update: Update, outcome: Imported, language: str) -> None:
    """Under an import that left other people's messages out: a button to keep them too."""
    data = f"senders:{outcome.name}"
    while len(data.encode()) > CALLBACK_BYTES:
        data = data[:-1]
    button = InlineKeyboardButton(t("import_others_keep", language), callback_data=data)
    offer = t("import_others", language, n=outcome.report.others)
    await reply(update, offer, markup=InlineKeyboardMarkup([[button]]))


def _summary(context: MnemoContext, outcome: Outcome, name: str) -> str:
    """What the status message ends with: what was read, imported, or why not."""
    language = outcome.profile.language
    metrics = context.state.metrics
    if isinstance(outcome, Imported):
        metrics.ingested("import", "stored")
        return _imported(context, outcome, language)
    if isinstance(outcome, Refused):
        metrics.ingested("file", "refused")
        return t("failed", language, name=name, reason=error_text(outcome.error, language))
    assert isinstance(outcome, Stored)
    result = outcome.result
    kind = result.kind if result.kind in ("image", "voice") else "document"
    metrics.ingested(kind, "duplicate" if result.duplicate else "stored")
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


def _imported(context: MnemoContext, outcome: Imported, language: str) -> str:
    """A Telegram export (or a mnemo export) sent as a file: how far its import got;
    reminders it brought back are planned (the soonest may now be one of them)."""
    report = outcome.report
    done = t(
        "import_done",
        language,
        name=outcome.name,
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
        reminders.plan_next(context.application)
        lines.append(t("import_reminders", language, added=report.reminders.added))
    return "\n".join(lines)
