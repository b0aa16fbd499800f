"""The chat model's own threads: llama.cpp in-process is not thread-safe, so every call
runs on one worker thread; a model server gets as many as it has slots. Tokens stream back
to asyncio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import GenerationParams
from knowledge.domain.ports import Generator

T = TypeVar("T")


class _End:
    pass


_END = _End()


def model_threads(slots: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=slots, thread_name_prefix="llm")


class LlmWorker:
    """Owns the chat model on `slots` threads (1 for llama.cpp in-process); streams its
    tokens back to asyncio.

    Requests beyond the slots wait in arrival order. Leaving the async iteration early
    stops the generation at the next token.
    """

    def __init__(
        self,
        load: Callable[[], Generator],
        *,
        slots: int = 1,
        threads: ThreadPoolExecutor | None = None,
    ) -> None:
        """`threads`: the model's `slots` threads (`model_threads`, made by the composition
        root); made here when not given (tests). `close` shuts them down."""
        self._load = load
        self._generator: Generator | None = None
        self._loading = threading.Lock()
        self.slots = slots
        self._executor = threads or model_threads(slots)

    def _model(self) -> Generator:
        with self._loading:
            if self._generator is None:
                self._generator = self._load()
            return self._generator

    async def problem(self) -> str | None:
        """None when the model can answer now; else what stands in the way, in words (the
        model missing, its server down). Loads the model when it was not yet."""
        model = self._generator  # loaded: asked beside a running answer, not behind it
        if model is None:
            try:
                model = await self.run(lambda model: model)
            except MnemoError as exc:
                return str(exc)
        return await asyncio.to_thread(model.problem)

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
