"""Scheduled messages sent by the one rule (knowledge/services/sending/delivery.py): claim, send the
parts not sent yet, mark each; a failed send lets go and is tried again later, a bounded
number of times, by a JobQueue job. At start-up, what a crash or a restart left unsent is
taken up again.

Many at once (the reminders of one minute, the retries and what the start-up takes up
again) go through the application's `Pacer`: at most one message a second to a chat, about
what Telegram allows a private chat, the chats served in turn. A chat with thousands due
never holds up another chat's first one, and never trips Telegram's flood limit, whose
retry-after would pause PTB's rate limiter for every chat. Only keys wait in the pacer:
what is not sent yet is an unfinished delivery, which the start-up sends after a kill -9.

A kill -9 between a part's send and its mark sends that part once more (the Bot API has no
idempotency key): the one at-least-once gap.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.common import in_thread
from bot.context import MnemoApplication, MnemoContext
from knowledge.services.sending.delivery import Outcome, kind_of

log = logging.getLogger(__name__)
PACE_SECONDS = 1.0  # between two messages to one chat: about Telegram's limit for a private chat
SENDING_AT_ONCE = 64  # sends in flight across chats; PTB's rate limiter keeps ~30 a second
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
    (a crash mid-send, a retry the restart dropped) is sent again, paced."""
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
    send_paced(context.application, str(job.data), job.user_id)


# Pacing -------------------------------------------------------------------------------

Send = Callable[[str, int], Awaitable[object]]
Spawn = Callable[[Coroutine[Any, Any, None], str], object]


class Pacer:
    """Sends scheduled messages by key (`send(key, chat)`), chats in turn: one message at
    a time to a chat and at most one every `pace` seconds (from the start of one send to
    the start of the next), `at_once` sends in flight across chats. A chat gets a turn
    once in each round, so one with thousands waiting delays no other chat's first one.

    A key put while it waits or is being sent is not added again. A send that raises is
    logged and left to the rule of scheduled messages (it is an unfinished delivery).
    `clock` and `sleep` are the monotonic clock and its sleep; `spawn` starts the task
    that sends (the core's background work, `services.background`: cancelled at stop, with
    the sends in flight).
    """

    def __init__(
        self,
        send: Send,
        *,
        spawn: Spawn,
        pace: float = PACE_SECONDS,
        at_once: int = SENDING_AT_ONCE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._send = send
        self._pace = pace
        self._at_once = at_once
        self._clock = clock
        self._sleep = sleep
        self._spawn = spawn
        self._chats: dict[int, deque[str]] = {}  # a chat with keys waiting, or one sending
        self._keys: set[str] = set()  # waiting or being sent
        self._ready: deque[int] = deque()  # chats whose turn may come now, in turn
        self._later: list[tuple[float, int, int]] = []  # (when, order, chat): paced
        self._order = 0
        self._busy: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    def put(self, key: str, chat: int) -> None:
        """Send `key` to `chat` in its turn."""
        if key in self._keys:
            return
        self._keys.add(key)
        waiting = self._chats.get(chat)
        if waiting is None:
            self._chats[chat] = deque([key])
            self._ready.append(chat)
        else:
            waiting.append(key)
        self._wake.set()
        if self._idle.is_set():
            self._idle.clear()
            self._spawn(self._run(), "outbox:paced")

    @property
    def waiting(self) -> int:
        """Keys waiting or being sent."""
        return len(self._keys)

    async def idle(self) -> None:
        """Until everything put has been sent (or its send failed)."""
        await self._idle.wait()

    async def _run(self) -> None:
        try:
            while self._chats:
                now = self._clock()
                while self._later and self._later[0][0] <= now:
                    self._ready.append(heapq.heappop(self._later)[2])
                if self._ready and len(self._busy) < self._at_once:
                    self._start(self._ready.popleft(), now)
                    continue
                self._wake.clear()
                if self._later and len(self._busy) < self._at_once:
                    await self._pause(self._later[0][0] - now)
                else:
                    await self._wake.wait()
        finally:
            flying = list(self._busy)  # cancelled (the bot stops): so are the sends
            for task in flying:
                task.cancel()
            self._idle.set()
            if flying:
                await asyncio.gather(*flying, return_exceptions=True)

    def _start(self, chat: int, now: float) -> None:
        key = self._chats[chat].popleft()
        task = asyncio.get_running_loop().create_task(self._one(chat, key, now))
        self._busy.add(task)

    async def _one(self, chat: int, key: str, started: float) -> None:
        try:
            await self._send(key, chat)
        except Exception:
            log.exception("%s could not be sent; the rule tries it again", kind_of(key))
        finally:
            task = asyncio.current_task()
            if task is not None:  # not by a done callback: that comes after the wake-up
                self._busy.discard(task)
            self._keys.discard(key)
            if self._chats.get(chat):  # more for this chat: its next turn, paced
                self._order += 1
                turn = max(started + self._pace, self._clock())
                heapq.heappush(self._later, (turn, self._order, chat))
            else:
                self._chats.pop(chat, None)
            self._wake.set()

    async def _pause(self, seconds: float) -> None:
        """Until `seconds` have passed or something changed (a key put, a send done)."""
        woken = asyncio.ensure_future(self._wake.wait())
        slept = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait((woken, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            slept.cancel()


_pacers: weakref.WeakKeyDictionary[MnemoApplication, Pacer] = weakref.WeakKeyDictionary()


def pacer_of(application: MnemoApplication) -> Pacer:
    """The application's pacer, made at its first use."""
    pacer = _pacers.get(application)
    if pacer is None:
        that = weakref.ref(application)  # the pacer, kept by the application, keeps it not

        async def send(key: str, chat: int) -> None:
            application = that()
            if application is not None:
                await deliver(application, key, chat, None)

        pacer = Pacer(send, spawn=application.bot_data.services.background.spawn)
        _pacers[application] = pacer
    return pacer


def send_paced(application: MnemoApplication, key: str, user_id: int) -> None:
    """Send the recorded message `key` in its chat's turn (see Pacer)."""
    pacer_of(application).put(key, user_id)
