"""Saying a quoted note is outdated: a button under an answer's quote (one per quoted item)
marks it, a button on the confirmation restores it (answers/outdated.py).

Buttons carry only the item's id and act as the presser, so a button only ever touches the
presser's own items: another user's id is "not found" in the store itself."""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.common import in_thread, profile_of
from bot.context import MnemoContext
from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.model import StoredDocument
from knowledge.services.answers.answering import Answer
from present.texts import t, written_at

PREFIX = "old"


def outdated_buttons(answer: Answer, language: str) -> InlineKeyboardMarkup | None:
    """Under an answer found in memory: one button per quoted item, "Outdated: <when>"."""
    if not answer.found:
        return None
    seen: list[int] = []
    buttons = []
    for quote in answer.quotes:
        hit = quote.hit
        if hit.doc_id in seen:
            continue
        seen.append(hit.doc_id)
        what = written_at(hit.created_at, language) if hit.created_at else hit.doc_name
        label = t("outdated_button", language, what=what)
        buttons.append([InlineKeyboardButton(label, callback_data=f"{PREFIX}:{hit.doc_id}")])
    return InlineKeyboardMarkup(buttons) if buttons else None


async def on_button(update: Update, context: MnemoContext) -> None:
    """old:ID marks the presser's item ID outdated and says so, with a button to restore
    it; old:ID:back restores it."""
    query = update.callback_query
    assert query is not None
    _, _, value = (query.data or "").partition(":")
    number, _, back = value.partition(":")
    language = (await profile_of(update, context)).language
    if not number.isdigit():
        await query.answer()
        return
    doc_id = int(number)
    outdated = context.services.outdated
    change = outdated.restore if back == "back" else outdated.mark
    try:
        doc = await in_thread(change, query.from_user.id, doc_id)
    except DocumentNotFound:
        await query.answer(t("not_found", language, id=doc_id), show_alert=True)
        return
    await query.answer()
    if back == "back":
        await query.edit_message_text(
            escape(t("outdated_restored", language, what=_what(doc))),
            parse_mode=ParseMode.HTML,
        )
        return
    await _confirm(query, context, doc, language)


async def _confirm(
    query: CallbackQuery, context: MnemoContext, doc: StoredDocument, language: str
) -> None:
    restore = InlineKeyboardButton(
        t("outdated_restore_button", language), callback_data=f"{PREFIX}:{doc.id}:back"
    )
    await context.bot.send_message(
        query.from_user.id,
        escape(t("outdated_marked", language, what=_what(doc))),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup([[restore]]),
    )


def _what(doc: StoredDocument) -> str:
    """An item as the confirmation names it: a note by its words, a file by its name."""
    return f"“{doc.name}”"
