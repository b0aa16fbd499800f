"""The ask service: a fair turn, the answer streamed, cancel while waiting or while
answering, and the conversation kept (fakes: no model files)."""

from __future__ import annotations

import asyncio

from knowledge.bootstrap import Services
from knowledge.services.answering import Answer
from knowledge.services.asking import AskEvent, Cancelled
from tests.fakes import ScriptedGenerator

NOTE = "The spare key is under the blue flowerpot by the back door."
QUESTION = "Where is the spare key?"
REPLY = "The spare key is under the blue flowerpot by the back door."


async def test_an_answer_streams_then_comes_whole_and_is_remembered(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.ingestor.add_note(1, NOTE)
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
    services.ingestor.add_note(1, NOTE)
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
    services.ingestor.add_note(1, NOTE)
    services.ingestor.add_note(2, NOTE)
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
