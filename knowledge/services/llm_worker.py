"""The chat model's own thread: llama.cpp is not thread-safe, so every call runs on one
worker thread, and tokens stream back to asyncio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from knowledge.domain.model import GenerationParams
from knowledge.domain.ports import Generator

T = TypeVar("T")


class _End:
    pass


_END = _End()


class LlmWorker:
    """Owns the chat model on one thread; streams its tokens back to asyncio.

    Requests run one at a time in arrival order. Leaving the async iteration early stops
    the generation at the next token.
    """

    def __init__(self, load: Callable[[], Generator]) -> None:
        self._load = load
        self._generator: Generator | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")

    def _model(self) -> Generator:
        if self._generator is None:
            self._generator = self._load()
        return self._generator

    async def run(self, func: Callable[[Generator], T]) -> T:
        """Run `func(generator)` on the model's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: func(self._model()))

    async def stream(
        self, messages: list[dict[str, str]], params: GenerationParams
    ) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                for piece in self._model().stream(messages, params):
                    if stop.is_set():
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, piece)
            except Exception as exc:  # handed to the consumer, which re-raises it
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _END)

        future = loop.run_in_executor(self._executor, produce)
        try:
            while (item := await queue.get()) is not _END:
                if isinstance(item, Exception):
                    raise item
                yield str(item)
        finally:
            stop.set()
            await asyncio.shield(future)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
