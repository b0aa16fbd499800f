"""Commands and their buttons: start, help, search, docs, forget, stats, export, wipe,
settings; and `COMMANDS`, the one list of every command the bot handles."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import access, backups, digests, messages, questions, reminders
from bot.access import is_admin
from bot.common import in_thread, profile_of, reply, user_id_of
from bot.context import MnemoContext
from bot.live import LiveMessage
from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.languages import LANGUAGES
from knowledge.services.door.lanes import Lane
from knowledge.services.keeping.memory import Stats, human_size
from knowledge.services.upkeep.profiles import ANSWER_TOKENS
from present.render import search_results
from present.texts import LANGUAGE_NAMES, kind_name, t, written_day

DOCS_SHOWN = 40
UPLOAD_SECONDS = 600.0  # time to upload one export part (50 MB on a slow line)
log = logging.getLogger(__name__)


Handler = Callable[[Update, MnemoContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Command:
    """A slash command and its handler; `in_menu`: shown in the command menu and /help
    (an admin's /backup and /invite are not)."""

    name: str
    handler: Handler
    in_menu: bool = True


def bot_commands(language: str) -> list[BotCommand]:
    """The menu, described in `language`."""
    return [BotCommand(c.name, t(f"cmd_{c.name}", language)) for c in COMMANDS if c.in_menu]


async def start(update: Update, context: MnemoContext) -> None:
    """/start: what mnemo does, and that nothing leaves this machine."""
    profile = await profile_of(update, context)
    await reply(update, t("start", profile.language), html=True)


async def help_command(update: Update, context: MnemoContext) -> None:
    """/help: every command with its description."""
    language = (await profile_of(update, context)).language
    lines = [t("help_header", language)]
    lines += [f"/{c.command} — {c.description}" for c in bot_commands(language)]
    lines += ["", t("help_footer", language)]
    await reply(update, "\n".join(lines))


async def search(update: Update, context: MnemoContext) -> None:
    """/search WORDS: the best matching passages, by their best sentences, no model."""
    language = (await profile_of(update, context)).language
    query = " ".join(context.args or [])
    if not query:
        await reply(update, t("usage_search", language))
        return
    found = await in_thread(context.services.passages.find, user_id_of(update), query)
    await reply(update, search_results(found, language), html=True)


async def docs(update: Update, context: MnemoContext) -> None:
    """/docs: the user's documents, each with a button to forget it."""
    language = (await profile_of(update, context)).language
    documents = await in_thread(context.services.memory.documents, user_id_of(update))
    if not documents:
        await reply(update, t("docs_empty", language))
        return
    shown = documents[-DOCS_SHOWN:]
    lines = [f"<b>{escape(t('docs_header', language))}</b>"]
    lines += [
        f"{d.id}. {escape(d.name)} — {escape(kind_name(d.kind, language))}"
        + (f", {t('pages_short', language, pages=d.pages)}" if d.pages else "")
        + f", {written_day(d.created_at, language)}"
        for d in shown
    ]
    buttons = [
        InlineKeyboardButton(t("forget_button", language, id=d.id), callback_data=f"forget:{d.id}")
        for d in shown
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    await reply(update, "\n".join(lines), html=True, markup=InlineKeyboardMarkup(rows))


async def forget(update: Update, context: MnemoContext) -> None:
    """/forget ID: delete one document everywhere."""
    language = (await profile_of(update, context)).language
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit():
        await reply(update, t("usage_forget", language))
        return
    await reply(update, await _forget(context, user_id_of(update), int(args[0]), language))


async def _forget(context: MnemoContext, user_id: int, doc_id: int, language: str) -> str:
    try:
        name = await in_thread(context.services.memory.forget, user_id, doc_id)
    except DocumentNotFound:
        return t("not_found", language, id=doc_id)
    return t("forgotten", language, name=name)


async def stats(update: Update, context: MnemoContext) -> None:
    """/stats: documents, notes, chunks and storage; admins and the owner see everyone's."""
    language = (await profile_of(update, context)).language
    user_id = user_id_of(update)
    memory = context.services.memory
    lines = [_stats_text(await in_thread(memory.stats, user_id), language)]
    if await is_admin(context.settings, context.services.access, user_id):
        everyone = await in_thread(memory.stats, None)
        lines += [
            "",
            t("stats_all", language, users=everyone.users),
            _stats_text(everyone, language),
        ]
    await reply(update, "\n".join(lines))


def _stats_text(numbers: Stats, language: str) -> str:
    return t(
        "stats",
        language,
        documents=numbers.documents,
        notes=numbers.notes,
        chunks=numbers.chunks,
        storage=human_size(numbers.storage_bytes),
    )


async def export(update: Update, context: MnemoContext) -> None:
    """/export: everything stored (originals, notes, metadata) as zips under the Bot API's
    upload limit (MNEMO_EXPORT_PART_MB), each a valid zip on its own, packed on disk and
    sent one at a time in the user's turn at the archives lane (services/door/lanes.py)."""
    language = (await profile_of(update, context)).language
    user_id = user_id_of(update)
    status = LiveMessage.for_update(update, context)
    await status.show(t("export_packing", language), force=True)

    async def waiting(position: int) -> None:
        if position > 0:
            await status.show(t("export_queued", language, position=position), force=True)

    part_bytes = int(context.settings.export_part_mb * (1 << 20))
    incoming = context.settings.incoming_dir
    incoming.mkdir(parents=True, exist_ok=True)
    memory = context.services.memory
    async with context.services.lanes.turn(user_id, Lane.ARCHIVES, on_position=waiting):
        with tempfile.TemporaryDirectory(dir=incoming, prefix="export-") as folder:
            parts = await in_thread(
                memory.export_parts, user_id, Path(folder), part_bytes=part_bytes
            )
            for number, path in enumerate(parts, 1):
                sent = await _send_part(context, status, language, path, number, len(parts))
                if not sent:
                    return
    await status.show(t("export_done", language, parts=len(parts)), force=True)


async def _send_part(
    context: MnemoContext, status: LiveMessage, language: str, path: Path, number: int, total: int
) -> bool:
    """One part as a document to the user's private chat, streamed from disk; False (and
    the user told) if refused."""
    if total > 1:
        await status.show(t("export_sending", language, part=number, parts=total), force=True)
    caption = (
        t("export_part_caption", language, part=number, parts=total)
        if total > 1
        else t("export_caption", language)
    )
    try:
        with path.open("rb") as handle:
            upload = InputFile(handle, filename=path.name, read_file_handle=False)
            await context.bot.send_document(
                status.chat_id, upload, caption=caption, write_timeout=UPLOAD_SECONDS
            )
    except TelegramError as exc:
        log.warning("export part %d/%d was refused (%s)", number, total, type(exc).__name__)
        size = human_size(path.stat().st_size)
        await status.show(
            t("export_failed", language, part=number, parts=total, size=size), force=True
        )
        return False
    return True


async def wipe(update: Update, context: MnemoContext) -> None:
    """/wipe: ask for confirmation with buttons before deleting everything."""
    language = (await profile_of(update, context)).language
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("wipe_yes", language), callback_data="wipe:yes"),
                InlineKeyboardButton(t("wipe_no", language), callback_data="wipe:no"),
            ]
        ]
    )
    await reply(update, t("wipe_confirm", language), html=True, markup=keyboard)


async def settings(update: Update, context: MnemoContext) -> None:
    """/settings: interface language, answer length and digest time, with buttons."""
    text, markup = await _settings_view(context, user_id_of(update))
    await reply(update, text, html=True, markup=markup)


DIGEST_TIMES = ("19:00", "20:00", "21:00", "22:00", "off")
WEEKLY_TIMES = ("6 20:00", "0 08:00", "4 18:00", "off")  # Sunday evening, Monday morning...
BRIEF_TIMES = ("07:00", "08:00", "09:00", "off")


async def _settings_view(context: MnemoContext, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    profile = await in_thread(context.services.profiles.get_or_create, user_id)
    schedule = await in_thread(context.services.digests.schedule, user_id)
    language = profile.language
    text = t(
        "settings",
        language,
        interface=LANGUAGE_NAMES[language],
        length=escape(t(f"length_{profile.answer_length}", language)),
    )
    text += "\n" + escape(digests.describe(schedule, language))
    languages = [
        InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}")
        for code in LANGUAGES
    ]
    lengths = [
        InlineKeyboardButton(t(f"length_{name}", language), callback_data=f"len:{name}")
        for name in ANSWER_TOKENS
    ]
    times = [InlineKeyboardButton(f"🗓 {at}", callback_data=f"dt:{at}") for at in DIGEST_TIMES]
    names = t("weekday_names", language).split()
    weekly = [
        InlineKeyboardButton(
            ("✓ " if (schedule.weekly or "off") == value else "")
            + (
                t("weekly_off", language)
                if value == "off"
                else f"📅 {names[int(value[0])]} {value[2:]}"
            ),
            callback_data=f"wk:{value}",
        )
        for value in WEEKLY_TIMES
    ]
    brief = [
        InlineKeyboardButton(
            ("✓ " if (schedule.brief or "off") == value else "")
            + (t("brief_off", language) if value == "off" else f"☀️ {value}"),
            callback_data=f"bf:{value}",
        )
        for value in BRIEF_TIMES
    ]
    return text, InlineKeyboardMarkup([languages, lengths, times, weekly, brief])


async def on_button(update: Update, context: MnemoContext) -> None:
    """Inline buttons: forget:ID, wipe:yes|no, lang:CODE, len:NAME, dt:HH:MM|off,
    wk:D HH:MM|off (the weekly digest), bf:HH:MM|off (the morning brief), more:PAGE;
    rem:... are the reminders' (bot/reminders.py).

    The user is always the one who pressed, so a button only touches the presser's data; and
    only buttons in the presser's own private chat get here (bot/audience.py)."""
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    action, _, value = (query.data or "").partition(":")
    language = (await profile_of(update, context)).language
    profiles = context.services.profiles
    if action == "forget" and value.isdigit():
        await query.answer()
        await query.edit_message_text(await _forget(context, user_id, int(value), language))
    elif action == "wipe" and value in ("yes", "no"):
        await query.answer()
        if value == "yes":
            await context.services.inbound.wipe(user_id)  # an export held for them too
            await in_thread(context.state.labels.forget_user, user_id)
            context.state.pages.forget_user(user_id)  # no "more" of a wiped memory
        await query.edit_message_text(t("wiped" if value == "yes" else "wipe_kept", language))
    elif (action == "lang" and value in LANGUAGES) or (action == "len" and value in ANSWER_TOKENS):
        change = profiles.set_language if action == "lang" else profiles.set_answer_length
        await in_thread(change, user_id, value)
        await _refresh_settings(query, context, user_id)
    elif action == "wk" and value in WEEKLY_TIMES:
        schedule = await in_thread(context.services.digests.set_weekly, user_id, value)
        digests.plan(context.application, schedule)
        await _refresh_settings(query, context, user_id)
    elif action == "bf" and value in BRIEF_TIMES:
        schedule = await in_thread(context.services.digests.set_brief, user_id, value)
        digests.plan(context.application, schedule)
        await _refresh_settings(query, context, user_id)
    elif action == "more":
        await questions.more(query, context, value)
    elif action == "dt" and value in DIGEST_TIMES:
        schedule = await in_thread(context.services.digests.set_time, user_id, value)
        digests.plan(context.application, schedule)
        await _refresh_settings(query, context, user_id)
    else:
        await query.answer()


async def _refresh_settings(query: CallbackQuery, context: MnemoContext, user_id: int) -> None:
    text, markup = await _settings_view(context, user_id)
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


# The one list of commands: each is handled; the menu shows those `in_menu`, in this order.
COMMANDS = (
    Command("start", start),
    Command("help", help_command),
    Command("ask", messages.ask_command),
    Command("note", messages.note_command),
    Command("search", search),
    Command("docs", docs),
    Command("forget", forget),
    Command("stats", stats),
    Command("export", export),
    Command("wipe", wipe),
    Command("cancel", questions.cancel),
    Command("settings", settings),
    Command("digest", digests.digest_command),
    Command("timezone", digests.timezone_command),
    Command("digest_time", digests.digest_time_command),
    Command("backup", backups.backup_command, in_menu=False),
    Command("reminders", reminders.reminders_command),
    Command("brief", digests.brief_command),
    Command("invite", access.invite_command, in_menu=False),
)
