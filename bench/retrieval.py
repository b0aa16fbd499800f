"""Retrieval quality on XQuAD: recall@1, recall@5 and MRR@10 of the paragraph holding the answer.

Each paragraph is ingested through mnemo's real ingest path as a note of one user; every
question is searched with dense only, BM25 only and hybrid RRF, for each embedder preset.
Scenarios: the same language (en, ru, es, zh); ru/es/zh questions over an English memory;
English questions over a mixed memory (paragraph i kept in language i mod 4).

    .venv/bin/python -m bench.retrieval [--embedders a,b] [--paragraphs N] [--questions N]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from bench.common import (
    LANGUAGES,
    Corpus,
    Question,
    finish,
    load_xquad,
    models_dir,
    scratch_install,
    shortfall,
    spread,
    table,
    threads,
)
from knowledge.adapters.embedding import load_embedder
from knowledge.adapters.provision import EMBEDDER_PRESETS
from knowledge.bootstrap import Services
from knowledge.domain.ports import Embedder
from knowledge.domain.search import SearchMode, plan_search

MODES: tuple[SearchMode, ...] = ("dense", "sparse", "hybrid")
DEPTH = 10
USER = 1
SAME_TARGET = 0.95
CROSS_TARGET = 0.85


@dataclass(frozen=True)
class Scenario:
    name: str
    memory: str  # a language, or "mixed"
    questions: str
    cross: bool


SCENARIOS = (
    *(Scenario(f"{lang}→{lang}", lang, lang, False) for lang in LANGUAGES),
    *(Scenario(f"{lang}→en", "en", lang, True) for lang in LANGUAGES[1:]),
    Scenario("en→mixed", "mixed", "en", True),
)


def ranks(positions: list[int | None]) -> dict[str, float]:
    """recall@1, recall@5 and MRR@10 from the 0-based rank of the gold paragraph (None: absent)."""
    count = max(1, len(positions))
    found = [p for p in positions if p is not None]
    return {
        "recall@1": sum(p < 1 for p in found) / count,
        "recall@5": sum(p < 5 for p in found) / count,
        "mrr@10": sum(1 / (p + 1) for p in found if p < DEPTH) / count,
    }


def memory_texts(memory: str, corpora: dict[str, Corpus]) -> list[str]:
    if memory != "mixed":
        return corpora[memory].paragraphs
    count = len(corpora["en"].paragraphs)
    return [corpora[LANGUAGES[i % len(LANGUAGES)]].paragraphs[i] for i in range(count)]


def evaluate(
    embedder: Embedder,
    corpora: dict[str, Corpus],
    questions: int | None,
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, float]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    ingest_seconds = query_seconds = 0.0
    ingested = asked = 0
    for memory in dict.fromkeys(s.memory for s in SCENARIOS):
        texts = memory_texts(memory, corpora)
        with scratch_install(embedder=embedder) as services:
            started = time.perf_counter()
            paragraph_of = {
                services.keeping.ingestor.add_note(USER, text).doc_id: number
                for number, text in enumerate(texts)
            }
            ingest_seconds += time.perf_counter() - started
            ingested += len(texts)
            for scenario in (s for s in SCENARIOS if s.memory == memory):
                asked_here = spread(corpora[scenario.questions].questions, questions)
                started = time.perf_counter()
                positions = search_all(services, asked_here, paragraph_of)
                query_seconds += time.perf_counter() - started
                asked += len(asked_here)
                results[scenario.name] = {mode: ranks(positions[mode]) for mode in MODES}
    speed = {
        "ingest_paragraphs_per_s": ingested / ingest_seconds,
        "queries_per_s": asked / query_seconds,
    }
    return results, speed


def search_all(
    services: Services, questions: list[Question], paragraph_of: dict[int, int]
) -> dict[str, list[int | None]]:
    """Each question embedded once, as the retriever does, then searched in every mode."""
    positions: dict[str, list[int | None]] = {mode: [] for mode in MODES}
    for question in questions:
        vectors = services.retriever.query_vectors(question.text)
        for mode in MODES:
            hits = services.store.search(plan_search(USER, vectors, limit=DEPTH * 2, mode=mode))
            order = list(dict.fromkeys(paragraph_of[hit.doc_id] for hit in hits))
            rank = order.index(question.paragraph) if question.paragraph in order else None
            positions[mode].append(rank)
    return positions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedders", default=",".join(EMBEDDER_PRESETS))
    parser.add_argument("--paragraphs", type=int, help="first N paragraphs (default: all 240)")
    parser.add_argument("--questions", type=int, help="N questions per scenario (default: all)")
    args = parser.parse_args()

    corpora = {lang: load_xquad(lang, args.paragraphs) for lang in LANGUAGES}
    figures: dict[str, object] = {}
    rows = []
    for name in args.embedders.split(","):
        embedder = load_embedder(name, models_dir(), threads())
        results, speed = evaluate(embedder, corpora, args.questions)
        figures[name] = {"scenarios": results, **speed, **summary(results)}
        for scenario, modes in results.items():
            for mode, scores in modes.items():
                rows.append((name, scenario, mode, *scores.values()))
    table("Retrieval on XQuAD", ("embedder", "scenario", "mode", "R@1", "R@5", "MRR@10"), rows)
    table(
        "Summary (hybrid unless noted)",
        ("embedder", "same R@5 min", "cross R@5 min", "cross R@5 min dense", "ingest/s", "q/s"),
        [
            (
                name,
                f["same_recall@5_min"],
                f["cross_recall@5_min"],
                f["cross_recall@5_min_dense"],
                f["ingest_paragraphs_per_s"],
                f["queries_per_s"],
            )
            for name, f in figures.items()
            if isinstance(f, dict)
        ],
    )
    best = max(figures, key=lambda n: quality(figures[n]))  # type: ignore[arg-type]
    chosen = figures[best]
    assert isinstance(chosen, dict)
    verdict = {
        "best": best,
        "same_language": shortfall(chosen["same_recall@5_min"], SAME_TARGET),
        "cross_language": shortfall(chosen["cross_recall@5_min"], CROSS_TARGET),
    }
    console_line = ", ".join(f"{k}: {v}" for k, v in verdict.items())
    print(f"targets (hybrid recall@5 ≥ {SAME_TARGET} same, ≥ {CROSS_TARGET} cross): {console_line}")
    finish(
        {
            "bench": "retrieval",
            "paragraphs": len(corpora["en"].paragraphs),
            "questions_per_scenario": args.questions or len(corpora["en"].questions),
            "embedders": figures,
            "verdict": verdict,
        }
    )


def summary(results: dict[str, dict[str, dict[str, float]]]) -> dict[str, float]:
    same = [s.name for s in SCENARIOS if not s.cross]
    cross = [s.name for s in SCENARIOS if s.cross]
    return {
        "same_recall@5_min": min(results[n]["hybrid"]["recall@5"] for n in same),
        "cross_recall@5_min": min(results[n]["hybrid"]["recall@5"] for n in cross),
        "cross_recall@5_min_dense": min(results[n]["dense"]["recall@5"] for n in cross),
        "mrr@10_mean": sum(results[n]["hybrid"]["mrr@10"] for n in results) / len(results),
    }


def quality(figures: object) -> tuple[float, float, float]:
    """Worst case first: users ask across languages, so the weakest scenario decides."""
    assert isinstance(figures, dict)
    worst = min(figures["same_recall@5_min"], figures["cross_recall@5_min"])
    return (worst, figures["cross_recall@5_min_dense"], figures["ingest_paragraphs_per_s"])


if __name__ == "__main__":
    main()
