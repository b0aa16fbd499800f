"""A clock the tests move, inside the bot's own process: the one mechanism for end-to-end
tests about time (a week of notes at their own times, digests, reminders). Installed by
tests/bot_process.py, which starts the bot for tests/botharness.py; the app knows nothing
of it.

Only when MNEMO_TEST_CLOCK_FILE names a file (time-machine is a dev dependency): the
process travels to the instant the file holds and keeps ticking from there; when the file
changes, the clock moves to its new instant and the process writes the same text to
`<file>.ack`, so the test knows the move is done. Monotonic time (event loop timers,
timeouts) is not touched; the job scheduler is woken after each move.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)
POLL_SECONDS = 0.02
CLOCK_FILE = "MNEMO_TEST_CLOCK_FILE"
_moved: list[Callable[[], None]] = []


def on_move(callback: Callable[[], None]) -> None:
    """Call `callback` (from the clock's thread) after each move: the job scheduler wakes up
    to see what is due at the new time (its timers run on monotonic time)."""
    _moved.append(callback)


def start_if_asked() -> None:
    name = os.environ.get(CLOCK_FILE)
    if not name:
        return
    import time_machine  # a dev dependency: only tests set the variable

    path = Path(name)
    text = path.read_text().strip()
    traveller = time_machine.travel(datetime.fromisoformat(text), tick=True)
    coordinates = traveller.start()
    _ack(path, text)
    log.warning("a test clock moves this process's time (MNEMO_TEST_CLOCK_FILE)")

    def follow() -> None:
        seen = text
        while True:
            time.sleep(POLL_SECONDS)
            try:
                now = path.read_text().strip()
            except OSError:
                continue
            if now and now != seen:
                coordinates.move_to(datetime.fromisoformat(now))
                seen = now
                for callback in _moved:
                    try:
                        callback()
                    except Exception:  # the clock must keep following, and say it moved
                        log.warning("a wake-up after the test clock moved failed", exc_info=True)
                _ack(path, now)

    threading.Thread(target=follow, name="test-clock", daemon=True).start()


def _ack(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".ack.partial")
    partial.write_text(text)
    partial.replace(path.with_name(path.name + ".ack"))
