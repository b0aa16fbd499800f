"""The real llama-cpp-python path with a tiny random-weight GGUF: loading, streaming, the
single worker thread, cancelling, token counting and the prompt budget."""

from __future__ import annotations

import asyncio
import threading
from contextlib import aclosing
from pathlib import Path

import pytest

from knowledge.adapters.llama import LlamaGenerator, resolve_llm_path
from knowledge.domain.errors import ModelMissing
from knowledge.domain.model import GenerationParams, Hit
from knowledge.services.answers.evidence import Evidence
from knowledge.services.answers.prompting import SYSTEM_PROMPT, build_prompt, preamble
from knowledge.services.llm.llm_worker import LlmWorker

PARAMS = GenerationParams(temperature=0.8, top_k=40, top_p=0.95, max_tokens=24)
MESSAGES = [{"role": "system", "content": "hi"}, {"role": "user", "content": "Привет, 你好"}]


@pytest.fixture(scope="module")
def tiny_model(tiny_gguf: Path) -> LlamaGenerator:
    return LlamaGenerator.load(str(tiny_gguf), tiny_gguf.parent, n_ctx=512, n_threads=2)


def test_tiny_model_streams_tokens(tiny_model: LlamaGenerator) -> None:
    pieces = list(tiny_model.stream(MESSAGES, PARAMS))
    assert 1 <= len(pieces) <= PARAMS.max_tokens
    assert all(isinstance(p, str) and p for p in pieces)


def test_count_tokens_uses_the_models_vocabulary(tiny_model: LlamaGenerator) -> None:
    assert tiny_model.count_tokens("the") < tiny_model.count_tokens("the memory of the bot")
    assert tiny_model.count_tokens("мир") >= 3  # byte fallback: 6 UTF-8 bytes


async def test_worker_streams_on_one_thread_and_keeps_the_loop_free(
    tiny_model: LlamaGenerator,
) -> None:
    threads: set[str] = set()

    class Recording:
        def stream(self, messages, params):
            threads.add(threading.current_thread().name)
            yield from tiny_model.stream(messages, params)

        def count_tokens(self, text: str) -> int:
            return tiny_model.count_tokens(text)

    worker = LlmWorker(lambda: Recording())  # type: ignore[arg-type, return-value]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    results = await asyncio.gather(*(_collect(worker) for _ in range(3)))
    task.cancel()
    worker.close()
    assert all(results) and len(threads) == 1
    assert threading.main_thread().name not in threads
    assert ticks > 3


async def _collect(worker: LlmWorker) -> list[str]:
    return [piece async for piece in worker.stream(MESSAGES, PARAMS)]


async def test_leaving_the_stream_stops_generation(tiny_model: LlamaGenerator) -> None:
    produced = 0

    class Counting:
        def stream(self, messages, params):
            nonlocal produced
            for piece in tiny_model.stream(messages, params):
                produced += 1
                yield piece

    worker = LlmWorker(lambda: Counting())  # type: ignore[arg-type, return-value]
    long = GenerationParams(0.8, 40, 0.95, max_tokens=400)
    async with aclosing(worker.stream(MESSAGES, long)) as stream:  # type: ignore[type-var]
        async for _ in stream:
            break
    worker.close()
    assert produced < 50


async def test_worker_reports_model_errors() -> None:
    def missing() -> LlamaGenerator:
        raise ModelMissing("not installed")

    worker = LlmWorker(missing)
    with pytest.raises(ModelMissing):
        await _collect(worker)
    worker.close()


def test_missing_preset_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="mnemo models install"):
        resolve_llm_path("qwen2.5-1.5b", tmp_path)
    with pytest.raises(ModelMissing, match="MNEMO_LLM"):
        resolve_llm_path(str(tmp_path / "nope.gguf"), tmp_path)


def _evidence(n: int, text: str) -> Evidence:
    hit = Hit(n, 0, n, None, text, 1.0, f"doc{n}.pdf", "pdf", None)
    return Evidence(text, hit, 1.0 - n / 100, "en")


def test_old_turns_give_way_when_the_budget_is_tight(tiny_model: LlamaGenerator) -> None:
    history = [("user", "old question " * 40), ("assistant", "old answer " * 40)] * 3
    history += [("user", "last question"), ("assistant", "last answer")]
    count = tiny_model.count_tokens
    prompt = build_prompt(
        "q?",
        [_evidence(1, "a fact")],
        history,
        count_tokens=count,
        evidence_budget=200,
        history_budget=60,
    )
    assert len(prompt.evidence) == 1
    turns = prompt.messages[len(preamble()) : -1]
    assert turns == [
        {"role": "user", "content": "last question"},
        {"role": "assistant", "content": "last answer"},
    ]


def test_evidence_fits_its_budget_in_score_order(tiny_model: LlamaGenerator) -> None:
    evidence = [_evidence(n, f"fact number {n} " * 12) for n in range(1, 9)]
    count = tiny_model.count_tokens
    prompt = build_prompt("what is fact 1?", evidence, [], count_tokens=count, evidence_budget=300)
    shown = sum(count(e.text) + count(e.label()) + 6 for e in prompt.evidence)
    assert 1 <= len(prompt.evidence) < len(evidence) and shown <= 300
    assert prompt.evidence == evidence[: len(prompt.evidence)]
    assert prompt.messages[0]["content"] == SYSTEM_PROMPT
    assert prompt.messages[: len(preamble())] == preamble()
    assert "[1] doc1.pdf p.1: fact number 1" in prompt.messages[-1]["content"]
    assert "Answer in English" in prompt.messages[-1]["content"]


def test_the_preamble_state_is_kept_on_disk_and_loaded_at_the_next_start(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    messages = preamble()
    first = LlamaGenerator.load(
        str(tiny_gguf), tiny_gguf.parent, n_ctx=4096, n_threads=2, state_dir=tmp_path
    )
    first.prime(messages)
    kept = list(tmp_path.glob("preamble-*.state"))
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    evaluated = first._llm.n_tokens
    assert evaluated > 100
    second = LlamaGenerator.load(
        str(tiny_gguf), tiny_gguf.parent, n_ctx=4096, n_threads=2, state_dir=tmp_path
    )
    second.prime(messages)
    assert second._llm.n_tokens == evaluated
    question = [*messages, {"role": "user", "content": "Привет, 你好"}]
    assert list(second.stream(question, PARAMS))
    other_prompt = [{"role": "system", "content": "Condense one item."}, *question[-1:]]
    assert list(second.stream(other_prompt, PARAMS))  # a digest line takes the cache
    second.prime(messages)  # the preamble comes back from disk, not evaluated again
    assert second._llm.n_tokens == evaluated
    assert second._llm.input_ids[:10].tolist() == first._llm.input_ids[:10].tolist()
    other = [*messages[:-1], {"role": "assistant", "content": "changed"}]
    second.prime(other)  # another preamble: another state
    assert len(list(tmp_path.glob("preamble-*.state"))) == 2


def test_a_damaged_state_file_is_evaluated_again(tiny_gguf: Path, tmp_path: Path) -> None:
    messages = preamble()
    LlamaGenerator.load(
        str(tiny_gguf), tiny_gguf.parent, n_ctx=4096, n_threads=2, state_dir=tmp_path
    ).prime(messages)
    (kept,) = tmp_path.glob("preamble-*.state")
    kept.write_bytes(kept.read_bytes()[:100])
    again = LlamaGenerator.load(
        str(tiny_gguf), tiny_gguf.parent, n_ctx=4096, n_threads=2, state_dir=tmp_path
    )
    again.prime(messages)
    assert again._llm.n_tokens > 100
    assert kept.stat().st_size > 100  # evaluated and kept again
