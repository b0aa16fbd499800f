"""Local chat models through llama-cpp-python, and the single worker thread that runs them."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from knowledge.errors import ModelMissing
from knowledge.model import GenerationParams
from knowledge.ports import Generator
from knowledge.provision import LLM_PRESETS

log = logging.getLogger(__name__)
T = TypeVar("T")

HUB_PREFIX = "hf:"


class LlamaGenerator:
    """A `Generator` over llama-cpp-python; not thread-safe, so only LlmWorker calls it."""

    def __init__(self, llm: object) -> None:
        self._llm = llm

    @classmethod
    def load(cls, spec: str, models_dir: Path, *, n_ctx: int, n_threads: int) -> LlamaGenerator:
        from llama_cpp import Llama

        options = {
            "n_ctx": n_ctx,
            "n_threads": n_threads,
            "n_threads_batch": n_threads,
            "verbose": False,
        }
        if spec.startswith(HUB_PREFIX):
            repo, _, filename = spec.removeprefix(HUB_PREFIX).partition(":")
            llm = Llama.from_pretrained(
                repo_id=repo,
                filename=filename or "*q4_k_m.gguf",
                cache_dir=str(models_dir / "hub"),
                **options,
            )
        else:
            llm = Llama(model_path=str(resolve_llm_path(spec, models_dir)), **options)
        return cls(llm)

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        chunks = self._llm.create_chat_completion(  # type: ignore[attr-defined]
            messages=messages,
            stream=True,
            temperature=params.temperature,
            top_k=params.top_k,
            top_p=params.top_p,
            max_tokens=params.max_tokens,
        )
        for chunk in chunks:
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def reset(self) -> None:
        """Forget the cached prompt (KV prefix): the next prompt is evaluated from scratch."""
        self._llm.reset()  # type: ignore[attr-defined]

    def count_tokens(self, text: str) -> int:
        tokens = self._llm.tokenize(text.encode(), add_bos=False, special=True)  # type: ignore[attr-defined]
        return len(tokens)


def resolve_llm_path(spec: str, models_dir: Path) -> Path:
    """A preset name to its assembled GGUF, or a path to any GGUF file."""
    preset = LLM_PRESETS.get(spec)
    path = models_dir / "llm" / preset.name / preset.filename if preset else Path(spec)
    if not path.is_file():
        hint = "run `mnemo models install`" if preset else "check MNEMO_LLM"
        raise ModelMissing(f"chat model {spec!r} is not installed at {path}: {hint}")
    return path


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
