"""Answer accuracy on XQuAD through mnemo's real ask path (retrieve 4 chunks, prompt, generate).

Per language, one user's memory holds the paragraphs; a sample of questions is asked and an
answer counts as right when it contains a gold answer span after normalisation. A second
sample has its paragraphs left out of memory: there the honest answer is "I don't know".
Decoding is greedy (temperature 0) so runs repeat.

    .venv/bin/python -m bench.answers [--llms qwen2.5-0.5b,qwen2.5-1.5b] [--questions N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import time
import unicodedata

from bench.common import (
    LANGUAGES,
    Corpus,
    Question,
    finish,
    load_xquad,
    scratch_install,
    spread,
    table,
)
from knowledge.answering import Answer
from knowledge.bootstrap import Services
from knowledge.prompting import is_refusal
from knowledge.provision import LLM_PRESETS

USER = 1


def normalise(text: str) -> str:
    """SQuAD-style: lower case, no punctuation or articles, one space; no spaces for Chinese."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def contains_gold(answer: str, golds: tuple[str, ...], language: str) -> bool:
    said = normalise(answer)
    if language == "zh":
        said = said.replace(" ", "")
    for gold in golds:
        wanted = normalise(gold)
        if language == "zh":
            wanted = wanted.replace(" ", "")
        if wanted and wanted in said:
            return True
    return False


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% confidence interval of a proportion (small samples need one)."""
    if total == 0:
        return (0.0, 0.0)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


async def ask(services: Services, question: str) -> Answer:
    final: Answer | None = None
    async for piece in services.answerer.ask(USER, question):
        if isinstance(piece, Answer):
            final = piece
    assert final is not None
    return final


def split(corpus: Corpus, count: int) -> tuple[list[Question], list[Question], set[int]]:
    """`count` answerable questions and count // 2 whose paragraphs are held out of memory."""
    held_out = spread(corpus.questions[1::2], max(1, count // 2))
    absent = {q.paragraph for q in held_out}
    answerable = [q for q in corpus.questions[0::2] if q.paragraph not in absent]
    return spread(answerable, count), held_out, absent


def run_language(llm: str, corpus: Corpus, count: int) -> dict[str, object]:
    answerable, held_out, absent = split(corpus, count)
    with scratch_install(llm=llm, temperature=0.0) as services:
        for number, text in enumerate(corpus.paragraphs):
            if number not in absent:
                services.ingestor.add_note(USER, text)
        started = time.perf_counter()
        right = sum(
            contains_gold(asyncio.run(ask(services, q.text)).text, q.answers, corpus.language)
            for q in answerable
        )
        honest = sum(is_refusal(asyncio.run(ask(services, q.text)).text) for q in held_out)
        seconds = time.perf_counter() - started
    low, high = wilson(right, len(answerable))
    return {
        "accuracy": right / len(answerable),
        "accuracy_ci95": [low, high],
        "answered": len(answerable),
        "honest_dont_know": honest / len(held_out),
        "held_out": len(held_out),
        "seconds_per_question": seconds / (len(answerable) + len(held_out)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llms", default=",".join(LLM_PRESETS))
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--questions", type=int, default=12, help="answerable per language")
    parser.add_argument("--paragraphs", type=int, help="first N paragraphs (default: all 240)")
    args = parser.parse_args()

    results: dict[str, dict[str, dict[str, object]]] = {}
    rows = []
    for llm in args.llms.split(","):
        results[llm] = {}
        for language in args.languages.split(","):
            corpus = load_xquad(language, args.paragraphs)
            figures = run_language(llm, corpus, args.questions)
            results[llm][language] = figures
            low, high = figures["accuracy_ci95"]  # type: ignore[misc]
            rows.append(
                (
                    llm,
                    language,
                    f"{figures['accuracy']:.2f} [{low:.2f}–{high:.2f}] n={figures['answered']}",
                    f"{figures['honest_dont_know']:.2f} n={figures['held_out']}",
                    figures["seconds_per_question"],
                )
            )
    table(
        "Answers on XQuAD (gold span in the answer; 95% Wilson interval)",
        ("llm", "lang", "accuracy", "honest 'I don't know'", "s/question"),
        rows,
    )
    finish({"bench": "answers", "questions_per_language": args.questions, "llms": results})


if __name__ == "__main__":
    main()
