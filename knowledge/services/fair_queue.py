"""One worker's turns shared fairly: users are served round-robin, not first come first
served, so someone with ten questions queued cannot starve the others."""

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
    """Runs one job at a time. Among waiting jobs of the best (lowest) priority, the user
    served longest ago goes first; each user's own jobs keep their order."""

    def __init__(self) -> None:
        self._waiting: list[_Job] = []
        self._served: dict[int, int] = {}  # user -> when last served (a counter)
        self._running: _Job | None = None
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
            self._running = None
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
                return index + (1 if self._running else 0)
        return None

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
            if self._running is None:
                order = self._order()
                if order:
                    job = order[0]
                    self._waiting.remove(job)
                    self._running = job
                    self._served[job.user_id] = next(self._services)
                    job.turn.set_result(None)
        await self._notify_positions()

    async def _drop(self, entry: _Job) -> None:
        if entry in self._waiting:
            self._waiting.remove(entry)
        if self._running is entry:
            self._running = None
        await self._advance()

    async def _notify_positions(self) -> None:
        ahead = 1 if self._running else 0
        for index, job in enumerate(self._order()):
            position = index + ahead
            if job.on_position and position != job.last_position:
                job.last_position = position
                await job.on_position(position)
