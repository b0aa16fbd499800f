"""Digests in Telegram: one daily job per user at their local time (PTB's JobQueue, which is
APScheduler's AsyncIOScheduler), /digest on demand, /timezone and /digest_time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatAction, ParseMode

from bot import outbox
from bot.common import in_thread, profile_of, reply, user_id_of
from bot.context import MnemoApplication, MnemoContext
from bot.live import LiveMessage
from bot.state import BotState
from knowledge.bootstrap import Services
from knowledge.services.llm.fair_queue import ASKED, SCHEDULED, PositionCallback
from knowledge.services.sending.delivery import brief_key, digest_key, week_key
from knowledge.services.sending.digest import WEEK_DAYS, Schedule
from present.render import brief_html, digest_html, week_html
from present.texts import t

log = logging.getLogger(__name__)


def _job_name(user_id: int) -> str:
    return f"digest:{user_id}"


def plan(application: MnemoApplication, schedule: Schedule) -> None:
    """(Re)schedule one user's daily digest, weekly digest and morning brief; DST-correct,
    as each time carries its zone."""
    user_id = schedule.user_id
    daily = schedule.local_time if schedule.enabled else None
    _replan(application, scheduled_digest, _job_name(user_id), user_id, daily)
    weekly = schedule.weekly_at
    days = ((weekly[0] + 1) % 7,) if weekly else None  # PTB counts from Sunday
    at = weekly[1] if weekly else None
    _replan(application, scheduled_week, _week_job(user_id), user_id, at, days)
    _replan(application, scheduled_brief, _brief_job(user_id), user_id, schedule.brief_at)


def _replan(
    application: MnemoApplication,
    callback: Callable[[MnemoContext], Coroutine[Any, Any, None]],
    name: str,
    user_id: int,
    at: time | None,
    days: tuple[int, ...] | None = None,
) -> None:
    """The job `name` at `at` (local, with its zone) on `days`; none when `at` is None."""
    queue = application.job_queue
    assert queue is not None
    for job in queue.get_jobs_by_name(name):
        job.schedule_removal()
    if at is None:
        return
    queue.run_daily(
        callback, at, days=days or tuple(range(7)), name=name, chat_id=user_id, user_id=user_id
    )


def _week_job(user_id: int) -> str:
    return f"week:{user_id}"


def _brief_job(user_id: int) -> str:
    return f"brief:{user_id}"


async def scheduled_brief(context: MnemoContext) -> None:
    """The morning brief: today's reminders and the items naming today, sent once; nothing
    on a day that holds nothing."""
    services = context.services
    due = await _not_sent_today(context, brief_key)
    if due is None:
        return
    schedule, today, key = due
    coming = await in_thread(services.digests.coming, schedule.user_id, today, schedule.zone)
    if not coming:
        log.info("nothing today: no morning brief sent")
        return
    await outbox.deliver(
        context.application, key, schedule.user_id, brief_html(coming, schedule.language)
    )


async def _schedule_of_job(context: MnemoContext) -> Schedule:
    """The schedule of the user a digest job runs for."""
    job = context.job
    assert job is not None and job.user_id is not None
    return await in_thread(context.services.digests.schedule, job.user_id)


async def _not_sent_today(
    context: MnemoContext, key_of: Callable[[int, date], str]
) -> tuple[Schedule, date, str] | None:
    """The job's user's schedule, their local today and the message's key; None when that
    message was sent already."""
    schedule = await _schedule_of_job(context)
    today = schedule.today(datetime.now(UTC))
    key = key_of(schedule.user_id, today)
    if await in_thread(context.services.deliveries.is_done, key):
        return None
    return schedule, today, key


async def scheduled_week(context: MnemoContext) -> None:
    """The weekly job: the last seven days, sent once by the rule of scheduled messages."""
    services = context.services
    due = await _not_sent_today(context, week_key)
    if due is None:
        return
    schedule, today, key = due
    days = await services.digests.week(schedule.user_id, today, priority=SCHEDULED)
    first = today - timedelta(days=WEEK_DAYS - 1)
    parts = week_html(days, first, today, schedule.language)
    if await outbox.deliver(context.application, key, schedule.user_id, parts):
        context.state.metrics.digests_sent.labels("scheduled").inc()


async def plan_all(application: MnemoApplication) -> None:
    """At start-up: a job per user, and the digests missed while down, within the grace."""
    state: BotState = application.bot_data
    services = state.services
    grace = timedelta(minutes=state.settings.digest_grace_minutes)
    now = datetime.now(UTC)
    queue = application.job_queue
    assert queue is not None
    for schedule in await in_thread(services.digests.schedules):
        plan(application, schedule)
        if not schedule.enabled:
            continue
        missed = schedule.missed_within(now, grace)
        if missed is not None:
            queue.run_once(
                scheduled_digest,
                0,
                chat_id=schedule.user_id,
                user_id=schedule.user_id,
                name=f"catch-up:{schedule.user_id}",
            )
        else:
            log.info("no catch-up digest for a user: not within the grace period")


async def scheduled_digest(context: MnemoContext) -> None:
    """The daily job: build today's digest and send it once."""
    services = context.services
    schedule = await _schedule_of_job(context)
    day = schedule.today(datetime.now(UTC))
    await send_digest(context, services, schedule, day)


async def send_digest(
    context: MnemoContext, services: Services, schedule: Schedule, day: date
) -> None:
    """Assemble the day (items' lines were made as they arrived; leftovers wait behind
    questions in the model's queue) and send it by the rule of scheduled messages
    (bot/outbox.py): once, and again if a send failed, only what did not go out."""
    key = digest_key(schedule.user_id, day)
    if await in_thread(services.deliveries.is_done, key):
        log.info("digest of that day was already sent")
        return
    digest = await services.digests.digest(schedule.user_id, day, priority=SCHEDULED, ahead=True)
    if digest is None and services.settings.digest_skip_empty:
        log.info("empty day: no digest sent")
        return
    parts = digest_html(digest, day, schedule.language)
    if await outbox.deliver(context.application, key, schedule.user_id, parts):
        context.state.metrics.digests_sent.labels("scheduled").inc()


async def digest_command(update: Update, context: MnemoContext) -> None:
    """/digest [yesterday|YYYY-MM-DD|week]: a day's digest now (today's so far by default),
    or the last seven days."""
    await context.bot.send_chat_action(user_id_of(update), ChatAction.TYPING)
    language = (await profile_of(update, context)).language
    services = context.services
    user_id = user_id_of(update)
    schedule = await in_thread(services.digests.schedule, user_id)
    today = schedule.today(datetime.now(UTC))
    arg = (context.args or [""])[0].lower()
    if arg in WEEK_WORDS:
        await _week(update, context, user_id, today, language)
        return
    try:
        day = (
            today - timedelta(days=1)
            if arg == "yesterday"
            else (date.fromisoformat(arg) if arg else today)
        )
    except ValueError:
        await reply(update, t("usage_digest", language))
        return
    live = LiveMessage.for_update(update, context)
    digest = await services.digests.digest(
        user_id,
        day,
        priority=ASKED,
        on_position=_waiting_shown(live, language),
        ahead=day == today,
    )
    await _show_parts(context, live, user_id, digest_html(digest, day, language))


def _waiting_shown(live: LiveMessage, language: str) -> PositionCallback:
    """Show "You are #2 in line" in the reply while the model's turn is awaited."""

    async def on_position(position: int) -> None:
        if position > 0:
            await live.show(t("queued", language, position=position), force=True)

    return on_position


async def _show_parts(
    context: MnemoContext, live: LiveMessage, user_id: int, parts: list[str]
) -> None:
    """The first part as the reply, the rest as messages after it."""
    first, *rest = parts
    await live.show_html(first)
    for part in rest:
        await context.bot.send_message(user_id, part, parse_mode=ParseMode.HTML)
    context.state.metrics.digests_sent.labels("asked").inc()


WEEK_WORDS = ("week", "неделя", "semana", "周", "本周")


async def _week(
    update: Update, context: MnemoContext, user_id: int, today: date, language: str
) -> None:
    """/digest week: the last seven days, day by day."""
    live = LiveMessage.for_update(update, context)
    days = await context.services.digests.week(
        user_id, today, priority=ASKED, on_position=_waiting_shown(live, language)
    )
    first = today - timedelta(days=WEEK_DAYS - 1)
    await _show_parts(context, live, user_id, week_html(days, first, today, language))


async def timezone_command(update: Update, context: MnemoContext) -> None:
    """/timezone Europe/Madrid: where your evening is."""
    await _change(update, context, "timezone", "usage_timezone")


async def digest_time_command(update: Update, context: MnemoContext) -> None:
    """/digest_time 21:30 | off: when your digest comes."""
    await _change(update, context, "time", "usage_digest_time")


async def brief_command(update: Update, context: MnemoContext) -> None:
    """/brief 08:00 | off: the morning brief (off by default)."""
    await _change(update, context, "brief", "usage_brief")


async def _change(update: Update, context: MnemoContext, what: str, usage: str) -> None:
    language = (await profile_of(update, context)).language
    value = " ".join(context.args or [])
    digests = context.services.digests
    change = {
        "timezone": digests.set_timezone,
        "time": digests.set_time,
        "brief": digests.set_brief,
    }[what]
    try:
        schedule = await in_thread(change, user_id_of(update), value)
    except ValueError:
        await reply(update, t(usage, language))
        return
    plan(context.application, schedule)
    await reply(update, describe(schedule, language))


def describe(schedule: Schedule, language: str) -> str:
    if not schedule.enabled:
        daily = t("digest_off", language, zone=schedule.timezone)
    else:
        daily = t("digest_at", language, at=schedule.at, zone=schedule.timezone)
    if schedule.weekly_at is not None:
        weekday, at = schedule.weekly_at
        day = t("weekday_names", language).split()[weekday]
        daily += "\n" + t("weekly_at", language, day=day, at=f"{at:%H:%M}")
    if schedule.brief is not None:
        daily += "\n" + t("brief_at", language, at=schedule.brief)
    return daily
