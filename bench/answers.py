"""Answers through mnemo's real ask path: evidence, the threshold, the model, the check.

Sets (greedy decoding, so runs repeat):
- XQuAD per language: one user's memory holds the paragraphs but the held-out ones; N
  answerable questions (spread over the set) and N // 2 whose paragraph is held out, where
  the honest reply is "not in your memory" (same-topic paragraphs stay, as distractors).
- Cross-language: ru/es/zh questions over the English memory.
- Personal notes (bench/sets/personal_notes.json): short notes as people send them, in four
  languages, asked about in the same and other languages, unanswerable ones, and questions
  about a day ("what did I eat yesterday?"), with the notes dated that many days back.

Per set and language: the answer holds a gold span; the quoted lines (what the user sees
under the reply) hold it; honest refusals; answers in another language than the question;
the prompt tokens a question adds beyond the cached preamble; time to first token, and its
ratio to raw llama-cpp-python evaluating the same prompt after the same preamble. 95%
Wilson intervals. `--scores` prints the evidence scores the threshold is calibrated on.

    .venv/bin/python -m bench.answers [--llms qwen2.5-0.5b] [--questions 40] [--cross 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import statistics
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    LANGUAGES,
    Corpus,
    Question,
    finish,
    load_xquad,
    models_dir,
    scratch_install,
    spread,
    table,
    threads,
)
from knowledge.adapters.llama import resolve_llm_path
from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from knowledge.services.words.language import guess_language, written_in

USER = 1
NOTES = Path(__file__).parent / "sets" / "personal_notes.json"


def normalise(text: str) -> str:
    """SQuAD-style: lower case, no punctuation or articles, one space."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def contains_gold(answer: str, golds: Sequence[str], language: str) -> bool:
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


@dataclass(frozen=True)
class Case:
    question: str
    language: str
    golds: tuple[str, ...]  # empty: memory does not hold the answer
    memory_language: str
    memory_golds: tuple[str, ...] = ()  # the same answer as memory words it (XQuAD is parallel)

    @property
    def every_gold(self) -> tuple[str, ...]:
        return self.golds + self.memory_golds


@dataclass
class Outcome:
    case: Case
    answer: Answer
    first_token: float | None  # seconds to the model's first piece; None: no model call
    evidence_score: float
    evidence_dense: float
    same_language: bool  # the best evidence is in the question's language
    messages: list[dict[str, str]] | None = None


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    def figures(self) -> dict[str, object]:
        answerable = [o for o in self.outcomes if o.case.golds]
        absent = [o for o in self.outcomes if not o.case.golds]
        right = sum(_answer_right(o) for o in answerable)
        quoted = sum(_quote_right(o) for o in answerable)
        honest = sum(not o.answer.found for o in absent)
        refused = sum(not o.answer.found for o in answerable)
        answered = [o for o in self.outcomes if o.answer.found]
        wrong_language = sum(not written_in(o.answer.text, o.case.language) for o in answered)
        tokens = [o.answer.prompt_tokens for o in self.outcomes if o.first_token is not None]
        firsts = [o.first_token for o in self.outcomes if o.first_token is not None]
        return {
            "answerable": len(answerable),
            "answer_has_gold": _rate(right, len(answerable)),
            "quote_has_gold": _rate(quoted, len(answerable)),
            "refused_answerable": _rate(refused, len(answerable)),
            "unanswerable": len(absent),
            "honest_refusals": _rate(honest, len(absent)),
            "answers_shown": len(answered),
            "wrong_language": _rate(wrong_language, len(answered)),
            "model_calls": len(firsts),
            "new_prompt_tokens_p50": statistics.median(tokens) if tokens else None,
            "new_prompt_tokens_max": max(tokens) if tokens else None,
            "first_token_p50": _percentile(firsts, 50),
            "first_token_p95": _percentile(firsts, 95),
        }


def _answer_right(outcome: Outcome) -> bool:
    """Found, and the answer holds the gold span in the question's words or in memory's
    (a Russian answer over English memory may keep an English name or number)."""
    case = outcome.case
    return outcome.answer.found and contains_gold(
        outcome.answer.text, case.every_gold, case.language
    )


def _quote_right(outcome: Outcome) -> bool:
    """The quoted lines hold the gold span (as memory words it)."""
    case = outcome.case
    golds = case.memory_golds or case.golds
    return any(contains_gold(q.text, golds, case.memory_language) for q in outcome.answer.quotes)


def _rate(successes: int, total: int) -> dict[str, object] | None:
    if not total:
        return None
    low, high = wilson(successes, total)
    return {"rate": successes / total, "ci95": [low, high], "n": total}


def _percentile(values: Sequence[float], pct: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)]


async def ask(services: Services, question: str) -> tuple[Answer, float | None]:
    started = time.perf_counter()
    first: float | None = None
    final: Answer | None = None
    async for piece in services.answerer.ask(USER, question):
        if isinstance(piece, Answer):
            final = piece
        elif first is None:
            first = time.perf_counter() - started
    assert final is not None
    if not final.found and final.model_text is None:
        first = None  # decided from the evidence alone; the text was not the model's
    return final, first


def run_cases(services: Services, cases: Sequence[Case], *, record: bool = False) -> Tally:
    tally = Tally()
    for case in cases:
        findings = services.answerer.find(USER, case.question)
        answer, first = asyncio.run(ask(services, case.question))
        messages = None
        if record and first is not None:
            messages = asyncio.run(services.answerer.prompt_for(findings, []))[0].messages
        top = findings.evidence[0] if findings.evidence else None
        tally.outcomes.append(
            Outcome(
                case,
                answer,
                first,
                findings.best,
                top.dense if top else 0.0,
                top is not None and top.lang == case.language,
                messages,
            )
        )
    return tally


# Sets --------------------------------------------------------------------------------------


def split(corpus: Corpus, count: int) -> tuple[list[Question], list[Question], set[int]]:
    """`count` answerable questions and count // 2 whose paragraphs are held out of memory."""
    held_out = spread(corpus.questions[1::2], max(1, count // 2))
    absent = {q.paragraph for q in held_out}
    answerable = [q for q in corpus.questions[0::2] if q.paragraph not in absent]
    return spread(answerable, count), held_out, absent


def xquad_cases(
    corpus: Corpus,
    questions: Sequence[Question],
    held_out: Sequence[Question],
    memory: Corpus | None = None,
) -> list[Case]:
    """Cases of `corpus`'s questions over `memory` (default: the same language)."""
    memory = memory or corpus
    in_memory = {q.id: q.answers for q in memory.questions}
    answerable = [
        Case(
            q.text,
            corpus.language,
            q.answers,
            memory.language,
            in_memory.get(q.id, ()) if memory is not corpus else (),
        )
        for q in questions
    ]
    return answerable + [Case(q.text, corpus.language, (), memory.language) for q in held_out]


@contextmanager
def xquad_memory(
    llm: str, corpus: Corpus, absent: set[int], **overrides: object
) -> Iterator[Services]:
    with scratch_install(llm=llm, temperature=0.0, **overrides) as services:
        for number, text in enumerate(corpus.paragraphs):
            if number not in absent:
                services.keeping.ingestor.add_note(USER, text)
        asyncio.run(services.answerer.prime())
        yield services


def notes_cases() -> tuple[list[dict[str, object]], list[tuple[str, Case]]]:
    data = json.loads(NOTES.read_text(encoding="utf-8"))
    by_id = {note["id"]: note for note in data["notes"]}
    cases = []
    for q in data["questions"]:
        note = by_id.get(q["note"]) if q["note"] else None
        kind = "time" if q.get("time") else "cross" if q.get("cross") else "same"
        kind = "unanswerable" if not q["gold"] else kind
        memory = guess_language(str(note["text"])) if note else q["lang"]
        cases.append((kind, Case(q["q"], q["lang"], tuple(q["gold"]), memory)))
    return data["notes"], cases


def notes_memory(services: Services, notes: Sequence[dict[str, object]]) -> None:
    """The notes, each dated its `days_ago` back (rows and vectors), as if sent then."""
    now = datetime.now(UTC)
    for note in notes:
        moment = now - timedelta(days=int(str(note["days_ago"])))
        services.keeping.ingestor.add_note(USER, str(note["text"]), created_at=moment)


# Raw llama.cpp, for the time-to-first-token ratio --------------------------------------------


def raw_first_tokens(llm: str, prompts: Sequence[list[dict[str, str]]], n_ctx: int) -> list[float]:
    """llama-cpp-python alone: the preamble evaluated once, then each prompt to its first
    token (the same prompts mnemo sent, so the same new tokens are evaluated)."""
    from llama_cpp import Llama

    from knowledge.services.answers.prompting import preamble

    model = Llama(
        model_path=str(resolve_llm_path(llm, models_dir())),
        n_ctx=n_ctx,
        n_threads=threads(),
        n_threads_batch=threads(),
        verbose=False,
    )
    model.create_chat_completion(
        messages=[*preamble(), {"role": "user", "content": "a"}], max_tokens=1
    )
    seconds = []
    for messages in prompts:
        started = time.perf_counter()
        for _ in model.create_chat_completion(
            messages=messages, max_tokens=1, stream=True, temperature=0
        ):
            break
        seconds.append(time.perf_counter() - started)
    return seconds


# Runs --------------------------------------------------------------------------------------


def run(args: argparse.Namespace, llm: str) -> dict[str, object]:
    results: dict[str, object] = {}
    rows: list[tuple[object, ...]] = []
    scores: list[tuple[str, str, bool, float, float, bool]] = []
    prompts: list[list[dict[str, str]]] = []
    dump: list[dict[str, object]] = []
    n_ctx = 4096

    def report(name: str, language: str, tally: Tally) -> None:
        figures = tally.figures()
        dump.extend(
            {
                "set": name,
                "lang": language,
                "question": o.case.question,
                "golds": o.case.every_gold,
                "found": o.answer.found,
                "answer": o.answer.text,
                "model": o.answer.model_text,
                "quotes": [q.text for q in o.answer.quotes],
                "score": o.evidence_score,
                "answer_right": bool(o.case.golds) and _answer_right(o),
                "quote_right": bool(o.case.golds) and _quote_right(o),
            }
            for o in tally.outcomes
        )
        results[f"{name}/{language}"] = figures
        rows.append((llm, name, language, *_cells(figures)))
        for o in tally.outcomes:
            scores.append(
                (
                    name,
                    language,
                    bool(o.case.golds),
                    o.evidence_score,
                    o.evidence_dense,
                    o.same_language,
                )
            )
            if o.messages is not None and len(prompts) < args.raw_prompts:
                prompts.append(o.messages)

    english = load_xquad("en", args.paragraphs)
    for language in args.languages.split(","):
        corpus = load_xquad(language, args.paragraphs)
        questions, held_out, absent = split(corpus, args.questions)
        with xquad_memory(llm, corpus, absent) as services:
            cases = xquad_cases(corpus, questions, held_out)
            report("xquad", language, run_cases(services, cases, record=True))
        if language != "en" and args.cross:
            cross_q, cross_held, cross_absent = split(corpus, args.cross)
            with xquad_memory(llm, english, cross_absent) as services:
                cases = xquad_cases(corpus, cross_q, cross_held, english)
                report("xquad-cross", f"{language}→en", run_cases(services, cases, record=True))

    notes, cases = notes_cases()
    with scratch_install(llm=llm, temperature=0.0) as services:
        notes_memory(services, notes)
        asyncio.run(services.answerer.prime())
        for kind in ("same", "cross", "unanswerable", "time"):
            chosen = [case for k, case in cases if k == kind]
            report("notes", kind, run_cases(services, chosen, record=True))
        n_ctx = services.settings.n_ctx
        cold = cold_start(services)
    results["cold_start"] = cold

    raw = raw_first_tokens(llm, prompts, n_ctx) if prompts else []
    mnemo_firsts = [
        value["first_token_p50"]
        for value in results.values()
        if isinstance(value, dict) and value.get("first_token_p50") is not None
    ]
    results["raw_first_token_p50"] = statistics.median(raw) if raw else None
    results["raw_first_token_p95"] = _percentile(raw, 95)
    table(
        f"Answers with {llm} (95% Wilson intervals; first token in seconds)",
        (
            "llm",
            "set",
            "lang",
            "answer has gold",
            "quote has gold",
            "honest refusals",
            "refused answerable",
            "wrong language",
            "new tokens p50/max",
            "1st token p50/p95",
        ),
        rows,
    )
    if raw:
        print(
            f"raw llama-cpp-python, same {len(raw)} prompts after the same preamble: first token "
            f"p50 {statistics.median(raw):.2f} s, p95 {_percentile(raw, 95):.2f} s; "
            f"mnemo p50 over sets {statistics.median(mnemo_firsts):.2f} s"
        )
    print(
        f"first question after a start: {cold['kept_state']:.2f} s with the kept preamble state, "
        f"{cold['no_state']:.2f} s without"
    )
    if args.scores:
        print_scores(scores)
    results["scores"] = [list(row) for row in scores]
    if args.dump:
        Path(args.dump).write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def cold_start(services: Services) -> dict[str, float]:
    """Time to first token of a question in a fresh start: with the preamble's state kept on
    disk by the run before, and with it deleted."""
    from knowledge.bootstrap import bootstrap

    settings = services.settings
    question = "What is the wifi password at the cabin?"
    figures = {}
    services.worker.close()
    for name, keep in (("kept_state", True), ("no_state", False)):
        if not keep:
            for path in (settings.cache_dir / "llm").glob("*.state"):
                path.unlink()
        fresh = bootstrap(settings, embedder=services.embedder, store=services.store)
        try:
            fresh.start()
            started = time.perf_counter()

            async def first_piece(svc: Services = fresh) -> None:
                async with aclosing(svc.answerer.ask(USER, question)) as pieces:
                    async for _ in pieces:
                        return

            asyncio.run(fresh.answerer.prime())
            asyncio.run(first_piece())
            figures[name] = time.perf_counter() - started
        finally:
            fresh.worker.close()
    return figures


def print_scores(scores: Sequence[tuple[str, str, bool, float, float, bool]]) -> None:
    """How many answerable and unanswerable questions each threshold would refuse, for
    evidence in the question's language and in another."""
    for same in (True, False):
        answerable = [row[3] for row in scores if row[2] and row[5] == same]
        absent = [row[3] for row in scores if not row[2] and row[5] == same]
        print(
            f"threshold ({'same' if same else 'other'} language evidence; "
            f"{len(answerable)} answerable, {len(absent)} not): answerable refused / "
            "unanswerable refused"
        )
        for step in range(20, 80, 2):
            threshold = step / 100
            lost = sum(s < threshold for s in answerable) / max(1, len(answerable))
            kept = sum(s < threshold for s in absent) / max(1, len(absent))
            print(f"  {threshold:.2f}: {lost:.3f} / {kept:.3f}")


def _cells(figures: dict[str, object]) -> tuple[str, ...]:
    def rate(key: str) -> str:
        value = figures.get(key)
        if not isinstance(value, dict):
            return "–"
        low, high = value["ci95"]
        return f"{value['rate']:.2f} [{low:.2f}–{high:.2f}] n={value['n']}"

    def pair(a: str, b: str, fmt: str) -> str:
        x, y = figures.get(a), figures.get(b)
        if x is None:
            return "–"
        return f"{x:{fmt}} / {y:{fmt}}"

    return (
        rate("answer_has_gold"),
        rate("quote_has_gold"),
        rate("honest_refusals"),
        rate("refused_answerable"),
        rate("wrong_language"),
        pair("new_prompt_tokens_p50", "new_prompt_tokens_max", ".0f"),
        pair("first_token_p50", "first_token_p95", ".2f"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llms", default="qwen2.5-0.5b")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--questions", type=int, default=40, help="answerable per language")
    parser.add_argument("--cross", type=int, default=20, help="answerable per cross pair (0: none)")
    parser.add_argument("--paragraphs", type=int, help="first N paragraphs (default: all 240)")
    parser.add_argument("--raw-prompts", type=int, default=30, help="prompts timed raw")
    parser.add_argument("--scores", action="store_true", help="print the threshold table")
    parser.add_argument("--dump", help="write every question and reply to this JSON file")
    args = parser.parse_args()
    figures = {llm: run(args, llm) for llm in args.llms.split(",")}
    finish({"bench": "answers", "questions_per_language": args.questions, "llms": figures})


if __name__ == "__main__":
    main()
