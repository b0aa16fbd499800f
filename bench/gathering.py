"""Gathering answers on generated diaries (bench/diary_set.py), through mnemo's real path.

Each person's four weeks go in at their own times (notes, voice notes, captioned photos, a
boat handbook on a Wednesday); then, on the Monday after, every question is read by the
planner and answered by the gatherer, with the real embedder and stores. Reported per kind
and language: the planner's accuracy, item recall and precision of the gathered list,
counts and sums right, and the time to the reply, with 95% intervals.

    .venv/bin/python -m bench.gathering [--people en,ru,es,zh,mixed] [--cut 0.30]
        [--condense 20]   # and a question's wait while a 20-section document is condensed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import aclosing
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import time_machine
from PIL import Image

from bench.answers import notes_cases, notes_memory, wilson
from bench.common import ROOT, finish, load_xquad, scratch_install, shortfall, table
from bench.diary_set import NOW, START, ZONE, Item, diary, questions
from knowledge.bootstrap import Services
from knowledge.domain.model import Transcript
from knowledge.services.answers.evidence import EvidencePicker
from knowledge.services.answers.gathering import Gatherer
from knowledge.services.words.planning import GATHERING, Kind, plan

USER = 7
HELD_OUT = ROOT / "bench" / "sets" / "planner_heldout.json"
HANDBOOK = """# Boat handbook

## Before leaving the harbour
Check the fuel level and the bilge pump. Wear a life jacket at all times on deck.
Tell the harbour master your route and when you expect to return.

## Engine
Start the engine in neutral. Let it warm up for five minutes before leaving the berth.
Check that cooling water comes out of the exhaust.

## Anchoring
Choose a sandy bottom. Let out five times as much chain as the depth of the water.
"""


def ingest(services: Services, items: list[Item], folder: Path) -> dict[int, int]:
    """Every item at its own time; the document id of each item number."""
    services.digests.set_timezone(USER, str(ZONE))
    ids: dict[int, int] = {}
    handbook_day = START + timedelta(days=9)  # a Wednesday
    for item in items:
        with time_machine.travel(item.written, tick=False):
            if item.kind == "voice":
                path = folder / f"voice-{item.n}.ogg"
                path.write_bytes(random.randbytes(2048))
                transcript = Transcript(item.text, "en", 4.0)
                result = services.keeping.voice.add_voice(USER, path, transcript)
            elif item.kind == "photo":
                path = folder / f"photo-{item.n}.png"
                Image.new("RGB", (320, 240), (40 + item.n % 200, 90, 160)).save(path)
                result = services.keeping.ingestor.ingest_file(USER, path, caption=item.text)
            else:
                result = services.keeping.ingestor.add_note(
                    USER, item.text, created_at=item.written
                )
        ids[result.doc_id] = item.n
        if item.written.date() == handbook_day and -1 not in ids.values():
            path = folder / "boat-handbook.md"
            path.write_text(HANDBOOK, encoding="utf-8")
            with time_machine.travel(item.written, tick=False):
                ids[services.keeping.ingestor.ingest_file(USER, path).doc_id] = -1
    return ids


def gatherer_of(services: Services) -> Gatherer:
    """A gatherer over the install's engines, wired as the composition root wires the one
    its questions use (the bench moves its cut)."""
    engines = services.engines
    return Gatherer(
        storage=engines.storage,
        retriever=services.retriever,
        embedder=engines.embedder,
        terms=EvidencePicker(embedder=engines.embedder, sparse=engines.sparse).terms,
        zone_of=lambda user: services.digests.schedule(user).zone,
    )


def run_person(
    person: str, seed: int, cut: float | None, explain: bool = False
) -> list[dict[str, object]]:
    items = diary(person, seed)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp, scratch_install() as services:
        gatherer = gatherer_of(services)
        if cut is not None:
            gatherer._cut = cut
        ids = ingest(services, items, Path(tmp))
        for query in questions(items, person, seed):
            started = time.perf_counter()
            read = plan(query.text, ZONE, NOW)
            row: dict[str, object] = {
                "person": person,
                "kind": query.kind,
                "read_as": str(read.kind),
                "planned": str(read.kind) == query.kind,
            }
            if read.kind in GATHERING and query.kind in [str(k) for k in GATHERING]:
                gathered = gatherer.gather(USER, read)
                got = {ids.get(f.item.doc_id, -2) for f in gathered.found}
                if gathered.unmatched:  # the day's items under "nothing says exactly": no claim
                    row["unmatched"] = True  # that any is about the subject, so none is scored
                    got = set()
                row |= _scores(got, query.gold)
                if explain and got != query.gold:
                    _explain(query.text, got, query.gold, items)
                if query.count is not None:
                    row["count_right"] = gathered.count == query.count
                if query.total is not None:
                    total = sum(
                        (a.value for a in gathered.totals if a.currency == "EUR"), Decimal(0)
                    )
                    row["sum_right"] = abs(float(total) - query.total) < 0.01
            elif read.kind == Kind.SUMMARY:
                doc = services.summaries.find(USER, read.subject)
                row["document_found"] = doc is not None and ids.get(doc.id) == -1
            row["seconds"] = time.perf_counter() - started
            rows.append(row)
        items_kept = len(ids)
    print(f"{person}: {items_kept} items, {len(rows)} questions")
    return rows


def _explain(question: str, got: set[int], gold: set[int], items: list[Item]) -> None:
    """A question whose list is not the gold one: its missed and extra items."""
    print(f"== {question}")
    for number in sorted(got ^ gold):
        mark = "missed" if number in gold else "extra "
        text = items[number].text if number >= 0 else "(the boat handbook)"
        print(f"   {mark} {text}")


def _scores(got: set[int], gold: set[int]) -> dict[str, object]:
    if not gold:
        return {
            "recall": 1.0 if not got else 0.0,
            "precision": 1.0 if not got else 0.0,
            "empty": True,
        }
    hit = len(got & gold)
    return {"recall": hit / len(gold), "precision": hit / len(got) if got else 0.0, "empty": False}


def _mean_interval(values: list[float], rounds: int = 2000) -> tuple[float, float, float]:
    if not values:
        return 0.0, 0.0, 0.0
    rng = random.Random(0)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(rounds))
    return statistics.fmean(values), means[int(rounds * 0.025)], means[int(rounds * 0.975)]


def _share(rows: list[dict[str, object]], key: str) -> str:
    flags = [bool(row[key]) for row in rows if key in row]
    if not flags:
        return "-"
    low, high = wilson(sum(flags), len(flags))
    return f"{sum(flags) / len(flags):.2f} [{low:.2f}–{high:.2f}] n={len(flags)}"


def _mean(rows: list[dict[str, object]], key: str) -> str:
    values = [float(row[key]) for row in rows if key in row]  # type: ignore[arg-type]
    if not values:
        return "-"
    mean, low, high = _mean_interval(values)
    return f"{mean:.2f} [{low:.2f}–{high:.2f}]"


def report(rows: list[dict[str, object]]) -> dict[str, object]:
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        groups[(str(row["kind"]), str(row["person"]))].append(row)
    lines = []
    for (kind, person), group in sorted(groups.items()):
        seconds = sorted(float(row["seconds"]) for row in group)  # type: ignore[arg-type]
        lines.append(
            [
                kind,
                person,
                _share(group, "planned"),
                _mean(group, "recall"),
                _mean(group, "precision"),
                _share(group, "count_right"),
                _share(group, "sum_right"),
                _share(group, "document_found"),
                f"{statistics.median(seconds):.2f}/{seconds[int(len(seconds) * 0.95)]:.2f}",
            ]
        )
    table(
        "Gathering answers per kind and person (mean [95% interval])",
        [
            "kind",
            "person",
            "planner",
            "recall",
            "precision",
            "count right",
            "sum right",
            "document",
            "p50/p95 s",
        ],
        lines,
    )
    gather = [row for row in rows if row["kind"] in ("time", "subject") and "recall" in row]
    recall = statistics.fmean(float(r["recall"]) for r in gather)  # type: ignore[arg-type]
    precision = statistics.fmean(float(r["precision"]) for r in gather)  # type: ignore[arg-type]
    planner = statistics.fmean(1.0 if r["planned"] else 0.0 for r in rows)
    numbers = [
        bool(r.get("count_right", r.get("sum_right")))
        for r in rows
        if "count_right" in r or "sum_right" in r
    ]
    right = sum(numbers) / len(numbers) if numbers else 0.0
    wrong = defaultdict(int)
    for row in rows:
        if not row["planned"]:
            wrong[f"{row['kind']}→{row['read_as']}"] += 1
    table(
        "Targets",
        ["figure", "measured", "target", "result"],
        [
            ["planner right", planner, 0.95, shortfall(planner, 0.95)],
            ["item recall (time, subject)", recall, 0.90, shortfall(recall, 0.90)],
            ["item precision (time, subject)", precision, 0.80, shortfall(precision, 0.80)],
            ["counts and sums right", right, 0.90, shortfall(right, 0.90)],
        ],
    )
    print("planner misreadings:", dict(wrong))
    unmatched = [row for row in rows if row.get("unmatched")]
    print(
        f"a day's items shown as nothing matched: {len(unmatched)} questions "
        f"({sum(1 for row in unmatched if row.get('empty'))} with no gold item)"
    )
    return {
        "planner": planner,
        "recall": recall,
        "precision": precision,
        "numbers": right,
        "misread": dict(wrong),
    }


def held_out_planner() -> dict[str, object]:
    """The planner on questions written apart from the rules (bench/sets/planner_heldout.json)."""
    data = json.loads(HELD_OUT.read_text(encoding="utf-8"))["questions"]
    by_lang: dict[str, list[bool]] = defaultdict(list)
    wrong = []
    for case in data:
        read = plan(case["text"], ZONE, NOW)
        by_lang[case["lang"]].append(str(read.kind) == case["kind"])
        if str(read.kind) != case["kind"]:
            wrong.append(f"{case['text']} ({case['kind']}→{read.kind})")
    rows = []
    for lang, flags in sorted(by_lang.items()):
        low, high = wilson(sum(flags), len(flags))
        rows.append([lang, f"{sum(flags) / len(flags):.2f} [{low:.2f}–{high:.2f}] n={len(flags)}"])
    table("Planner on held-out questions", ["lang", "right"], rows)
    print("held-out misreadings:", wrong)
    flags = [flag for group in by_lang.values() for flag in group]
    return {"held_out_planner": sum(flags) / len(flags), "held_out_wrong": wrong}


async def condensing_wait(sections: int, seconds: float = 120) -> dict[str, object]:
    """What a document's background condensing costs a question: the personal notes of
    bench/answers.py are asked (each reaching the model) while a document of `sections`
    sections is condensed at BACKGROUND priority; each question's time to its first token
    against the same question with the model idle."""
    notes, cases = notes_cases()
    asked = [case.question for kind, case in cases if kind == "same"]
    corpus = load_xquad("en", paragraphs=sections)
    book = "\n\n".join(f"## Part {n + 1}\n{text}" for n, text in enumerate(corpus.paragraphs))
    with tempfile.TemporaryDirectory() as tmp, scratch_install(temperature=0.0) as services:
        notes_memory(services, notes)
        path = Path(tmp) / "book.md"
        path.write_text(f"# Book\n\n{book}", encoding="utf-8")
        doc = services.keeping.ingestor.ingest_file(USER, path)
        await services.answerer.prime()
        idle = {question: await _first_token(services, question) for question in asked}
        spans: list[float] = []
        original = services.summaries._summarizer.summarise

        async def timed(text: str) -> str:
            started = time.perf_counter()
            line = await original(text)
            spans.append(time.perf_counter() - started)
            return line

        services.summaries._summarizer.summarise = timed  # type: ignore[method-assign]
        work = asyncio.create_task(services.summaries.condense_later(USER, doc.doc_id))
        extra: list[float] = []
        busy: list[float] = []
        deadline = time.monotonic() + seconds
        while not work.done() and time.monotonic() < deadline:
            for question in asked:
                took = await _first_token(services, question)
                busy.append(took)
                extra.append(took - idle[question])
                if work.done():
                    break
        work.cancel()
    table(
        "A question while a document is condensed (seconds)",
        ["figure", "value"],
        [
            ["sections condensed (model calls)", len(spans)],
            ["one section: p50 / max", f"{statistics.median(spans):.2f} / {max(spans):.2f}"],
            ["first token, model idle: p50", f"{statistics.median(idle.values()):.2f}"],
            [
                "first token while condensing: p50 / p95 / max (n)",
                f"{statistics.median(busy):.2f} / {sorted(busy)[int(len(busy) * 0.95)]:.2f} / "
                f"{max(busy):.2f} ({len(busy)})",
            ],
            ["longest extra wait", f"{max(extra):.2f}"],
        ],
    )
    return {
        "section_seconds_max": max(spans),
        "extra_wait_max": max(extra),
        "first_token_idle_p50": statistics.median(idle.values()),
        "first_token_busy_p50": statistics.median(busy),
    }


async def _first_token(services: Services, question: str) -> float:
    started = time.perf_counter()
    async with aclosing(services.asking.ask(USER, question)) as events:
        async for _ in events:
            return time.perf_counter() - started
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="en,ru,es,zh,mixed")
    parser.add_argument("--cut", type=float, default=None, help="relevance cut to try")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--explain", action="store_true", help="list each miss and extra")
    parser.add_argument(
        "--condense",
        type=int,
        default=0,
        metavar="SECTIONS",
        help="also measure a question's wait while a document of that many "
        "sections is condensed (the real chat model)",
    )
    args = parser.parse_args()
    figures = held_out_planner()
    rows: list[dict[str, object]] = []
    for number, person in enumerate(args.people.split(",")):
        rows.extend(run_person(person, args.seed + number, args.cut, args.explain))
    figures |= report(rows)
    if args.condense:
        figures |= asyncio.run(condensing_wait(args.condense))
    finish({"bench": "gathering", **figures})


if __name__ == "__main__":
    main()
