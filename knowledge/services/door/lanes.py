"""Heavy work from people, in two fair lanes: files (an upload read, a recording
transcribed) and archives (an import, or an export being packed: either can run for
many minutes). Each lane serves one
job at a time, users in turn (services/llm/fair_queue.py), so one person's flood never holds
up another's photo, and an import never holds the turn every upload waits for. How many
jobs one user may have waiting in a lane is capped (MNEMO_MAX_WAITING_UPLOADS): past it,
TooManyUploads, before anything is downloaded."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import Enum

from knowledge.domain.errors import TooManyUploads
from knowledge.services.llm.fair_queue import FairQueue, PositionCallback

log = logging.getLogger(__name__)


class Lane(Enum):
    FILES = "files"
    ARCHIVES = "archives"  # imports and exports


class Lanes:
    def __init__(self, *, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._queues = {lane: FairQueue(1) for lane in Lane}

    def queue(self, lane: Lane) -> FairQueue:
        return self._queues[lane]

    def check(self, user_id: int, lane: Lane = Lane.FILES) -> None:
        """TooManyUploads when the user already has `max_waiting` jobs waiting there."""
        waiting = self._queues[lane].waiting_of(user_id)
        if waiting >= self.max_waiting:
            log.info("an upload refused: %d of that user's wait already", waiting)
            raise TooManyUploads(
                f"you have {waiting} files waiting to be read; send more once they are done",
                waiting=waiting,
            )

    @asynccontextmanager
    async def turn(
        self, user_id: int, lane: Lane, *, on_position: PositionCallback | None = None
    ) -> AsyncIterator[None]:
        """The user's turn in the lane (checked against the cap first), held for the block."""
        self.check(user_id, lane)
        async with self._queues[lane].turn(user_id, on_position=on_position):
            yield

    async def cancel_waiting(self, user_id: int) -> int:
        return sum([await queue.cancel_waiting(user_id) for queue in self._queues.values()])
