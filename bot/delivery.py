"""Every update handled exactly once, across crashes and a model server that goes away.

- `record`: an admitted update is written to the inbox before it waits for anything
  (bot/admission.py calls it), so a kill -9 never loses it.
- `settle`: after its handlers ran, it is marked handled (bot/admission.py, once the
  handlers return), unless a handler said `keep_pending`.
- `keep_pending`: a question the model server could not answer stays unfinished in the
  inbox; a watcher asks the server, waiting longer each time, and `replay`s the kept
  updates when it answers again. A kept spoken question remembers what was heard, so its
  replay does not listen again (until a restart, which transcribes it again).
- `resume`: at start, updates a crash left unfinished are replayed, and those that stopped
  the bot too often are set aside.
- `reply_of` / `set_reply`: the first reply an update made, so a replay edits that message
  (bot/live.py) instead of sending another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.metrics import Metrics
from knowledge.domain.deliveries import PendingUpdate
from knowledge.services.llm.llm_worker import LlmWorker
from knowledge.services.sending.inbox import Inbox

log = logging.getLogger(__name__)
FIRST_WAIT_SECONDS = 2.0
LONGEST_WAIT_SECONDS = 30.0

Enqueue = Callable[[dict[str, Any]], Awaitable[None]]  # hands a kept update's payload back


class Delivery:
    def __init__(self, *, inbox: Inbox, worker: LlmWorker, metrics: Metrics) -> None:
        self._inbox = inbox
        self._worker = worker
        self._metrics = metrics
        self._enqueue: Enqueue | None = None
        self._replaying: set[int] = set()
        self._pending: set[int] = set()  # kept by a handler: not settled, replayed later
        self._waiting: set[int] = set()  # kept and not yet handed back by the watcher
        self._heard: dict[int, str] = {}
        self._watcher: asyncio.Task[None] | None = None

    def hand_back_with(self, enqueue: Enqueue) -> None:
        """How kept updates go back to the handlers (the application's update queue)."""
        self._enqueue = enqueue

    def replaying(self, update_id: int) -> bool:
        """Handed back after a crash or a wait: recorded, and its sender told, before."""
        return update_id in self._replaying

    async def record(self, update_id: int, user_id: int, payload: dict[str, Any]) -> bool:
        """Keep the update before it is handled; False for a redelivery (handled before)."""
        fresh = await asyncio.to_thread(self._inbox.accept, update_id, user_id, payload)
        if not fresh:
            self._metrics.redeliveries.inc()
        return fresh

    async def settle(self, update_id: int) -> None:
        """Mark the update handled, so a restart does not replay it; one a handler kept
        pending stays unfinished."""
        self._replaying.discard(update_id)
        if update_id in self._pending:
            self._pending.discard(update_id)
            return
        self._heard.pop(update_id, None)
        await asyncio.to_thread(self._inbox.done, update_id)

    async def keep_pending(self, update_id: int, reason: str, heard: str | None = None) -> None:
        """Leave the update unfinished until the model answers again; one log line each.
        `heard`: what a spoken question said, answered at the replay without listening."""
        log.warning(
            "model unavailable (%s); update %s kept, to be answered later", reason, update_id
        )
        await asyncio.to_thread(self._inbox.keep, update_id)
        if heard is not None:
            self._heard[update_id] = heard
        self._pending.add(update_id)
        self._waiting.add(update_id)
        self._metrics.llm_unavailable.inc()
        self._metrics.deferred.set(len(self._waiting))
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(self._watch(), name="llm-watch")

    def heard(self, update_id: int) -> str | None:
        """What a kept spoken question said, until the update is settled (a second wait
        for the model keeps it too)."""
        return self._heard.get(update_id)

    async def _watch(self) -> None:
        wait = FIRST_WAIT_SECONDS
        while self._waiting:
            await asyncio.sleep(wait)
            if await self._worker.problem() is not None:
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
                continue
            wait = FIRST_WAIT_SECONDS
            asked = set(self._waiting)  # ones kept while the inbox is read wait for the next
            kept = [
                payload
                for payload in await asyncio.to_thread(self._inbox.pending)
                if payload.get("update_id") in asked
            ]
            log.info("the model answers again; %d kept questions are asked again", len(kept))
            self._waiting -= asked  # those no longer pending were handled meanwhile
            self._metrics.deferred.set(len(self._waiting))
            await self.replay(kept)

    async def replay(self, payloads: list[dict[str, Any]]) -> None:
        """Hand kept updates to the handlers again: handled as new, but not recorded in
        the inbox a second time (they are still there, unfinished)."""
        assert self._enqueue is not None, "hand_back_with() before replaying"
        for payload in payloads:
            self._replaying.add(int(payload["update_id"]))
            await self._enqueue(payload)

    async def resume(self, retries: int) -> list[PendingUpdate]:
        """At start: replay what a crash left unfinished; return those set aside."""
        resumed = await asyncio.to_thread(self._inbox.resume, retries)
        self._metrics.set_aside.inc(len(resumed.set_aside))
        await self.replay(resumed.replay)
        if resumed.replay:
            log.info("replaying %d unfinished updates", len(resumed.replay))
        return resumed.set_aside

    async def reply_of(self, update_id: int) -> int | None:
        return await asyncio.to_thread(self._inbox.reply_of, update_id)

    async def set_reply(self, update_id: int, message_id: int) -> None:
        await asyncio.to_thread(self._inbox.set_reply, update_id, message_id)

    async def forget_old(self) -> None:
        await asyncio.to_thread(self._inbox.prune)

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
