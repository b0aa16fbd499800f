"""The in-process chat model is loaded only once a child process ran it (ports.ChecksModel):
a llama.cpp build that dies on this CPU kills the child, and the bot goes on without a model
(notes, search, lists, reminders, digests), keeping questions until it can answer them. A
failed check is remembered for `recheck_seconds`, then asked again, so a model that comes
back (rebuilt, its file restored) is found by the same watcher that finds a server back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from knowledge.domain.errors import LlmUnavailable
from knowledge.domain.model import ProbeResult
from knowledge.domain.ports import ChecksModel, Generator

log = logging.getLogger(__name__)
RECHECK_SECONDS = 60.0


class CheckedLoad:
    def __init__(
        self,
        load: Callable[[], Generator],
        check: ChecksModel,
        *,
        recheck_seconds: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._check = check
        self._recheck = recheck_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failed: str | None = None
        self._until = 0.0
        self.last: ProbeResult | None = None

    def __call__(self) -> Generator:
        with self._lock:
            if self._failed is not None and self._clock() < self._until:
                raise LlmUnavailable(self._failed)
            result = self.last = self._check()
            if not result.ok:
                self._failed = f"the chat model cannot run on this machine: {result.detail}"
                self._until = self._clock() + self._recheck
                log.warning("%s; %s", self._failed, _advice(result))
                raise LlmUnavailable(self._failed)
            if self._failed is not None:
                log.info("the chat model runs again (%s)", result.detail)
            self._failed = None
        return self._load()


def _advice(result: ProbeResult) -> str:
    if result.signal == "SIGILL":
        return "rebuild llama.cpp for this CPU: bash scripts/setup.sh (it tries plainer builds)"
    return "see `mnemo doctor`"
