"""Values that change, through mnemo's real ask path (the planner, evidence, the model, the
check), on bench/sets/changing_facts.json: per language, 40 things noted once and changed
weeks later (passwords, lockers, addresses, people's numbers, plans moved), all of a
language in one person's memory at their own dates. Each is asked now ("What's the home
Wi-Fi password?") and before ("What was the old one?").

Reported per language, with 95% Wilson intervals: the current value right with the stale one
absent from the answer (target ≥ 0.95), the earlier value right (≥ 0.85), and how often the
stale value was given as current.

    .venv/bin/python -m bench.changes [--languages en,ru,es,zh] [--limit 40] [--dump FILE]
        [--max-tokens 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.answers import wilson
from bench.common import LANGUAGES, finish, scratch_install, shortfall, table
from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer

SET = Path(__file__).parent / "sets" / "changing_facts.json"
CURRENT_TARGET = 0.95
PAST_TARGET = 0.85
# What the answer adds about when (since/until a day): a note's date, not a value.
_MOMENT = re.compile(r"\s*[(（](?:since|until|с|до|desde el|hasta el|自|到)[^)）]*[)）]")
_KEEP = re.compile(r"[\W_]+")


@dataclass
class Outcome:
    id: str
    kind: str  # current | past
    question: str
    reply: str
    right: bool
    stale: bool = False
    seconds: float = 0.0
    model: str | None = None  # what the model wrote, when it ran (None: decided before it)


def normal(text: str) -> str:
    """Lower case, letters and digits only: "7-2-9-4" and "7294" are the same value."""
    return _KEEP.sub("", text.lower()).replace("ё", "е")


def holds(text: str, values: Sequence[str]) -> bool:
    plain = normal(text)
    return any(normal(value) in plain for value in values)


async def reply_to(services: Services, user: int, question: str) -> tuple[str, bool, str | None]:
    """What the person is shown, whether it is a fact's answer found in memory, and what
    the model wrote (None when it did not run)."""
    final: Any = None
    async for event in services.asking.ask(user, question):
        if not isinstance(event, str):
            final = event
    if isinstance(final, Answer):
        return final.text, final.found, final.model_text
    plain = getattr(final, "plain", None)
    return (plain(20) if callable(plain) else str(final)), False, None


def remember(services: Services, user: int, facts: Sequence[dict[str, Any]], now: datetime) -> None:
    for fact in facts:
        for key in ("old", "new"):
            note = fact[key]
            hour, minute = (int(part) for part in note["at"].split(":"))
            day = (now - timedelta(days=int(note["days_ago"]))).replace(
                hour=hour, minute=minute, second=0, microsecond=0
            )
            services.keeping.ingestor.add_note(user, note["text"], created_at=day)


def run_language(services: Services, user: int, facts: Sequence[dict[str, Any]]) -> list[Outcome]:
    outcomes = []
    for fact in facts:
        current, past = fact["current"], fact["past"]
        started = time.perf_counter()
        text, found, model = asyncio.run(reply_to(services, user, current["question"]))
        seconds = time.perf_counter() - started
        value = _MOMENT.sub("", text)
        stale = found and holds(value, current["stale"])
        right = found and holds(value, current["gold"]) and not stale
        outcomes.append(
            Outcome(fact["id"], "current", current["question"], text, right, stale, seconds, model)
        )
        started = time.perf_counter()
        text, found, model = asyncio.run(reply_to(services, user, past["question"]))
        seconds = time.perf_counter() - started
        right = found and holds(_MOMENT.sub("", text), past["gold"])
        outcomes.append(
            Outcome(fact["id"], "past", past["question"], text, right, False, seconds, model)
        )
        print(f"  {fact['id']}: {outcomes[-2].right} {right}", file=sys.stderr, flush=True)
    return outcomes


def share(outcomes: Sequence[Outcome], kind: str) -> dict[str, Any]:
    chosen = [o for o in outcomes if o.kind == kind]
    right = sum(o.right for o in chosen)
    low, high = wilson(right, len(chosen))
    return {
        "n": len(chosen),
        "right": right,
        "rate": right / len(chosen) if chosen else 0.0,
        "ci": [round(low, 3), round(high, 3)],
        "stale": sum(o.stale for o in chosen),
        "seconds": round(sum(o.seconds for o in chosen) / max(len(chosen), 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", default="qwen2.5-0.5b")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--limit", type=int, default=40, help="facts per language")
    parser.add_argument("--max-tokens", type=int, default=60, help="per answer")
    parser.add_argument("--dump", help="write every question and reply to this JSON file")
    args = parser.parse_args()
    facts = json.loads(SET.read_text(encoding="utf-8"))
    languages = [code for code in args.languages.split(",") if code]
    figures: dict[str, Any] = {}
    every: list[Outcome] = []
    now = datetime.now(UTC)
    # One sentence is asked for: 60 tokens hold it (as the e2e tests give the bot).
    with scratch_install(llm=args.llm, temperature=0.0, max_tokens=args.max_tokens) as services:
        for number, language in enumerate(languages):
            remember(services, 100 + number, facts[language][: args.limit], now)
        asyncio.run(services.answerer.prime())
        for number, language in enumerate(languages):
            outcomes = run_language(services, 100 + number, facts[language][: args.limit])
            every += outcomes
            figures[language] = {
                "current": share(outcomes, "current"),
                "past": share(outcomes, "past"),
            }
    rows = []
    for language, measured in figures.items():
        current, past = measured["current"], measured["past"]
        rows.append(
            [
                language,
                f"{current['right']}/{current['n']} = {current['rate']:.2f} "
                f"[{current['ci'][0]:.2f}, {current['ci'][1]:.2f}]",
                current["stale"],
                shortfall(current["rate"], CURRENT_TARGET),
                f"{past['right']}/{past['n']} = {past['rate']:.2f} "
                f"[{past['ci'][0]:.2f}, {past['ci'][1]:.2f}]",
                shortfall(past["rate"], PAST_TARGET),
                f"{current['seconds']:.1f} / {past['seconds']:.1f}",
            ]
        )
    table(
        f"Changing facts ({args.llm}, greedy)",
        [
            "language",
            "current right, stale absent [95% CI]",
            "stale given",
            "≥ 0.95",
            "past right [95% CI]",
            "≥ 0.85",
            "s per answer (now / past)",
        ],
        rows,
    )
    wrong = [o for o in every if not o.right]
    for outcome in wrong:
        wrote = "" if outcome.model is None else f" (the model: {outcome.model[:80]!r})"
        print(f"  ✗ {outcome.id} {outcome.kind}: {outcome.question} → {outcome.reply[:120]}{wrote}")
    if args.dump:
        Path(args.dump).write_text(
            json.dumps([o.__dict__ for o in every], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    finish({"llm": args.llm, "languages": figures})


if __name__ == "__main__":
    main()
