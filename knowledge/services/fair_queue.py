"""The model's turns shared fairly: users are served round-robin, not first come first
served, so someone with ten questions queued cannot starve the others. As many turns run at
once as the model has slots (1 in-process; a model server's parallel slots)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
# Priorities (lower runs first): what a person is waiting for, then the scheduled digests'
# leftovers, then work done ahead of time when the model is idle.
ASKED = 0
SCHEDULED = 1
BACKGROUND = 2
PositionCallback = Callable[[int], Awaitable[None]]


class QueueCancelled(Exception):
    """The user cancelled the job before it ran."""


@dataclass
class _Job:
    user_id: int
    priority: int
    seq: int
    turn: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    on_position: PositionCallback | None = None
    last_position: int | None = None


class FairQueue:
    """Runs up to `slots` jobs at a time. Among waiting jobs of the best (lowest) priority,
    the user served longest ago goes first; each user's own jobs keep their order."""

    def __init__(self, slots: int = 1) -> None:
        self._slots = slots
        self._waiting: list[_Job] = []
        self._served: dict[int, int] = {}  # user -> when last served (a counter)
        self._running: list[_Job] = []
        self._seq = itertools.count()
        self._services = itertools.count()
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def turn(
        self,
        user_id: int,
        *,
        priority: int = 0,
        on_position: PositionCallback | None = None,
    ) -> AsyncIterator[None]:
        """Wait for this user's turn, and hold it for the block. Raises QueueCancelled when
        the user cancels while waiting."""
        entry = _Job(user_id, priority, next(self._seq), on_position=on_position)
        self._waiting.append(entry)
        await self._advance()
        try:
            await entry.turn
        except asyncio.CancelledError:
            await self._drop(entry)
            raise
        try:
            yield
        finally:
            self._running.remove(entry)
            await self._advance()

    async def run(
        self,
        user_id: int,
        job: Callable[[], Awaitable[T]],
        *,
        priority: int = 0,
        on_position: PositionCallback | None = None,
    ) -> T:
        """Run `job` in this user's turn."""
        async with self.turn(user_id, priority=priority, on_position=on_position):
            return await job()

    def position(self, user_id: int) -> int | None:
        """How many jobs run before this user's first waiting job (None: nothing waiting)."""
        order = self._order()
        for index, entry in enumerate(order):
            if entry.user_id == user_id:
                return index + len(self._running)
        return None

    def waiting(self) -> dict[int, int]:
        """Jobs waiting, by priority (counts only: for the metrics)."""
        counts = dict.fromkeys((ASKED, SCHEDULED, BACKGROUND), 0)
        for job in self._waiting:
            counts[job.priority] = counts.get(job.priority, 0) + 1
        return counts

    @property
    def running(self) -> int:
        return len(self._running)

    async def cancel_waiting(self, user_id: int) -> int:
        """Cancel the user's jobs that have not started; returns how many."""
        mine = [job for job in self._waiting if job.user_id == user_id]
        for job in mine:
            self._waiting.remove(job)
            if not job.turn.done():
                job.turn.set_exception(QueueCancelled())
        await self._notify_positions()
        return len(mine)

    def _order(self) -> list[_Job]:
        """Waiting jobs in the order they will run."""
        if not self._waiting:
            return []
        order: list[_Job] = []
        by_user: dict[int, list[_Job]] = {}
        for job in sorted(self._waiting, key=lambda j: (j.priority, j.seq)):
            by_user.setdefault(job.user_id, []).append(job)
        for priority in sorted({j.priority for j in self._waiting}):
            queues = {
                user: [j for j in jobs if j.priority == priority] for user, jobs in by_user.items()
            }
            rotation = sorted(
                (u for u in queues if queues[u]),
                key=lambda u: (self._served.get(u, -1), queues[u][0].seq),
            )
            rounds = max(len(q) for q in queues.values())
            for round_index in range(rounds):
                for user in rotation:
                    if round_index < len(queues[user]):
                        order.append(queues[user][round_index])
        return order

    async def _advance(self) -> None:
        async with self._lock:
            while len(self._running) < self._slots and (order := self._order()):
                job = order[0]
                self._waiting.remove(job)
                if job.turn.done():  # its waiter was cancelled; it is being dropped
                    continue
                self._running.append(job)
                self._served[job.user_id] = next(self._services)
                job.turn.set_result(None)
        await self._notify_positions()

    async def _drop(self, entry: _Job) -> None:
        if entry in self._waiting:
            self._waiting.remove(entry)
        if entry in self._running:
            self._running.remove(entry)
        await self._advance()

    async def _notify_positions(self) -> None:
        ahead = len(self._running)
        for index, job in enumerate(self._order()):
            position = index + ahead
            if job.on_position and position != job.last_position:
                job.last_position = position
                await job.on_position(position)
