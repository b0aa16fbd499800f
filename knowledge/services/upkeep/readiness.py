"""Can mnemo serve now? The database, the vector store and the chat model, each asked
briefly, for the health endpoint's /readyz.

What it reports is meant for anyone who can reach the endpoint: the part and a short
reason, never a URL (which may carry a password), a host or an exception's own text
(a driver's message may name the server and the user). The details go to the log.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from knowledge.domain.ports import VectorStore
from knowledge.domain.repositories import Storage
from knowledge.services.llm.llm_worker import LlmWorker

log = logging.getLogger(__name__)
CHECK_SECONDS = 5.0
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


class Readiness:
    def __init__(self, *, storage: Storage, store: VectorStore, worker: LlmWorker) -> None:
        self._storage = storage
        self._store = store
        self._worker = worker

    async def problems(self) -> dict[str, str | None]:
        """{part: None when it answers, else what is wrong} for database, store and llm."""
        checks: dict[str, Callable[[], Awaitable[str | None]]] = {
            "database": lambda: self._in_thread(self._database),
            "vector_store": lambda: self._in_thread(self._vectors),
            "llm": self._llm,
        }
        found = await asyncio.gather(*(self._timed(name, check) for name, check in checks.items()))
        return dict(zip(checks, found, strict=True))

    async def _llm(self) -> str | None:
        problem = await self._worker.problem()
        if problem is None:
            return None
        log.debug("health: the chat model cannot answer: %s", problem)
        return scrub(problem)

    def _database(self) -> None:
        with self._storage.read() as uow:
            uow.users.count()

    def _vectors(self) -> None:
        self._store.count(0)  # a user id nobody has: answers without touching anyone's data

    @staticmethod
    async def _in_thread(check: Callable[[], None]) -> str | None:
        await asyncio.to_thread(check)
        return None

    @staticmethod
    async def _timed(name: str, check: Callable[[], Awaitable[str | None]]) -> str | None:
        try:
            return await asyncio.wait_for(check(), CHECK_SECONDS)
        except TimeoutError:
            return f"did not answer within {CHECK_SECONDS:g} s"
        except Exception as exc:  # a health check reports, never raises
            log.warning("health: %s check failed: %s", name, scrub(str(exc)))
            return f"failed ({type(exc).__name__})"


def scrub(text: str) -> str:
    """`text` without URLs: "the model server at <url> refused the connection"."""
    return _URL.sub("<url>", text)[:300]
