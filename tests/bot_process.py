"""The bot's process as the end-to-end tests start it (tests/botharness.py): the test
clock installed when MNEMO_TEST_CLOCK_FILE asks for it (tests/clock.py), then the real
entry point, `mnemo` with the harness's arguments (`-v run`).

After each move of the clock, the job queue's scheduler is woken (its timers run on
monotonic time): the job queue is seen as it starts, through PTB's `JobQueue.start`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from telegram.ext import JobQueue

from cli.main import main
from tests import clock


def _wake_on_moves() -> None:
    start = JobQueue.start

    async def start_and_follow(queue: JobQueue[Any]) -> None:
        await start(queue)
        scheduler = queue.scheduler

        def wake() -> None:  # before it starts, the scheduler reads the moved clock anyway
            if scheduler.running:
                scheduler.wakeup()

        clock.on_move(wake)

    JobQueue.start = start_and_follow  # type: ignore[method-assign, assignment]


if __name__ == "__main__":
    if os.environ.get(clock.CLOCK_FILE):
        clock.start_if_asked()
        _wake_on_moves()
    sys.argv[0] = "mnemo"
    main()
