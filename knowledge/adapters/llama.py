"""Local chat models through llama-cpp-python (GGUF files, presets or any hub file)."""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from knowledge.adapters.provision import LLM_PRESETS
from knowledge.domain.errors import ModelMissing
from knowledge.domain.model import GenerationParams

if TYPE_CHECKING:
    from llama_cpp import ChatCompletionRequestMessage, Llama

log = logging.getLogger(__name__)

HUB_PREFIX = "hf:"


class LlamaGenerator:
    """A `Generator` over llama-cpp-python; not thread-safe, so only LlmWorker calls it."""

    def __init__(self, llm: Llama, *, identity: str = "", state_dir: Path | None = None) -> None:
        self._llm = llm
        self._identity = identity  # names the model file and context, for kept states
        self._state_dir = state_dir
        self._primed: tuple[str, list[int]] | None = None  # the preamble's key and tokens

    @classmethod
    def load(
        cls,
        spec: str,
        models_dir: Path,
        *,
        n_ctx: int,
        n_threads: int,
        state_dir: Path | None = None,
    ) -> LlamaGenerator:
        import llama_cpp
        from llama_cpp import Llama

        options: dict[str, Any] = {
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
        path = Path(llm.model_path)
        facts = path.stat()
        identity = f"{path.resolve()}|{facts.st_size}|{facts.st_mtime_ns}|{n_ctx}"
        identity += f"|llama-cpp-python {llama_cpp.__version__}"
        return cls(llm, identity=identity, state_dir=state_dir)

    def prime(self, messages: list[dict[str, str]]) -> None:
        """Have the evaluated state of a constant prompt start (`messages`) in the KV cache,
        so a prompt that begins with it only evaluates the rest.

        The state is kept on disk, keyed by the model file, context size, library version
        and the messages, and loaded at the next start instead of evaluated again; and
        loaded again (in milliseconds) when another prompt, a digest line's, say, has taken
        the cache since.
        """
        key = hashlib.sha256(
            (self._identity + json.dumps(messages, ensure_ascii=False)).encode()
        ).hexdigest()[:24]
        if self._primed is not None and self._primed[0] == key and self._holds(self._primed[1]):
            return
        path = self._state_dir / f"preamble-{key}.state" if self._state_dir else None
        tokens = self._load_state(path) if path is not None and path.is_file() else None
        if tokens is not None:
            log.info("prompt preamble loaded from %s", path.name if path else "")
        else:
            tokens = self._evaluate_prefix(messages)
            if path is not None:
                self._save_state(path, tokens)
        self._primed = (key, tokens)

    def _holds(self, tokens: list[int]) -> bool:
        """Does the KV cache still start with these tokens?"""
        llm = self._llm
        n = len(tokens)
        held = llm.input_ids[:n].tolist() if llm.n_tokens >= n else []
        return bool(held == tokens)

    def _evaluate_prefix(self, messages: list[dict[str, str]]) -> list[int]:
        """Evaluate `messages` as the start of a chat and return its tokens.

        The chat template decides how messages become tokens, so the prefix is found by
        rendering two prompts that differ only after it and keeping what they share.
        """
        llm = self._llm
        renders = []
        for probe in ("a", "b"):
            llm.create_chat_completion(
                messages=_chat([*messages, {"role": "user", "content": probe}]),
                max_tokens=1,
                temperature=0.0,
            )
            renders.append(list(llm.input_ids[: llm.n_tokens]))
        shared = 0
        for a, b in zip(*renders, strict=False):
            if a != b:
                break
            shared += 1
        llm._ctx.kv_cache_seq_rm(-1, shared, -1)
        llm.n_tokens = shared
        return [int(token) for token in renders[0][:shared]]

    def _save_state(self, path: Path, tokens: list[int]) -> None:
        import llama_cpp

        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".tmp{os.getpid()}")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        ctx = self._llm._ctx.ctx
        if llama_cpp.llama_state_save_file(ctx, str(temp).encode(), array, len(tokens)):
            os.replace(temp, path)
            log.info("prompt preamble of %d tokens kept in %s", len(tokens), path.name)
        else:
            temp.unlink(missing_ok=True)
            log.warning("could not keep the prompt preamble's state in %s", path)

    def _load_state(self, path: Path) -> list[int] | None:
        import llama_cpp

        llm = self._llm
        capacity = llm.n_ctx()
        tokens = (llama_cpp.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        ctx = llm._ctx.ctx
        if not llama_cpp.llama_state_load_file(
            ctx, str(path).encode(), tokens, capacity, ctypes.byref(count)
        ):
            log.warning("the kept prompt state %s could not be loaded; evaluating", path.name)
            path.unlink(missing_ok=True)
            llm.reset()  # type: ignore[no-untyped-call]
            return None
        n = int(count.value)
        llm.input_ids[:n] = tokens[:n]
        llm.n_tokens = n
        llm._requires_eval = True
        return [int(token) for token in tokens[:n]]

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        chunks = self._llm.create_chat_completion(
            messages=_chat(messages),
            stream=True,
            temperature=params.temperature,
            top_k=params.top_k,
            top_p=params.top_p,
            max_tokens=params.max_tokens,
        )
        for chunk in cast(Iterator[dict[str, Any]], chunks):  # stream=True: an iterator
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def problem(self) -> str | None:
        """Loaded in this process, so it can answer."""
        return None

    def reset(self) -> None:
        """Forget the cached prompt (KV prefix): the next prompt is evaluated from scratch."""
        self._llm.reset()  # type: ignore[no-untyped-call]

    def count_tokens(self, text: str) -> int:
        tokens = self._llm.tokenize(text.encode(), add_bos=False, special=True)
        return len(tokens)


def model_spec(spec: str, models_dir: Path) -> str:
    """What the model probe loads: an `hf:` spec as it is, else the GGUF's path (a missing
    file raises ModelMissing, as loading it would)."""
    return spec if spec.startswith(HUB_PREFIX) else str(resolve_llm_path(spec, models_dir))


def resolve_llm_path(spec: str, models_dir: Path) -> Path:
    """A preset name to its assembled GGUF, or a path to any GGUF file."""
    preset = LLM_PRESETS.get(spec)
    path = models_dir / "llm" / preset.name / preset.filename if preset else Path(spec)
    if not path.is_file():
        hint = "run `mnemo models install`" if preset else "check MNEMO_LLM"
        raise ModelMissing(f"chat model {spec!r} is not installed at {path}: {hint}")
    return path


def _chat(messages: list[dict[str, str]]) -> list[ChatCompletionRequestMessage]:
    """Our messages are the plain role/content dicts llama_cpp types as TypedDicts."""
    return cast("list[ChatCompletionRequestMessage]", messages)
