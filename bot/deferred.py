"""Questions the model server could not answer (down, too slow, refusing the key): their
updates stay pending in the inbox, and are handled again when the server is back.

The asker's message already says the question is kept; the replay edits that same message
into the answer (LiveMessage resumes it from the inbox), so nothing is lost and nothing is
answered twice. A restart replays them as any unfinished update.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update

if TYPE_CHECKING:
    from bot.context import MnemoApplication

log = logging.getLogger(__name__)
FIRST_WAIT_SECONDS = 2.0
LONGEST_WAIT_SECONDS = 30.0


class DeferredQuestions:
    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._heard: dict[int, str] = {}
        self._watcher: asyncio.Task[None] | None = None

    def remember_heard(self, update_id: int, transcript: str) -> None:
        """A spoken question kept: its replay answers this transcript instead of listening
        again (until a restart, which transcribes it again)."""
        self._heard[update_id] = transcript

    def heard(self, update_id: int) -> str | None:
        return self._heard.pop(update_id, None)

    def keep(self, application: MnemoApplication, update_id: int, reason: str) -> None:
        """Hold the update until the model answers again; one log line per question."""
        log.warning(
            "model unavailable (%s); update %s kept, to be answered later", reason, update_id
        )
        self._ids.add(update_id)
        state = application.bot_data
        state.metrics.llm_unavailable.inc()
        state.metrics.deferred.set(len(self._ids))
        if self._watcher is None or self._watcher.done():
            self._watcher = application.create_task(self._watch(application), name="llm-watch")

    async def _watch(self, application: MnemoApplication) -> None:
        """Ask the model whether it can answer, waiting longer each time it cannot; when it
        can, hand the kept updates to the application again."""
        state = application.bot_data
        wait = FIRST_WAIT_SECONDS
        while self._ids:
            await asyncio.sleep(wait)
            if await state.services.worker.problem() is not None:
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
                continue
            wait = FIRST_WAIT_SECONDS
            asked = set(self._ids)  # ones kept while the inbox is read wait for the next round
            kept = [
                payload
                for payload in await asyncio.to_thread(state.services.inbox.pending)
                if payload.get("update_id") in asked
            ]
            log.info("the model answers again; %d kept questions are asked again", len(kept))
            self._ids -= asked  # those no longer pending were handled meanwhile
            state.metrics.deferred.set(len(self._ids))
            await replay(application, kept)


async def replay(application: MnemoApplication, payloads: list[dict[str, Any]]) -> None:
    """Hand kept updates to the application again: handled as new, but not recorded in the
    inbox a second time (they are still there, unfinished)."""
    for payload in payloads:
        update = Update.de_json(payload, application.bot)
        application.bot_data.replaying.add(update.update_id)
        await application.update_queue.put(update)
