"""Chat model speed through mnemo's pipeline against raw llama-cpp-python, same model and prompt.

Raw: a second `Llama` with the same file, context, threads and sampling, called directly
with the prompt mnemo builds (the constant preamble, then the question's evidence).
Pipeline: `Answerer.ask` (retrieval, evidence, prompt, the LLM worker thread, asyncio
streaming) for time to first token, and `LlmWorker.stream` for steady generation. "Cold"
clears the KV cache first (the preamble is evaluated too); "prefix reused" follows another
question, so only the question's own part is evaluated.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from typing import cast

from bench.common import load_xquad, scratch_install, spread
from knowledge.adapters.llama import LlamaGenerator, resolve_llm_path
from knowledge.bootstrap import Services
from knowledge.domain.model import GenerationParams
from knowledge.services.answers.answering import Answer

USER = 1
PARAGRAPHS = 40
ANSWER_TOKENS = 96
LONG = [{"role": "user", "content": "Count from 1 to 300, separated by commas."}]
LONG_TOKENS = 160


@dataclass(frozen=True)
class Timing:
    first: float  # seconds to the first token
    tokens: int  # streamed pieces (one token each)
    total: float

    @property
    def generation_rate(self) -> float:
        return (self.tokens - 1) / max(1e-9, self.total - self.first)


def timed(pieces: Iterator[object]) -> Timing:
    started = time.perf_counter()
    first = 0.0
    count = 0
    for _ in pieces:
        count += 1
        if count == 1:
            first = time.perf_counter() - started
    return Timing(first, count, time.perf_counter() - started)


async def timed_async(pieces: AsyncIterator[object]) -> Timing:
    started = time.perf_counter()
    first = 0.0
    count = 0
    async for piece in pieces:
        if isinstance(piece, Answer):
            continue
        count += 1
        if count == 1:
            first = time.perf_counter() - started
    return Timing(first, count, time.perf_counter() - started)


class Raw:
    """llama-cpp-python used directly, as a program without mnemo would."""

    def __init__(self, services: Services) -> None:
        from llama_cpp import Llama

        s = services.settings
        self.llm = Llama(
            model_path=str(resolve_llm_path(s.llm, s.models_dir)),
            n_ctx=s.n_ctx,
            n_threads=s.n_threads,
            n_threads_batch=s.n_threads,
            verbose=False,
        )
        self.params = GenerationParams(s.temperature, s.top_k, s.top_p, s.max_tokens)

    def run(self, messages: list[dict[str, str]], max_tokens: int, cold: bool) -> Timing:
        if cold:
            self.llm.reset()
        stream = self.llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            stream=True,
            temperature=self.params.temperature,
            top_k=self.params.top_k,
            top_p=self.params.top_p,
            max_tokens=max_tokens,
        )
        return timed(
            chunk
            for chunk in stream
            if chunk["choices"][0]["delta"].get("content")  # type: ignore[index,union-attr]
        )

    def evaluated(self, timing: Timing) -> int:
        """Prompt tokens of the last cold run: what the KV cache holds less what was generated."""
        return int(self.llm.n_tokens) - timing.tokens


async def pipeline_ask(services: Services, question: str, cold: bool) -> Timing:
    if cold:
        await services.worker.run(lambda g: cast(LlamaGenerator, g).reset())
    return await timed_async(services.answerer.ask(USER, question, max_tokens=ANSWER_TOKENS))


async def pipeline_stream(services: Services, params: GenerationParams) -> Timing:
    await services.worker.run(lambda g: cast(LlamaGenerator, g).reset())
    return await timed_async(services.worker.stream(LONG, params))


def run(llm: str, questions: int) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    corpus = load_xquad("en", PARAGRAPHS)
    with scratch_install(llm=llm, temperature=0.0) as services:
        for text in corpus.paragraphs:
            services.keeping.ingestor.add_note(USER, text)
        raw = Raw(services)
        answerer = services.answerer
        # Questions the model is asked (not refused from the evidence alone, which is instant).
        asked = [
            q.text
            for q in spread(corpus.questions, questions * 4)
            if answerer.answerable(answerer.find(USER, q.text))
        ][: questions * 2]
        firsts, seconds = asked[0::2], asked[1::2]

        def messages(question: str) -> list[dict[str, str]]:
            findings = answerer.find(USER, question)
            return asyncio.run(answerer.prompt_for(findings, []))[0].messages

        results: dict[str, list[Timing]] = {
            k: [] for k in ("raw_cold", "raw_warm", "pipe_cold", "pipe_warm")
        }
        prompt_sizes = []
        for first, second in zip(firsts, seconds, strict=True):
            one, two = messages(first), messages(second)
            results["raw_cold"].append(raw.run(one, ANSWER_TOKENS, cold=True))
            prompt_sizes.append(raw.evaluated(results["raw_cold"][-1]))
            results["raw_warm"].append(raw.run(two, ANSWER_TOKENS, cold=False))
            results["pipe_cold"].append(asyncio.run(pipeline_ask(services, first, cold=True)))
            results["pipe_warm"].append(asyncio.run(pipeline_ask(services, second, cold=False)))
        long_params = replace(raw.params, max_tokens=LONG_TOKENS)
        raw_long = raw.run(LONG, LONG_TOKENS, cold=True)
        pipe_long = asyncio.run(pipeline_stream(services, long_params))

    med = {k: statistics.median(t.first for t in v) for k, v in results.items()}
    prompt = statistics.median(prompt_sizes)
    figures = {
        "prompt_tokens_median": prompt,
        "raw_prompt_eval_tok_s": prompt / med["raw_cold"],
        "pipeline_prompt_eval_tok_s": prompt / med["pipe_cold"],
        "raw_generation_tok_s": raw_long.generation_rate,
        "pipeline_generation_tok_s": pipe_long.generation_rate,
        "ttft_raw_cold_s": med["raw_cold"],
        "ttft_pipeline_cold_s": med["pipe_cold"],
        "ttft_raw_prefix_reused_s": med["raw_warm"],
        "ttft_pipeline_prefix_reused_s": med["pipe_warm"],
    }
    figures["generation_ratio"] = (
        figures["pipeline_generation_tok_s"] / figures["raw_generation_tok_s"]
    )
    figures["prompt_eval_ratio"] = (
        figures["pipeline_prompt_eval_tok_s"] / figures["raw_prompt_eval_tok_s"]
    )
    figures["ttft_cold_limit_s"] = 1.1 * med["raw_cold"] + 0.15
    figures["ttft_prefix_reused_limit_s"] = 1.1 * med["raw_warm"] + 0.15
    rows = [
        (
            llm,
            "prompt eval tok/s",
            figures["pipeline_prompt_eval_tok_s"],
            figures["raw_prompt_eval_tok_s"],
            figures["prompt_eval_ratio"],
            "≥ 0.95",
        ),
        (
            llm,
            "generation tok/s",
            figures["pipeline_generation_tok_s"],
            figures["raw_generation_tok_s"],
            figures["generation_ratio"],
            "≥ 0.95",
        ),
        (
            llm,
            "TTFT cold, s",
            med["pipe_cold"],
            med["raw_cold"],
            med["pipe_cold"] / med["raw_cold"],
            f"≤ {figures['ttft_cold_limit_s']:.2f} s",
        ),
        (
            llm,
            "TTFT prefix reused, s",
            med["pipe_warm"],
            med["raw_warm"],
            med["pipe_warm"] / med["raw_warm"],
            f"≤ {figures['ttft_prefix_reused_limit_s']:.2f} s",
        ),
    ]
    return rows, figures
