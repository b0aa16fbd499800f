"""A storm of scheduled messages to one chat is paced: at most one a second to a chat, chats
in turn, so another chat's reminder still comes at once; many chats go at once, within the
sends in flight; what is not sent when the bot stops stays an unfinished delivery that the
next start sends, each once. Fast: a fake send and a clock the test moves."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot import outbox
from bot.outbox import Pacer
from knowledge.adapters.background import Background
from knowledge.bootstrap import Services
from knowledge.services.sending.reminders import Reminders

A, B = 1001, 1002
MADRID = ZoneInfo("Europe/Madrid")


class Clock:
    """Monotonic seconds the test moves: a sleep moves them at once."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def test_a_storm_to_one_chat_is_paced_and_holds_up_no_other_chat() -> None:
    clock = Clock()
    sent: list[tuple[float, int, str]] = []
    sending: Counter[int] = Counter()
    most_at_once: Counter[int] = Counter()

    async def send(key: str, chat: int) -> None:
        sending[chat] += 1
        most_at_once[chat] = max(most_at_once[chat], sending[chat])
        await asyncio.sleep(0)
        sent.append((clock(), chat, key))
        sending[chat] -= 1

    async def storm() -> None:
        pacer = Pacer(send, clock=clock, sleep=clock.sleep, spawn=Background().spawn)
        for n in range(2000):  # chat A's, due in one minute, first in the sweep's order
            pacer.put(f"reminder:{n}:0", A)
        pacer.put("reminder:9999:0", B)
        pacer.put("reminder:5:0", A)  # waiting already: not added twice
        await pacer.idle()

    asyncio.run(storm())
    to_b = [at for at, chat, _ in sent if chat == B]
    to_a = [at for at, chat, _ in sent if chat == A]
    assert to_b == [0.0], "B's reminder goes in the first second, not after A's 2,000"
    assert len(to_a) == 2000 and len({key for _, chat, key in sent if chat == A}) == 2000
    gaps = [later - earlier for earlier, later in pairwise(to_a)]
    assert min(gaps) >= 1.0, "never faster than one a second to a chat"
    assert to_a[-1] == 1999.0  # and no slower
    assert most_at_once[A] == 1


def test_many_chats_go_at_once_in_turn_within_the_sends_in_flight() -> None:
    clock = Clock()
    order: list[int] = []
    flying = [0, 0]  # now, most

    async def send(key: str, chat: int) -> None:
        order.append(chat)
        flying[0] += 1
        flying[1] = max(flying[1], flying[0])
        for _ in range(3):  # a send takes a while (the network, the rate limiter)
            await asyncio.sleep(0)
        flying[0] -= 1

    async def many() -> None:
        pacer = Pacer(send, clock=clock, sleep=clock.sleep, at_once=16, spawn=Background().spawn)
        for chat in range(200):
            for n in range(3):
                pacer.put(f"reminder:{chat}{n:03}:0", chat)
        assert pacer.waiting == 600
        await pacer.idle()
        assert pacer.waiting == 0

    asyncio.run(many())
    assert 1 < flying[1] <= 16
    assert sorted(order[:200]) == list(range(200)), "each chat's first before any's second"
    assert Counter(order) == dict.fromkeys(range(200), 3)
    assert clock.now <= 3.0  # 600 sends to 200 chats: about two rounds of pace, not 600 s


def test_a_failed_send_holds_up_nothing() -> None:
    clock = Clock()
    sent: list[str] = []

    async def send(key: str, chat: int) -> None:
        if key.endswith(":1:0"):
            raise RuntimeError("the database went away for a moment")
        sent.append(key)

    async def run() -> None:
        pacer = Pacer(send, clock=clock, sleep=clock.sleep, spawn=Background().spawn)
        for n in range(3):
            pacer.put(f"reminder:{n}:0", A)
        await pacer.idle()

    asyncio.run(run())
    assert sent == ["reminder:0:0", "reminder:2:0"]


class FakeBot:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> None:
        self.sent.append((self.clock(), chat_id, text))


class FakeApplication:
    """What outbox.deliver uses of PTB's application: the bot, the core, background work."""

    def __init__(self, services: Services, bot: FakeBot) -> None:
        self.bot = bot
        self.job_queue = None
        self.bot_data = self
        self.services = services
        self.tasks: list[asyncio.Task[None]] = []

    def in_background(self, work: Any, name: str) -> None:
        self.tasks.append(asyncio.get_running_loop().create_task(work, name=name))


def _storm_handed_over(services: Services, many: int) -> list[tuple[str, int]]:
    """`many` reminders due now to A and one to B, handed over as the sweep does."""
    now = [datetime(2026, 12, 1, 9, 0, 30, tzinfo=MADRID)]
    reminders = Reminders(
        storage=services.engines.storage, zone_of=lambda _: MADRID, clock=lambda: now[0]
    )
    due_at = datetime(2026, 12, 1, 9, 0, tzinfo=MADRID).astimezone(UTC)  # rows hold UTC
    with services.engines.storage.begin() as uow:
        for n in range(many):
            uow.reminders.add(A, f"storm {n}", due_at, zone="Europe/Madrid")
        uow.reminders.add(B, "the one that matters", due_at, zone="Europe/Madrid")
    due, missed = reminders.due()
    assert len(due) == many + 1 and not missed
    keys = reminders.hand_over(
        {d.reminder.id: (d.reminder, [f"⏰ {d.reminder.text}"]) for d in due}
    )
    return list(zip(keys, [d.reminder.user_id for d in due], strict=True))


def test_what_is_not_sent_at_a_stop_is_sent_at_the_next_start_once(services: Services) -> None:
    keys = _storm_handed_over(services, 30)
    clock = Clock()
    bot = FakeBot(clock)
    application = FakeApplication(services, bot)
    flying = [0]
    stop_at = [5.0]
    stopped = asyncio.Event()

    async def send(key: str, chat: int) -> None:
        flying[0] += 1
        try:
            await outbox.deliver(cast(Any, application), key, chat, None)
        finally:
            flying[0] -= 1

    async def sleep(seconds: float) -> None:
        while flying[0]:  # the clock stands still while SQL works
            await asyncio.sleep(0.001)
        if clock.now >= stop_at[0]:  # the bot stops while A's storm is being paced
            stopped.set()
            await asyncio.Event().wait()
        await clock.sleep(seconds)

    def paced() -> Pacer:
        return Pacer(send, clock=clock, sleep=sleep, spawn=application.in_background)

    async def until_stopped() -> None:
        pacer = paced()
        for key, user in keys:
            pacer.put(key, user)
        await stopped.wait()
        for task in application.tasks:  # as the bot's stop cancels its background work
            task.cancel()
        await asyncio.gather(*application.tasks, return_exceptions=True)

    asyncio.run(until_stopped())
    first = list(bot.sent)
    assert (0.0, B, "⏰ the one that matters") in first
    assert [at for at, chat, _ in first if chat == A] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    unfinished = [state.key for state in services.deliveries.unfinished()]
    assert len(unfinished) == 24 and set(unfinished) < {key for key, _ in keys}

    async def next_start() -> None:  # outbox.resume: each unfinished one, paced
        pacer = paced()
        for state in services.deliveries.unfinished():
            pacer.put(state.key, state.user_id)
        await pacer.idle()

    application.tasks.clear()
    stop_at[0] = float("inf")
    asyncio.run(asyncio.wait_for(next_start(), timeout=60))
    texts = Counter(text for _, chat, text in bot.sent if chat == A)
    assert texts == {f"⏰ storm {n}": 1 for n in range(30)}, "each sent once, none lost"
    assert services.deliveries.unfinished() == []


def test_the_sweep_sends_through_the_pacer(services: Services) -> None:
    """outbox.send_paced, as the sweep and the retries use it: the application's pacer,
    made once, sending by the rule of scheduled messages."""
    keys = _storm_handed_over(services, 1)
    bot = FakeBot(Clock())
    application = cast(Any, FakeApplication(services, bot))

    async def sweep() -> None:
        for key, user in keys:
            outbox.send_paced(application, key, user)
        assert outbox.pacer_of(application) is outbox.pacer_of(application)
        await outbox.pacer_of(application).idle()

    asyncio.run(asyncio.wait_for(sweep(), timeout=30))
    assert sorted(chat for _, chat, _ in bot.sent) == [A, B]
    assert all(services.deliveries.is_done(key) for key, _ in keys)
    assert timedelta(0) < services.deliveries.stale_after
