"""The ask service: a fair turn, the answer streamed, cancel while waiting or while
answering, and the conversation kept (fakes: no model files)."""

from __future__ import annotations

import asyncio
import time
from zoneinfo import ZoneInfo

import pytest

from knowledge.bootstrap import Services
from knowledge.domain.errors import TooManyWaiting
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.asking import AskEvent, Cancelled
from knowledge.services.words.planning import Plan
from tests.fakes import ScriptedGenerator

NOTE = "The spare key is under the blue flowerpot by the back door."
QUESTION = "Where is the spare key?"
REPLY = "The spare key is under the blue flowerpot by the back door."


async def test_an_answer_streams_then_comes_whole_and_is_remembered(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(1, NOTE)
    generator.enqueue(REPLY)
    events = [event async for event in services.asking.ask(1, QUESTION, with_history=True)]
    assert "".join(e for e in events if isinstance(e, str)) == REPLY
    answer = events[-1]
    assert isinstance(answer, Answer) and answer.found
    assert services.asking.history(1) == [("user", QUESTION), ("assistant", answer.text)]
    assert services.asking.history(2) == []


async def test_cancel_stops_the_answer_being_written(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(1, NOTE)
    generator.enqueue(REPLY)
    seen: list[AskEvent] = []
    async for event in services.asking.ask(1, QUESTION):
        seen.append(event)
        if len(seen) == 1:
            assert await services.asking.cancel(1)
    assert seen[-1] == Cancelled(text=str(seen[0]))
    assert not any(isinstance(event, Answer) for event in seen)
    assert services.asking.history(1) == []  # a cancelled exchange is not kept
    assert not await services.asking.cancel(1)  # nothing left to cancel


async def test_cancel_drops_a_question_still_waiting_for_its_turn(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(1, NOTE)
    services.keeping.ingestor.add_note(2, NOTE)
    generator.enqueue(REPLY)
    first = services.asking.ask(1, QUESTION)
    await anext(first)  # user 1 holds the model's turn
    positions: list[int] = []

    async def on_position(position: int) -> None:
        positions.append(position)

    async def second() -> list[AskEvent]:
        return [e async for e in services.asking.ask(2, QUESTION, on_position=on_position)]

    waiting = asyncio.create_task(second())
    while not positions:
        await asyncio.sleep(0.01)
    assert positions == [1]  # one question goes first
    assert await services.asking.cancel(2)
    assert await waiting == [Cancelled()]
    rest = [event async for event in first]  # user 1's answer is untouched
    assert isinstance(rest[-1], Answer) and rest[-1].found
    assert generator.prompts and len(generator.prompts) == 1


async def _in_line(services: Services, user: int, count: int, deadline: float = 5.0) -> None:
    """Wait (at most `deadline` seconds) until `count` of the user's questions are in line."""
    end = time.monotonic() + deadline
    while services.queue.waiting_of(user) < count and time.monotonic() < end:
        await asyncio.sleep(0.01)


async def test_a_user_with_questions_waiting_is_told_so_and_others_are_not(
    services: Services, generator: ScriptedGenerator
) -> None:
    """The per-user cap (MNEMO_MAX_WAITING_QUESTIONS, 3): the fourth question waiting is
    refused at once, another user's is not, and nothing stays in the queue."""
    services.keeping.ingestor.add_note(1, NOTE)
    services.keeping.ingestor.add_note(2, NOTE)
    gate = asyncio.Event()

    async def hold() -> None:
        await gate.wait()

    holder = asyncio.create_task(services.queue.run(99, hold))  # the model is busy
    await asyncio.sleep(0)

    async def answered(user: int) -> list[AskEvent]:
        return [event async for event in services.asking.ask(user, QUESTION)]

    waiting = [asyncio.create_task(answered(1)) for _ in range(3)]
    await _in_line(services, 1, 3)  # each question is read off the loop first
    assert services.queue.waiting_of(1) == 3
    with pytest.raises(TooManyWaiting) as refused:
        await answered(1)
    assert refused.value.params == {"waiting": 3}
    other = asyncio.create_task(answered(2))
    await _in_line(services, 2, 1)
    assert services.queue.waiting_of(2) == 1, "another user still gets in line"
    gate.set()
    for task in [*waiting, other]:
        events = await task
        assert isinstance(events[-1], Answer)
    await holder
    assert services.queue.waiting() == {0: 0, 1: 0, 2: 0} and services.queue.running == 0


async def test_reading_a_question_does_not_hold_up_everyone_else(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a hostile question's time words can take seconds (4 KB of "1 1 1 … October"
    took 5 s): it runs off the event loop, so other users' updates go on meanwhile."""
    from knowledge.services.answers import asking
    from knowledge.services.words.planning import plan

    def slow_plan(question: str, zone: ZoneInfo) -> Plan:
        time.sleep(0.5)
        return plan(question, zone)

    monkeypatch.setattr(asking, "plan_question", slow_plan)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        _ = [event async for event in services.asking.ask(1, "what did I do today?")]
    finally:
        ticker.cancel()
    assert ticks >= 5
