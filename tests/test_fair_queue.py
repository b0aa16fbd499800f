"""The shared model queue: users take turns, positions are reported, cancelling works."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from knowledge.services.llm.fair_queue import (
    ALLOWANCE,
    SHARE,
    USE_HALF_LIFE,
    FairQueue,
    QueueCancelled,
)


async def test_users_are_served_round_robin() -> None:
    queue = FairQueue()
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str) -> str:
        if name == "a0":
            await gate.wait()
        order.append(name)
        return name

    tasks = [asyncio.create_task(queue.run(1, partial(job, f"a{i}"))) for i in range(4)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(queue.run(2, partial(job, f"b{i}"))) for i in range(2)]
    tasks += [asyncio.create_task(queue.run(3, lambda: job("c0")))]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["a0", "b0", "c0", "a1", "b1", "a2", "a3"]


async def test_waiting_users_hear_their_position() -> None:
    queue = FairQueue()
    gates = {1: asyncio.Event(), 2: asyncio.Event()}
    seen: dict[int, list[int]] = {2: [], 3: []}

    def held(user: int):
        async def job() -> None:
            await gates[user].wait()

        return job

    async def quick() -> None:
        return None

    def report(user: int):
        async def on_position(position: int) -> None:
            seen[user].append(position)

        return on_position

    first = asyncio.create_task(queue.run(1, held(1)))
    await asyncio.sleep(0)
    second = asyncio.create_task(queue.run(2, held(2), on_position=report(2)))
    await asyncio.sleep(0)
    third = asyncio.create_task(queue.run(3, quick, on_position=report(3)))
    await asyncio.sleep(0.01)
    assert queue.position(3) == 2
    assert seen == {2: [1], 3: [2]}
    gates[1].set()
    await asyncio.sleep(0.01)
    assert seen[3] == [2, 1], "moved up when the first finished"
    gates[2].set()
    await asyncio.gather(first, second, third)
    assert seen == {2: [1], 3: [2, 1]}, "nothing more once their turn came"


async def test_lower_priority_waits_for_questions() -> None:
    queue = FairQueue()
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str) -> None:
        if name == "first":
            await gate.wait()
        order.append(name)

    tasks = [asyncio.create_task(queue.run(1, lambda: job("first")))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(queue.run(2, lambda: job("digest"), priority=1)))
    tasks.append(asyncio.create_task(queue.run(3, lambda: job("question"))))
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["first", "question", "digest"]


async def test_cancel_waiting_jobs_of_one_user() -> None:
    queue = FairQueue()
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "done"

    running = asyncio.create_task(queue.run(1, slow))
    await asyncio.sleep(0)
    mine = asyncio.create_task(queue.run(2, slow))
    other = asyncio.create_task(queue.run(3, slow))
    await asyncio.sleep(0.01)
    assert await queue.cancel_waiting(2) == 1
    with pytest.raises(QueueCancelled):
        await mine
    gate.set()
    assert await running == "done" and await other == "done"


async def test_a_failing_job_does_not_block_the_queue() -> None:
    queue = FairQueue()

    async def boom() -> None:
        raise RuntimeError("model crashed")

    async def fine() -> str:
        return "ok"

    with pytest.raises(RuntimeError):
        await queue.run(1, boom)
    assert await queue.run(2, fine) == "ok"


async def test_slots_run_that_many_at_once_and_stay_fair() -> None:
    queue = FairQueue(slots=2)
    running = 0
    most = 0
    order: list[str] = []

    async def job(name: str) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        order.append(name)
        await asyncio.sleep(0.01)
        running -= 1

    tasks = [asyncio.create_task(queue.run(1, partial(job, f"a{i}"))) for i in range(4)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(queue.run(2, partial(job, f"b{i}"))) for i in range(2)]
    await asyncio.sleep(0)
    assert queue.waiting()[0] == 4 and queue.running == 2
    await asyncio.gather(*tasks)
    assert most == 2, "two at once, never more"
    assert order[:4] == ["a0", "a1", "b0", "a2"], "the second user is not left behind"
    assert queue.waiting() == {0: 0, 1: 0, 2: 0} and queue.running == 0


async def test_a_waiter_whose_position_edits_all_fail_stalls_nobody() -> None:
    """The status edits of one waiting user fail (their message is gone, they blocked the
    bot): the next three users are still served, and so is that user."""
    queue = FairQueue()
    gate = asyncio.Event()
    served: list[int] = []

    async def broken(position: int) -> None:
        raise RuntimeError("Bad Request: message to edit not found")

    async def told(position: int) -> None:
        return None

    async def job(user: int) -> int:
        if user == 1:
            await gate.wait()
        served.append(user)
        return user

    first = asyncio.create_task(queue.run(1, lambda: job(1)))
    await asyncio.sleep(0)
    failing = asyncio.create_task(queue.run(2, lambda: job(2), on_position=broken))
    others = [
        asyncio.create_task(queue.run(user, partial(job, user), on_position=told))
        for user in (3, 4, 5)
    ]
    await asyncio.sleep(0.01)
    gate.set()
    done = await asyncio.wait_for(asyncio.gather(first, failing, *others), timeout=2)
    assert done == [1, 2, 3, 4, 5] and served == [1, 2, 3, 4, 5]
    assert queue.running == 0 and queue.waiting() == {0: 0, 1: 0, 2: 0}


async def test_a_slow_position_edit_does_not_hold_the_queue() -> None:
    queue = FairQueue()
    hang = asyncio.Event()

    async def slow(position: int) -> None:
        await hang.wait()  # a Telegram edit that never answers

    async def quick() -> str:
        return "answered"

    holder = asyncio.Event()

    async def held() -> str:
        await holder.wait()
        return "first"

    first = asyncio.create_task(queue.run(1, held))
    await asyncio.sleep(0)
    second = asyncio.create_task(queue.run(2, quick, on_position=slow))
    await asyncio.sleep(0.01)
    holder.set()
    assert await asyncio.wait_for(second, timeout=1) == "answered"
    assert await first == "first"
    hang.set()


async def test_a_turn_is_given_back_on_every_path() -> None:
    queue = FairQueue()

    async def boom() -> None:
        raise RuntimeError("the model crashed")

    with pytest.raises(RuntimeError):
        await queue.run(1, boom)
    gate = asyncio.Event()

    async def hold() -> None:
        await gate.wait()

    running = asyncio.create_task(queue.run(1, hold))
    waiting = asyncio.create_task(queue.run(2, hold))
    await asyncio.sleep(0.01)
    running.cancel()  # cancelled while running
    waiting.cancel()  # cancelled while waiting
    await asyncio.gather(running, waiting, return_exceptions=True)
    assert queue.running == 0 and queue.waiting()[0] == 0

    async def quick() -> str:
        return "ok"

    assert await asyncio.wait_for(queue.run(3, quick), timeout=1) == "ok"
    with pytest.raises(TimeoutError):  # a timeout around a turn gives it back too
        await asyncio.wait_for(queue.run(4, hold), timeout=0.05)
    assert await asyncio.wait_for(queue.run(5, quick), timeout=1) == "ok"


async def test_background_work_keeps_a_share_when_questions_never_stop() -> None:
    """Priorities are not strict: with questions always waiting, a digest and a summary
    still get their turns (at most SHARE - 1 turns of a level in a row)."""
    queue = FairQueue()
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str) -> None:
        if name == "q0":
            await gate.wait()
        order.append(name)

    tasks = [asyncio.create_task(queue.run(1, lambda: job("q0")))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(queue.run(9, lambda: job("summary"), priority=2)))
    tasks.append(asyncio.create_task(queue.run(8, lambda: job("digest"), priority=1)))
    for n in range(1, 30):
        user = 10 + n % 3
        tasks.append(asyncio.create_task(queue.run(user, partial(job, f"q{n}"))))
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert order.index("digest") <= SHARE, order[:8]
    assert order.index("summary") <= SHARE * SHARE, order
    assert order.index("digest") < order.index("summary")


async def test_a_users_waiting_questions_are_counted() -> None:
    queue = FairQueue()
    gate = asyncio.Event()

    async def hold() -> None:
        await gate.wait()

    tasks = [asyncio.create_task(queue.run(1, hold)) for _ in range(3)]
    tasks.append(asyncio.create_task(queue.run(1, hold, priority=2)))
    await asyncio.sleep(0.01)
    assert queue.waiting_of(1) == 2, "one runs, two wait (the background job apart)"
    assert queue.waiting_of(2) == 0
    gate.set()
    await asyncio.gather(*tasks)


async def test_who_used_the_model_lately_waits_behind_who_did_not_until_it_fades() -> None:
    """Past the allowance, recent use decides: a user who asked twelve times in a row waits
    behind one who asked twice, even if that one was served more recently; after a few
    half-lives the count has faded and they take turns as equals again."""
    now = [0.0]
    queue = FairQueue(clock=lambda: now[0])

    async def quick() -> None:
        return None

    for _ in range(int(ALLOWANCE) + 4):
        await queue.run(1, quick)  # the busy user
    await queue.run(2, quick)  # the other, served last
    order: list[int] = []
    gate = asyncio.Event()

    async def held() -> None:
        await gate.wait()

    async def job(user: int) -> None:
        order.append(user)

    holder = asyncio.create_task(queue.run(3, held))
    await asyncio.sleep(0)
    tasks = [asyncio.create_task(queue.run(u, partial(job, u))) for u in (1, 2)]
    await asyncio.sleep(0.01)
    assert queue.position(2) == 1 and queue.position(1) == 2
    gate.set()
    await asyncio.gather(holder, *tasks)
    assert order == [2, 1]
    await queue.run(2, quick)  # 2 is now the one served last, and still used it less
    now[0] += 10 * USE_HALF_LIFE  # time passes: those turns count almost nothing
    gate.clear()
    order.clear()
    holder = asyncio.create_task(queue.run(3, held))
    await asyncio.sleep(0)
    tasks = [asyncio.create_task(queue.run(u, partial(job, u))) for u in (2, 1)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(holder, *tasks)
    assert order == [1, 2], "equals again: the one served longest ago first"
