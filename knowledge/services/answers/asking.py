"""Asking a question, as a person does: what is asked is read first (a fact, a day, a
subject, a count, a document's gist); a fact gets a fair turn at the model, the answer
streamed, stopped when they cancel; a gathering is built from the items at once. The
exchange is kept as the history of their conversation.

Entry points make one call (`ask`) and render its events; `cancel` stops what a user has
waiting or running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from knowledge.domain.errors import TooManyWaiting
from knowledge.domain.repositories import Storage
from knowledge.services.answers.answering import Answer, Answerer
from knowledge.services.answers.document_summaries import DocumentSummaries, DocumentSummary
from knowledge.services.answers.gathering import PAGE_ITEMS, Gathered, Gatherer
from knowledge.services.llm.fair_queue import ASKED, FairQueue, PositionCallback, QueueCancelled
from knowledge.services.words.planning import Kind, Plan
from knowledge.services.words.planning import plan as plan_question

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cancelled:
    """The user cancelled; `text` is what had been streamed by then."""

    text: str = ""


@dataclass(frozen=True)
class Summarised:
    """A document's summary as far as it is made; `summary` None: no such document."""

    plan: Plan
    summary: DocumentSummary | None


AskEvent = str | Answer | Gathered | Summarised | Cancelled


class AskService:
    def __init__(
        self,
        *,
        answerer: Answerer,
        queue: FairQueue,
        storage: Storage,
        history_turns: int,
        gatherer: Gatherer,
        summaries: DocumentSummaries,
        zone_of: Callable[[int], ZoneInfo],
        max_waiting: int | None = None,
    ) -> None:
        self._answerer = answerer
        self._gatherer = gatherer
        self._summaries = summaries
        self._zone_of = zone_of
        self._max_waiting = max_waiting
        self._queue = queue
        self._storage = storage
        self._history_turns = history_turns
        self._running: dict[int, asyncio.Event] = {}

    async def ask(
        self,
        user_id: int,
        question: str,
        *,
        with_history: bool = False,
        max_tokens: int | None = None,
        on_position: PositionCallback | None = None,
        condense_missing: bool = False,
    ) -> AsyncGenerator[AskEvent, None]:
        """Read what is asked (services/words/planning.py). A gathering (a day, a subject, a count,
        a sum) yields one `Gathered`, at once and without the model; a document's summary one
        `Summarised` (`condense_missing`: condense what the background has not yet, for the
        CLI, which has no background). A fact waits for the user's turn (`on_position` hears
        how many go first), then yields the answer's text as it streams and the finished
        `Answer`; or `Cancelled`, once, when the user cancels. The exchange is kept unless
        cancelled. Raises TooManyWaiting when the user already has `max_waiting` questions
        in line."""
        zone = await asyncio.to_thread(self._zone_of, user_id)
        plan = await asyncio.to_thread(plan_question, question, zone)  # seconds on 4 KB of digits
        log.info("question read as %s", plan.kind)
        if plan.gathers:
            gathered = await asyncio.to_thread(self._gatherer.gather, user_id, plan)
            if not gathered.theirs:
                shown = gathered.plain(PAGE_ITEMS)
                await asyncio.to_thread(self._keep_turn, user_id, question, shown)
                yield gathered
                return
            log.info("a %s about another's words: answered as a fact", plan.kind)
        if plan.kind == Kind.SUMMARY:
            summarised = await self._summarised(user_id, plan, condense_missing)
            shown = summarised.summary.plain() if summarised.summary else ""
            await asyncio.to_thread(self._keep_turn, user_id, question, shown)
            yield summarised
            return
        async for event in self._fact(user_id, question, with_history, max_tokens, on_position):
            yield await self._day_instead(user_id, plan, event)

    async def _day_instead(self, user_id: int, plan: Plan, event: AskEvent) -> AskEvent:
        """A fact about a day (or part of one) not found: that day's items instead, said to
        be so; a day that holds none keeps the refusal."""
        if not isinstance(event, Answer) or event.found or event.timeframe is None:
            return event
        asked = replace(plan, frame=event.timeframe)
        day = await asyncio.to_thread(self._gatherer.of_day, user_id, asked)
        return day if day is not None else event

    async def _summarised(self, user_id: int, plan: Plan, condense_missing: bool) -> Summarised:
        doc = await asyncio.to_thread(self._summaries.find, user_id, plan.subject)
        if doc is None:
            return Summarised(plan, None)
        if condense_missing:
            await self._summaries.condense(user_id, doc.id, priority=ASKED)
        summary = await asyncio.to_thread(self._summaries.summary, user_id, doc, plan.question)
        return Summarised(plan, summary)

    async def _fact(
        self,
        user_id: int,
        question: str,
        with_history: bool,
        max_tokens: int | None,
        on_position: PositionCallback | None,
    ) -> AsyncGenerator[AskEvent, None]:
        waiting = self._queue.waiting_of(user_id, ASKED)
        if self._max_waiting is not None and waiting >= self._max_waiting:
            log.info("a question refused: %d of that user's wait already", waiting)
            raise TooManyWaiting(
                f"you have {waiting} questions waiting; ask again once they are answered",
                waiting=waiting,
            )
        try:
            async with self._queue.turn(user_id, priority=ASKED, on_position=on_position):
                stop = self._running[user_id] = asyncio.Event()
                try:
                    async for event in self._answer(
                        user_id, question, with_history, max_tokens, stop
                    ):
                        yield event
                finally:
                    if self._running.get(user_id) is stop:
                        del self._running[user_id]
        except QueueCancelled:
            yield Cancelled()

    async def cancel(self, user_id: int) -> bool:
        """Drop the user's waiting questions and stop the one being answered; False when
        there was nothing to cancel."""
        dropped = await self._queue.cancel_waiting(user_id)
        running = self._running.get(user_id)
        if running is not None:
            running.set()
        return bool(dropped) or running is not None

    def history(self, user_id: int) -> list[tuple[str, str]]:
        """The user's last turns, oldest first."""
        limit = self._history_turns * 2
        if limit == 0:
            return []
        with self._storage.read() as uow:
            return uow.turns.last(user_id, limit)

    async def _answer(
        self,
        user_id: int,
        question: str,
        with_history: bool,
        max_tokens: int | None,
        stop: asyncio.Event,
    ) -> AsyncGenerator[AskEvent, None]:
        history = await asyncio.to_thread(self.history, user_id) if with_history else []
        streamed = ""
        stream = self._answerer.ask(user_id, question, history=history, max_tokens=max_tokens)
        async with aclosing(stream) as events:
            async for event in events:
                if stop.is_set():
                    log.info("answer: cancelled by the user")
                    yield Cancelled(streamed)
                    return
                if isinstance(event, Answer):
                    await asyncio.to_thread(self._remember, user_id, question, event)
                else:
                    streamed += event
                yield event

    def _keep_turn(self, user_id: int, question: str, shown: str) -> None:
        with self._storage.begin() as uow:
            uow.turns.add(user_id, "user", question)
            uow.turns.add(user_id, "assistant", shown)

    def _remember(self, user_id: int, question: str, answer: Answer) -> None:
        quotes = [
            {
                "doc": quote.hit.doc_id,
                "page": quote.hit.page,
                "chunk": quote.hit.chunk,
                "label": quote.label(),
                "text": quote.text,
                "backing": answer.found,
            }
            for quote in answer.quotes
        ]
        with self._storage.begin() as uow:
            uow.turns.add(user_id, "user", question)
            uow.turns.add(user_id, "assistant", answer.text, quotes)
