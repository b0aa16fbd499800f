"""Reminders in Telegram: the confirmation of a request (with change and cancel), the
question back when its time is unclear, the offer under a note that names a date, the
reminder itself (snooze, done), /reminders, and the job that sends what is due.

One JobQueue job wakes at the next due moment, plus a sweep every minute; each run takes
everything due in one query, renders it, hands it to the rule of scheduled messages in one
transaction (knowledge/services/sending/reminders.py), and sends it through bot/outbox.py's pacer:
chats in turn, at most one message a second to a chat, many chats at once under PTB's rate
limiter (~30 messages a second). Two thousand due to one chat take half an hour and hold up
no other chat's. A kill -9 after the hand-over leaves deliveries that the start-up sends.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot import outbox
from bot.common import in_thread, profile_of, reply, user_id_of
from bot.context import MnemoApplication, MnemoContext
from knowledge.bootstrap import Services
from knowledge.domain.errors import TooManyReminders
from knowledge.domain.model import Reminder
from knowledge.services.door.arrival import Reminded
from knowledge.services.sending.reminder_states import (
    SCHEDULED,
    Due,
    local_due,
    reminder_of_key,
)
from knowledge.services.words.reminder_days import Recurrence
from present.texts import day_label, error_text, t

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60
NEXT_JOB = "reminders:next"


# Words ---------------------------------------------------------------------------------


def written_when(moment: datetime, language: str, now: datetime | None = None) -> str:
    """ "today at 09:00", "tomorrow at 18:30", "on Thu Dec 3, 2026 at 14:00"."""
    now = (now or datetime.now(UTC)).astimezone(moment.tzinfo)
    clock = f"{moment:%H:%M}"
    if moment.date() == now.date():
        return t("when_today", language, time=clock)
    if moment.date() == now.date() + timedelta(days=1):
        return t("when_tomorrow", language, time=clock)
    return t("when_on", language, day=day_label(moment.date(), language), time=clock)


def schedule_words(reminder: Reminder, language: str) -> str:
    """When it comes: its next moment, and how it repeats."""
    moment = local_due(reminder)
    if moment is None:
        return "?"
    every = Recurrence.parse(reminder.every)
    if every is None:
        return written_when(moment, language)
    clock = f"{moment:%H:%M}"
    if len(every.weekdays) == 7:
        repeat = t("every_day", language, time=clock)
    else:
        names = t("weekday_names", language).split()
        days = ", ".join(names[day] for day in every.weekdays)
        repeat = t("every_weekdays", language, days=days, time=clock)
    return f"{repeat} " + t("reminder_next", language, when=written_when(moment, language))


def _buttons(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def _set_buttons(reminder: Reminder, language: str) -> InlineKeyboardMarkup:
    return _buttons(
        [
            (t("btn_change", language), f"rem:c:{reminder.id}"),
            (t("btn_cancel", language), f"rem:x:{reminder.id}"),
        ]
    )


def _due_buttons(reminder_id: int, language: str) -> InlineKeyboardMarkup:
    snooze = [
        (t(f"btn_snooze_{choice}", language), f"rem:s:{reminder_id}:{choice}")
        for choice in ("10m", "1h", "tomorrow")
    ]
    return _buttons(snooze, [(t("btn_done", language), f"rem:d:{reminder_id}")])


def reminder_html(due: Due, language: str) -> str:
    """The reminder as it arrives: its words, and when late, when it was due."""
    text = escape(t("reminder_message", language, task=due.reminder.text))
    moment = local_due(due.reminder)
    if due.late and moment is not None:
        at = written_when(moment, language)
        text += "\n<i>" + escape(t("reminder_late", language, at=at)) + "</i>"
    return text


# A request, and what is said back ------------------------------------------------------


async def show_reminded(update: Update, context: MnemoContext, outcome: Reminded) -> None:
    """The confirmation of a reminder set, or the question about its time."""
    language = outcome.profile.language
    asked = outcome.asked
    reminder = asked.reminder
    task = reminder.text or "…"
    user_id = user_id_of(update)
    if asked.is_set:
        text = t("reminder_set", language, when=schedule_words(reminder, language), task=task)
        schedule = await in_thread(context.services.digests.schedule, user_id)
        if not schedule.zone_chosen:
            text += "\n" + t("reminder_zone", language, zone=schedule.timezone)
        await reply(update, text, markup=_set_buttons(reminder, language))
        plan_next(context.application)
        return
    request = asked.request
    if request.problem == "ambiguous":
        zone = ZoneInfo(reminder.zone)
        choices = [
            (f"{option.astimezone(zone):%H:%M}", f"rem:a:{reminder.id}:{int(option.timestamp())}")
            for option in request.options
        ]
        text = t("reminder_which", language, task=task)
        sent = await reply(update, text, markup=_buttons(choices))
        await in_thread(context.state.labels.asked_when, user_id, sent.message_id, reminder.id)
    elif request.problem == "past" and request.options:
        when = written_when(request.options[0], language)
        text = t("reminder_past", language, when=when[:1].upper() + when[1:], task=task)
        await _ask_when(context, user_id, reminder.id, text)
    else:
        await _ask_when(context, user_id, reminder.id, t("reminder_when", language, task=task))


async def _ask_when(context: MnemoContext, user_id: int, reminder_id: int, text: str) -> None:
    """A question whose reply (ForceReply) gives the reminder its time."""
    sent = await context.bot.send_message(user_id, text, reply_markup=ForceReply())
    await in_thread(context.state.labels.asked_when, user_id, sent.message_id, reminder_id)


async def offer(update: Update, context: MnemoContext, reminder: Reminder, language: str) -> None:
    """Under a kept note naming a moment ahead: "Remind you on Dec 3 at 14:00?"."""
    moment = local_due(reminder)
    assert moment is not None
    text = t("reminder_offer", language, when=written_when(moment, language))
    await reply(
        update, text, markup=_buttons([(t("btn_remind", language), f"rem:o:{reminder.id}")])
    )


async def retimes(context: MnemoContext, message: Message, user_id: int) -> int | None:
    """The reminder whose "when?" `message` replies to, if it does."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    return await in_thread(context.state.labels.reminder_asked_in, user_id, replied.message_id)


# /reminders and the buttons ------------------------------------------------------------


async def reminders_command(update: Update, context: MnemoContext) -> None:
    """/reminders: what is coming, soonest first, with a cancel button each."""
    language = (await profile_of(update, context)).language
    text, markup = await _listing(context, user_id_of(update), language)
    await reply(update, text, markup=markup)


async def _listing(
    context: MnemoContext, user_id: int, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    coming = await in_thread(context.services.reminders.coming, user_id)
    if not coming:
        return t("reminders_none", language), None
    shown = coming[:50]
    lines = [t("reminders_header", language)]
    lines += [
        f"{n}. {schedule_words(reminder, language)}: {reminder.text}"
        for n, reminder in enumerate(shown, 1)
    ]
    buttons = [
        InlineKeyboardButton(t("btn_cancel_n", language, n=n), callback_data=f"rem:x:{r.id}")
        for n, r in enumerate(shown, 1)
    ]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def on_button(update: Update, context: MnemoContext) -> None:
    """rem:x:ID cancel, rem:c:ID change, rem:a:ID:EPOCH a time chosen, rem:o:ID an offer
    taken, rem:s:ID:10m|1h|tomorrow snooze, rem:d:ID done. Only the presser's own
    reminders are found (the store looks them up by the presser)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    user_id = query.from_user.id
    language = (await profile_of(update, context)).language
    _, action, rest = query.data.split(":", 2)
    number, _, extra = rest.partition(":")
    if not number.isdigit():
        await query.answer()
        return
    reminder_id = int(number)
    reminders = context.services.reminders
    await query.answer()
    if action == "c":
        reminder = await in_thread(reminders.get, user_id, reminder_id)
        if reminder is None or reminder.status != SCHEDULED:
            await query.edit_message_text(t("reminder_gone", language))
            return
        await _ask_when(
            context, user_id, reminder_id, t("reminder_when", language, task=reminder.text)
        )
        return
    if action == "x":
        changed = await in_thread(reminders.cancel, user_id, reminder_id)
        await _after_button(query, context, changed, "reminder_cancelled", language)
    elif action in ("a", "o"):
        at = datetime.fromtimestamp(int(extra), UTC) if action == "a" and extra.isdigit() else None
        try:
            changed = await in_thread(reminders.accept, user_id, reminder_id, at)
        except TooManyReminders as exc:  # the offer stays: taken up once some are gone
            await reply(update, error_text(exc, language))
            return
        if changed is None:
            await query.edit_message_text(t("reminder_gone", language))
            return
        when = schedule_words(changed, language)
        await query.edit_message_text(
            t("reminder_set", language, when=when, task=changed.text),
            reply_markup=_set_buttons(changed, language),
        )
    elif action == "s":
        changed = await in_thread(reminders.snooze, user_id, reminder_id, extra)
        if changed is None:
            await query.edit_message_text(t("reminder_gone", language))
            return
        when = schedule_words(changed, language)
        await query.edit_message_reply_markup(None)
        await reply(update, t("reminder_snoozed", language, when=when, task=changed.text))
    elif action == "d":
        changed = await in_thread(reminders.done, user_id, reminder_id)
        await _after_button(query, context, changed, "reminder_done", language)
        return
    plan_next(context.application)


async def _after_button(
    query: CallbackQuery,
    context: MnemoContext,
    changed: Reminder | None,
    said: str,
    language: str,
) -> None:
    if changed is None:
        await query.edit_message_text(t("reminder_gone", language))
        return
    message = query.message
    listing = isinstance(message, Message) and (message.text or "").startswith(
        t("reminders_header", language)
    )
    if listing:  # /reminders: the list again, without the one cancelled
        text, markup = await _listing(context, changed.user_id, language)
        await query.edit_message_text(text, reply_markup=markup)
        return
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(changed.user_id, t(said, language, task=changed.text))


# Sending what is due -------------------------------------------------------------------


def plan(application: MnemoApplication) -> None:
    """At start-up: the sweep every minute (at once first: what came due while the bot was
    down), and the job at the next due moment."""
    queue = application.job_queue
    assert queue is not None
    late_is_fine = {"misfire_grace_time": None, "coalesce": True}  # a busy start-up
    queue.run_repeating(
        sweep, interval=SWEEP_SECONDS, first=0, name="reminders:sweep", job_kwargs=late_is_fine
    )
    outbox.buttons_for["reminder"] = _markup_of_key
    plan_next(application)


def plan_next(application: MnemoApplication) -> None:
    """(Re)schedule the job at the next due moment (after a reminder is set or moved)."""
    application.create_task(_plan_next(application), name="reminders:plan")


async def _plan_next(application: MnemoApplication) -> None:
    queue = application.job_queue
    assert queue is not None
    moment = await in_thread(application.bot_data.services.reminders.next_due)
    for job in queue.get_jobs_by_name(NEXT_JOB):
        job.schedule_removal()
    if moment is not None:
        when = max(moment, datetime.now(UTC))
        queue.run_once(sweep, when, name=NEXT_JOB, job_kwargs={"misfire_grace_time": None})


async def sweep(context: MnemoContext) -> None:
    """Everything due: rendered, handed over in one transaction, sent paced by chat."""
    application = context.application
    state = application.bot_data
    reminders = state.services.reminders
    due, _missed = await in_thread(reminders.due)
    if due:
        parts = await in_thread(_rendered, state.services, due)
        keys = await in_thread(reminders.hand_over, parts)
        users = {key: due_one.reminder.user_id for key, due_one in zip(keys, due, strict=True)}
        log.info("%d reminders due: sending", len(keys))
        for key, user_id in users.items():
            outbox.send_paced(application, key, user_id)
    await _plan_next(application)


def _rendered(services: Services, due: list[Due]) -> dict[int, tuple[Reminder, list[str]]]:
    languages: dict[int, str] = {}
    rendered = {}
    for one in due:
        user_id = one.reminder.user_id
        if user_id not in languages:
            languages[user_id] = services.profiles.language_of(user_id)
        rendered[one.reminder.id] = (one.reminder, [reminder_html(one, languages[user_id])])
    return rendered


async def _markup_of_key(
    application: MnemoApplication, key: str, user_id: int
) -> InlineKeyboardMarkup | None:
    reminder_id = reminder_of_key(key)
    if reminder_id is None:
        return None
    profiles = application.bot_data.services.profiles
    language = await in_thread(profiles.language_of, user_id)
    return _due_buttons(reminder_id, language)
