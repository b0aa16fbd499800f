"""The planner alone (words/planning.py), per language, with 95% Wilson intervals, on three
sets of questions and their expected kind:

- bench/sets/quantity_questions.json: how many / how much / how often about a thing inside
  a note (a fact) beside counts and sums of the person's own events and spending (all of
  them, then apart those written after the rules, never used to tune them);
- bench/sets/planner_heldout.json: every kind, written apart from the rules;
- the questions bench/gathering.py asks its generated diaries (bench/diary_set.py).

Rules only, no model and no store: it runs in a second.

    .venv/bin/python -m bench.planner [--explain]   # --explain lists every misreading
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bench.answers import wilson
from bench.common import ROOT, finish, shortfall, table
from bench.diary_set import NOW, ZONE, diary, questions
from knowledge.services.words.planning import plan

SETS = ROOT / "bench" / "sets"
QUANTITIES = SETS / "quantity_questions.json"
HELD_OUT = SETS / "planner_heldout.json"
PEOPLE = ("en", "ru", "es", "zh", "mixed")
SEED = 11  # bench/gathering.py's default: its people are diaries 11, 12, 13...
TARGET = 0.95

Case = tuple[str, str, str]  # language, expected kind, question


def from_file(path: Path, later: bool | None = None) -> list[Case]:
    """A set's questions; `later`: only those written after the rules (True) or before."""
    data = json.loads(path.read_text(encoding="utf-8"))["questions"]
    chosen = [case for case in data if later is None or case.get("later", False) == later]
    return [(case["lang"], case["kind"], case["text"]) for case in chosen]


def gathering_cases(seed: int = SEED) -> list[Case]:
    """bench/gathering.py's questions, by the person asked (a mixed person: "mixed")."""
    cases: list[Case] = []
    for number, person in enumerate(PEOPLE):
        items = diary(person, seed + number)
        cases.extend((person, q.kind, q.text) for q in questions(items, person, seed + number))
    return cases


def _rate(flags: list[bool]) -> str:
    low, high = wilson(sum(flags), len(flags))
    return f"{sum(flags) / len(flags):.2f} [{low:.2f}–{high:.2f}] n={len(flags)}"


def measure(name: str, cases: list[Case], split: bool, explain: bool) -> dict[str, object]:
    """The share read as expected, per language (and, when `split`, facts apart from counts
    and sums); every misreading as "question (expected→read)"."""
    groups: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    wrong: list[str] = []
    for lang, kind, text in cases:
        read = str(plan(text, ZONE, NOW).kind)
        right = read == kind
        groups[lang]["all"].append(right)
        groups[lang]["fact" if kind == "fact" else "count or sum"].append(right)
        if not right:
            wrong.append(f"{text} ({kind}→{read})")
    columns = ["lang", "right", *(("facts", "counts and sums") if split else ())]
    rows = []
    for lang, flags in groups.items():
        parts = [flags["fact"], flags["count or sum"]] if split else []
        rows.append([lang, _rate(flags["all"]), *(_rate(p) if p else "-" for p in parts)])
    every = [flag for flags in groups.values() for flag in flags["all"]]
    share = sum(every) / len(every)
    rows.append(["all", _rate(every), *(["", ""] if split else [])])
    table(f"Planner: {name}", columns, rows)
    worst = min(sum(f["all"]) / len(f["all"]) for f in groups.values())
    print(f"{name}: worst language {worst:.2f}, target {TARGET}: {shortfall(worst, TARGET)}")
    if explain and wrong:
        print("\n".join(f"   {line}" for line in wrong))
    by_lang = {lang: round(sum(f["all"]) / len(f["all"]), 3) for lang, f in groups.items()}
    return {"right": round(share, 3), "by_language": by_lang, "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--explain", action="store_true", help="list every misreading")
    args = parser.parse_args()
    figures = {
        "quantities": measure("quantity questions", from_file(QUANTITIES), True, args.explain),
        "quantities_later": measure(
            "quantity questions written after the rules",
            from_file(QUANTITIES, later=True),
            True,
            args.explain,
        ),
        "held_out": measure("held-out questions", from_file(HELD_OUT), False, args.explain),
        "gathering": measure("gathering bench questions", gathering_cases(), False, args.explain),
    }
    finish({"bench": "planner", **figures})


if __name__ == "__main__":
    main()
