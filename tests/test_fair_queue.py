"""The shared model queue: users take turns, positions are reported, cancelling works."""

from __future__ import annotations

import asyncio

import pytest

from knowledge.services.fair_queue import FairQueue, QueueCancelled


async def test_users_are_served_round_robin() -> None:
    queue = FairQueue()
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str) -> str:
        if name == "a0":
            await gate.wait()
        order.append(name)
        return name

    tasks = [asyncio.create_task(queue.run(1, lambda n=f"a{i}": job(n))) for i in range(4)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(queue.run(2, lambda n=f"b{i}": job(n))) for i in range(2)]
    tasks += [asyncio.create_task(queue.run(3, lambda: job("c0")))]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["a0", "b0", "c0", "a1", "b1", "a2", "a3"]


async def test_waiting_users_hear_their_position() -> None:
    queue = FairQueue()
    gate = asyncio.Event()
    seen: dict[int, list[int]] = {2: [], 3: []}

    async def slow() -> None:
        await gate.wait()

    async def quick() -> None:
        return None

    def report(user: int):  # type: ignore[no-untyped-def]
        async def on_position(position: int) -> None:
            seen[user].append(position)

        return on_position

    first = asyncio.create_task(queue.run(1, slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(queue.run(2, quick, on_position=report(2)))
    await asyncio.sleep(0)
    third = asyncio.create_task(queue.run(3, quick, on_position=report(3)))
    await asyncio.sleep(0.01)
    assert queue.position(3) == 2
    gate.set()
    await asyncio.gather(first, second, third)
    assert seen[2] == [1]
    assert seen[3] == [2, 1]


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

    tasks = [asyncio.create_task(queue.run(1, lambda n=f"a{i}": job(n))) for i in range(4)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(queue.run(2, lambda n=f"b{i}": job(n))) for i in range(2)]
    await asyncio.sleep(0)
    assert queue.waiting()[0] == 4 and queue.running == 2
    await asyncio.gather(*tasks)
    assert most == 2, "two at once, never more"
    assert order[:4] == ["a0", "a1", "b0", "a2"], "the second user is not left behind"
    assert queue.waiting() == {0: 0, 1: 0, 2: 0} and queue.running == 0
