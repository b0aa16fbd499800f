"""The model's turns shared fairly: users take turns (the one served longest ago goes first),
not first come first served, so someone with ten questions queued cannot starve the others.
And someone who asks far more than anyone does, for minutes on end, waits behind everyone
else: each user's recent turns are counted (a count that halves every USE_HALF_LIFE
seconds), and only what goes past ALLOWANCE (about 2.8 questions a minute, kept up) pushes
them back; they are served whenever nobody else waits, and as the count fades they take
turns as equals again, so nobody starves. As many turns run at once as the model has
slots (1 in-process; a model server's parallel slots).

Nothing a waiter does can hold the queue up: telling a waiting user their place in line
runs in a task of its own (a failing or slow callback is logged and skipped), and a turn is
given back on every path out of it (done, failed, cancelled while waiting or while running).

Priorities are not strict: while lower-priority work waits, each priority level serves at
most SHARE - 1 turns in a row before a lower level gets one, so digests and background work
keep a share of the model (a quarter at most, a sixteenth for the lowest) even when
questions never stop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
# Priorities (lower runs first): what a person is waiting for, then the scheduled digests'
# leftovers, then work done ahead of time when the model is idle.
ASKED = 0
SCHEDULED = 1
BACKGROUND = 2
PRIORITIES = (ASKED, SCHEDULED, BACKGROUND)
SHARE = 4  # of every SHARE turns while lower work waits, at least one goes to it
USE_HALF_LIFE = 120.0  # seconds after which a turn counts half as much against its user
ALLOWANCE = 8.0  # recent turns anyone may have before they wait behind the others
PositionCallback = Callable[[int], Awaitable[None]]


class QueueCancelled(Exception):
    """The user cancelled the job before it ran."""


@dataclass(eq=False)
class _Job:
    user_id: int
    priority: int
    seq: int
    turn: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    on_position: PositionCallback | None = None
    last_position: int | None = None
    told: int | None = None  # the position waiting to be told
    teller: asyncio.Task[None] | None = None
    failures: int = 0


@dataclass
class _Plan:
    """What decides the next turn: each user's recent use per level (a count that fades),
    when each user was last served, and how many turns in a row each level has had while
    a lower one waited. `_order` simulates on a copy, at one moment."""

    now: float = 0.0
    use: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    served: dict[int, int] = field(default_factory=dict)
    streak: dict[int, int] = field(default_factory=dict)
    clock: int = 0

    def copy(self) -> _Plan:
        return _Plan(self.now, dict(self.use), dict(self.served), dict(self.streak), self.clock)

    def used(self, level: int, user_id: int) -> float:
        """The user's recent turns at this level, faded to `now`."""
        count, at = self.use.get((level, user_id), (0.0, self.now))
        return float(count * 0.5 ** ((self.now - at) / USE_HALF_LIFE))

    def pick(self, waiting: list[_Job]) -> _Job:
        levels = sorted({job.priority for job in waiting})
        level = next((lv for lv in levels[:-1] if self.streak.get(lv, 0) < SHARE - 1), levels[-1])
        at_level = [job for job in waiting if job.priority == level]
        return min(
            at_level,
            key=lambda job: (
                round(max(0.0, self.used(level, job.user_id) - ALLOWANCE), 1),
                self.served.get(job.user_id, -1),
                job.seq,
            ),
        )

    def granted(self, job: _Job, waiting: list[_Job]) -> None:
        """Record a turn given to `job`; `waiting` are the jobs still waiting after it."""
        self.clock += 1
        self.served[job.user_id] = self.clock
        self.use[(job.priority, job.user_id)] = (self.used(job.priority, job.user_id) + 1, self.now)
        for level in list(self.streak):
            if level < job.priority:
                self.streak[level] = 0  # a lower level than these was just served
        lower_waits = any(other.priority > job.priority for other in waiting)
        self.streak[job.priority] = self.streak.get(job.priority, 0) + 1 if lower_waits else 0


class FairQueue:
    """Runs up to `slots` jobs at a time. Among waiting jobs of a level, the user served
    longest ago goes first, unless they used far more than their allowance lately; each
    user's own jobs keep their order."""

    def __init__(self, slots: int = 1, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._slots = slots
        self._waiting: list[_Job] = []
        self._running: list[_Job] = []
        self._plan = _Plan()
        self._clock = clock
        self._seq = itertools.count()

    @asynccontextmanager
    async def turn(
        self,
        user_id: int,
        *,
        priority: int = ASKED,
        on_position: PositionCallback | None = None,
    ) -> AsyncIterator[None]:
        """Wait for this user's turn, and hold it for the block. Raises QueueCancelled when
        the user cancels while waiting."""
        entry = _Job(user_id, priority, next(self._seq), on_position=on_position)
        self._waiting.append(entry)
        try:
            self._advance()
            await entry.turn
        except BaseException:
            self._drop(entry)
            raise
        finally:
            if entry.teller is not None:
                entry.teller.cancel()  # its place in line no longer matters
        try:
            yield
        finally:
            self._drop(entry)

    async def run(
        self,
        user_id: int,
        job: Callable[[], Awaitable[T]],
        *,
        priority: int = ASKED,
        on_position: PositionCallback | None = None,
    ) -> T:
        """Run `job` in this user's turn."""
        async with self.turn(user_id, priority=priority, on_position=on_position):
            return await job()

    def position(self, user_id: int) -> int | None:
        """How many jobs run before this user's first waiting job (None: nothing waiting)."""
        for index, entry in enumerate(self._order()):
            if entry.user_id == user_id:
                return index + len(self._running)
        return None

    def waiting(self) -> dict[int, int]:
        """Jobs waiting, by priority (counts only: for the metrics)."""
        counts = dict.fromkeys(PRIORITIES, 0)
        for job in self._waiting:
            counts[job.priority] = counts.get(job.priority, 0) + 1
        return counts

    def waiting_of(self, user_id: int, priority: int = ASKED) -> int:
        """How many of this user's jobs of that priority wait (not counting a running one)."""
        return sum(1 for j in self._waiting if j.user_id == user_id and j.priority == priority)

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
        self._advance()
        return len(mine)

    def _order(self) -> list[_Job]:
        """Waiting jobs in the order they will run, if no other job comes."""
        self._plan.now = self._clock()
        plan = self._plan.copy()
        left = [job for job in self._waiting if not job.turn.done()]
        order: list[_Job] = []
        while left:
            job = plan.pick(left)
            left.remove(job)
            plan.granted(job, left)
            order.append(job)
        return order

    def _advance(self) -> None:
        """Start waiting jobs while slots are free, then tell the others their place. Never
        awaits anything, so nobody's callback can hold it up."""
        self._waiting = [job for job in self._waiting if not job.turn.done()]
        self._plan.now = self._clock()
        while len(self._running) < self._slots and self._waiting:
            job = self._plan.pick(self._waiting)
            self._waiting.remove(job)
            self._plan.granted(job, self._waiting)
            self._running.append(job)
            job.turn.set_result(None)
        self._tell_positions()

    def _drop(self, entry: _Job) -> None:
        if entry in self._waiting:
            self._waiting.remove(entry)
        if entry in self._running:
            self._running.remove(entry)
        self._advance()

    def _tell_positions(self) -> None:
        ahead = len(self._running)
        for index, job in enumerate(self._order()):
            position = index + ahead
            if job.on_position is not None and position != job.last_position:
                job.last_position = position
                job.told = position
                if job.teller is None or job.teller.done():
                    job.teller = asyncio.get_running_loop().create_task(self._tell(job))

    async def _tell(self, job: _Job) -> None:
        """Tell one waiter their latest place, one callback at a time; a failure is logged
        (once per job) and skipped."""
        assert job.on_position is not None
        while job.told is not None and not job.turn.done():
            position, job.told = job.told, None
            try:
                await job.on_position(position)
            except Exception as exc:
                job.failures += 1
                if job.failures == 1:
                    log.warning(
                        "a waiting user could not be told their place in line (%s); skipped",
                        type(exc).__name__,
                    )
