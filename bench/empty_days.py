"""No empty day, measured: a day or part of a day asked about whose items are about other
things shows them (headed honestly), a time that holds none is refused; and notes of what
was done are offered no reminder while notes of what is ahead are.

    .venv/bin/python -m bench.empty_days [--parts days,offers] [--no-model]

`days`: bench/sets/day_questions.json, per language a week of short notes written at their
own local times, then 20 questions (10+ whose day holds items, none about what is asked;
10 whose time holds none), each through mnemo's whole path (`AskService.ask`: the planner,
the gatherer, or the answering path with the real chat model; `--no-model`: a model that
always says it does not know, the worst case for the answering path). A reply shows items
(a gathered list, or a found answer), or refuses. Reported per language with Wilson 95%
intervals: shown when the time holds items (and whether every item shown is of that time),
refused when it holds none.

`offers`: bench/sets/offer_notes.tsv (22 done-notes and 22 ahead-notes per language, seen
while the rules were written) and offer_notes_heldout.tsv (10 and 10, written after),
notes written on Monday 2026-11-30 at their own times, kept and offered a reminder as the
door does (`Reminders.offer_for`): done-notes offered nothing, ahead-notes offered one,
and the precision of the offers made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from bench.answers import wilson
from bench.common import LANGUAGES, finish, scratch_install, table
from knowledge.bootstrap import Services
from knowledge.domain.model import GenerationParams
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.gathering import Gathered

SETS = Path(__file__).parent / "sets"
DAYS = SETS / "day_questions.json"
OFFERS = {"dev": SETS / "offer_notes.tsv", "held-out": SETS / "offer_notes_heldout.tsv"}
USER = 9
ZONE = "Europe/Madrid"
PARTS = {"morning": (5, 12), "afternoon": (12, 18), "evening": (18, 24)}
WRITTEN_ON = date(2026, 11, 30)  # the offer notes' Monday


class Refuses:
    """A `Generator` that always says it does not know (`--no-model`)."""

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        yield "I don't know."

    def prime(self, messages: list[dict[str, str]]) -> None:
        return None

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def problem(self) -> str | None:
        return None


def _share(flags: list[bool]) -> str:
    if not flags:
        return "-"
    low, high = wilson(sum(flags), len(flags))
    return f"{sum(flags) / len(flags):.2f} [{low:.2f}–{high:.2f}] n={len(flags)}"


def _moment(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), ZoneInfo(ZONE))


async def _reply(services: Services, question: str) -> Answer | Gathered | None:
    final = None
    async for event in services.asking.ask(USER, question):
        if isinstance(event, Answer | Gathered):
            final = event
    return final


def run_days(no_model: bool) -> tuple[list[dict[str, object]], dict[str, object]]:
    data = json.loads(DAYS.read_text(encoding="utf-8"))
    asked = datetime.fromisoformat(data["asked"])
    rows: list[dict[str, object]] = []
    for language in LANGUAGES:
        case = data["languages"][language]
        generator = Refuses() if no_model else None
        with scratch_install(generator=generator) as services:
            services.digests.set_timezone(USER, ZONE)
            written: dict[int, tuple[str, int]] = {}
            for day, clock, text in case["notes"]:
                at = _moment(day, clock)
                with time_machine.travel(at, tick=False):
                    kept = services.keeping.ingestor.add_note(
                        USER, text, created_at=at.astimezone(UTC)
                    )
                written[kept.doc_id] = (day, at.hour)
            for question in case["questions"]:
                with time_machine.travel(asked, tick=False):
                    reply = asyncio.run(_reply(services, question["text"]))
                rows.append(_scored(language, question, reply, written))
    return rows, _report_days(rows)


def _scored(
    language: str,
    question: dict[str, object],
    reply: Answer | Gathered | None,
    written: dict[int, tuple[str, int]],
) -> dict[str, object]:
    hours = PARTS.get(str(question["part"]), (0, 24))
    gold = {
        doc
        for doc, (day, hour) in written.items()
        if day == question["day"] and hours[0] <= hour < hours[1]
    }
    if isinstance(reply, Gathered):
        shown = {found.item.doc_id for found in reply.found}
        shows = bool(shown)
        how = "list, said unmatched" if reply.unmatched else ("list" if shown else "refused")
    elif isinstance(reply, Answer):
        shown = {quote.hit.doc_id for quote in reply.quotes} if reply.found else set()
        shows = reply.found
        how = "answered" if reply.found else "refused"
    else:
        shown, shows, how = set(), False, "nothing"
    return {
        "language": language,
        "text": question["text"],
        "expect": question["expect"],
        "shows": shows,
        "how": how,
        "of_that_time": shows and shown <= gold,
        "all_of_it": shows and shown == gold,
    }


def _report_days(rows: list[dict[str, object]]) -> dict[str, object]:
    lines = []
    figures: dict[str, object] = {}
    for language in [*LANGUAGES, "all"]:
        mine = [r for r in rows if language in ("all", r["language"])]
        held = [r for r in mine if r["expect"] == "items"]
        empty = [r for r in mine if r["expect"] == "refuse"]
        shown = [bool(r["shows"]) for r in held]
        refused = [not r["shows"] for r in empty]
        lines.append(
            [
                language,
                _share(shown),
                _share([bool(r["of_that_time"]) for r in held if r["shows"]]),
                _share([bool(r["all_of_it"]) for r in held if r["shows"]]),
                _share(refused),
            ]
        )
        figures[f"days_{language}_shown"] = sum(shown) / len(shown) if shown else None
        figures[f"days_{language}_refused"] = sum(refused) / len(refused) if refused else None
    table(
        "Asked about a time: its items shown, or refused (share [Wilson 95%] n)",
        [
            "lang",
            "time holds items: shown",
            "of that time only",
            "all of that time",
            "time holds none: refused",
        ],
        lines,
    )
    ways: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        ways[f"{row['language']} {row['expect']}"][str(row["how"])] += 1
    table(
        "How each reply came",
        ["lang, time", "replies"],
        [
            [key, ", ".join(f"{how}: {n}" for how, n in sorted(count.items()))]
            for key, count in ways.items()
        ],
    )
    wrong = [
        f"{r['language']}: {r['text']} ({r['how']})"
        for r in rows
        if bool(r["shows"]) != (r["expect"] == "items")
    ]
    print("wrong:", wrong)
    figures["days_wrong"] = wrong
    return figures


def run_offers(name: str) -> dict[str, object]:
    rows = []
    for line in OFFERS[name].read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, kind, clock, text = line.split("\t")
            rows.append((language, kind, clock, text))
    results: list[tuple[str, str, str, bool]] = []
    with scratch_install() as services:
        services.digests.set_timezone(USER, ZONE)
        for language, kind, clock, text in rows:
            at = _moment(WRITTEN_ON.isoformat(), clock)
            with time_machine.travel(at, tick=False):
                kept = services.keeping.ingestor.add_note(USER, text, created_at=at.astimezone(UTC))
                offer = services.reminders.offer_for(USER, kept.doc_id, text)
            results.append((language, kind, text, offer is not None))
    lines = []
    figures: dict[str, object] = {}
    for language in [*LANGUAGES, "all"]:
        mine = [r for r in results if language in ("all", r[0])]
        done = [not offered for _, kind, _, offered in mine if kind == "done"]
        ahead = [offered for _, kind, _, offered in mine if kind == "ahead"]
        offers = [kind == "ahead" for _, kind, _, offered in mine if offered]
        lines.append([language, _share(done), _share(ahead), _share(offers)])
        key = "offers" if name == "dev" else "offers_held_out"
        figures[f"{key}_{language}_done_none"] = sum(done) / len(done)
        figures[f"{key}_{language}_ahead_offered"] = sum(ahead) / len(ahead)
        figures[f"{key}_{language}_precision"] = sum(offers) / len(offers) if offers else None
    table(
        f"Reminder offers for kept notes, {name} set (share [Wilson 95%] n)",
        ["lang", "done-notes: none offered", "ahead-notes: offered", "offers for ahead-notes"],
        lines,
    )
    wrong = [
        f"{language} {kind}: {text}"
        for language, kind, text, offered in results
        if offered != (kind == "ahead")
    ]
    print(f"offers wrong ({name}):", wrong)
    figures[f"offers_wrong_{name}"] = wrong
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", default="days,offers")
    parser.add_argument("--no-model", action="store_true", help="a model that never knows")
    args = parser.parse_args()
    parts = args.parts.split(",")
    figures: dict[str, object] = {"model": "refuses" if args.no_model else "real"}
    if "offers" in parts:
        figures |= run_offers("dev") | run_offers("held-out")
    if "days" in parts:
        figures |= run_days(args.no_model)[1]
    finish({"bench": "empty_days", **figures})


if __name__ == "__main__":
    main()
