"""Scheduled messages sent by the one rule (knowledge/services/delivery.py): claim, send the
parts not sent yet, mark each; a failed send lets go and is tried again later, a bounded
number of times, by a JobQueue job. At start-up, what a crash or a restart left unsent is
taken up again.

A kill -9 between a part's send and its mark sends that part once more (the Bot API has no
idempotency key): the one at-least-once gap.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.common import in_thread
from bot.context import MnemoApplication, MnemoContext
from knowledge.services.delivery import Outcome, kind_of

log = logging.getLogger(__name__)
ButtonsFor = Callable[[MnemoApplication, str, int], Awaitable[InlineKeyboardMarkup | None]]
# The buttons under the last part of a kind of message ("reminder": snooze, done), made
# from its key, so a retry or a replay after a restart carries them too.
buttons_for: dict[str, ButtonsFor] = {}


async def deliver(
    application: MnemoApplication, key: str, user_id: int, parts: list[str] | None
) -> bool:
    """Send the message `key` to the user's private chat; True when this call sent its last
    part. `parts` record it the first time; None sends what was recorded."""
    deliveries = application.bot_data.services.deliveries
    claim = await in_thread(deliveries.claim, key, user_id, parts)
    if claim.outcome is Outcome.DONE:
        log.info("%s: sent already (or given up on)", kind_of(key))
        return False
    if claim.outcome is Outcome.BUSY:
        log.info("%s: being sent by another; looked at again later", kind_of(key))
        _retry(application, key, user_id, deliveries.stale_after.total_seconds())
        return False
    make_buttons = buttons_for.get(kind_of(key))
    buttons = await make_buttons(application, key, user_id) if make_buttons else None
    try:
        for index in range(claim.next_part, len(claim.parts)):
            last = index == len(claim.parts) - 1
            await application.bot.send_message(
                user_id,
                claim.parts[index],
                parse_mode=ParseMode.HTML,
                reply_markup=buttons if last else None,
            )
            await in_thread(deliveries.sent, key, index)
    except TelegramError as exc:
        again = await in_thread(deliveries.failed, key)
        if again:
            delay = deliveries.retry_delay(claim.attempts + 1)
            log.warning(
                "%s: a send failed (%s); tried again in %.0f s",
                kind_of(key),
                type(exc).__name__,
                delay.total_seconds(),
            )
            _retry(application, key, user_id, delay.total_seconds())
        return False
    await in_thread(deliveries.finished, key)
    return True


async def resume(application: MnemoApplication) -> None:
    """At start-up: every scheduled message of the last day neither sent nor given up on
    (a crash mid-send, a retry the restart dropped) is sent again."""
    unfinished = await in_thread(application.bot_data.services.deliveries.unfinished)
    for state in unfinished:
        _retry(application, state.key, state.user_id, 0)
    if unfinished:
        log.info("%d scheduled messages left unsent are sent again", len(unfinished))


def _retry(application: MnemoApplication, key: str, user_id: int, seconds: float) -> None:
    queue = application.job_queue
    assert queue is not None
    name = f"deliver:{key}"
    for job in queue.get_jobs_by_name(name):
        job.schedule_removal()
    queue.run_once(_again, seconds, data=key, user_id=user_id, name=name)


async def _again(context: MnemoContext) -> None:
    job = context.job
    assert job is not None and job.user_id is not None
    await deliver(context.application, str(job.data), job.user_id, None)
