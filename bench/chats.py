"""Who said what: two Telegram chats imported with their other side, then asked about.

bench/sets/chats.json holds a two-person chat (with Ольга, in Russian) and a group planning
a trip (Marco in English, Lucía in Spanish, 王伟 in Chinese; the user writes in all of
them), each fact one message among a few hundred of everyday chatter. Each chat is written
as Telegram Desktop exports it (result.json), imported as the bot does (the user's own
messages, then the others' kept too), and every question goes through mnemo's real path
(planner, retrieval, evidence, the model, the backing checks) on the real embedder and
model. Reported per language and per kind (what did X say, when, who said it): answers
right (found, and holding a gold answer), and whether the fact's message is among the first
five search hits, with 95% Wilson intervals; and the user's own first-person questions set
beside a look-alike someone else said ("where was I yesterday?"): answered from the user's
own message, never from the other's.

    .venv/bin/python -m bench.chats [--languages en,ru,es,zh] [--no-model] [--dump FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine

from bench.answers import contains_gold, wilson
from bench.common import LANGUAGES, ROOT, finish, scratch_install, shortfall, table
from knowledge.bootstrap import Services
from knowledge.domain.model import ImportOptions
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.gathering import Gathered

SET = ROOT / "bench" / "sets" / "chats.json"
USER = 424242
USER_NAME = "Sam"
TARGET_ANSWERS = 0.85
TARGET_TOP5 = 0.90


def export(chat: dict[str, Any], folder: Path, seed: int = 36) -> tuple[Path, dict[str, Any]]:
    """The chat as Telegram Desktop exports it: its facts in order among its chatter, spread
    over its days; returns result.json and each fact's message (by key: id and time)."""
    rng = random.Random(seed)
    facts = list(chat["facts"])
    slots = [("fact", fact) for fact in facts if "_trap" not in fact["key"]]
    talkers = list(chat["filler"])
    for _ in range(chat["filler_count"]):
        who = rng.choice(talkers)
        slots.insert(rng.randrange(len(slots) + 1), ("filler", who))
    start = datetime.fromisoformat(chat["start"])
    step = timedelta(days=chat["days"]) / len(slots)
    traps = {
        fact["key"].replace("_trap", "_mine"): fact for fact in facts if "_trap" in fact["key"]
    }
    messages: list[dict[str, Any]] = []
    placed: dict[str, Any] = {}
    for number, (kind, what) in enumerate(slots):
        when = start + step * number + timedelta(minutes=rng.randint(0, 40))
        if kind == "fact":
            messages.append(_message(chat, len(messages) + 1, when, what["by"], what["text"]))
            placed[what["key"]] = messages[-1]
            trap = traps.get(what["key"])
            if trap is not None:  # someone else's look-alike, the same day
                later = when + timedelta(minutes=17)
                messages.append(_message(chat, len(messages) + 1, later, trap["by"], trap["text"]))
                placed[trap["key"]] = messages[-1]
        else:
            text = rng.choice(chat["filler"][what])
            messages.append(_message(chat, len(messages) + 1, when, what, text))
    body = {"name": chat["name"], "type": chat["type"], "id": chat["id"], "messages": messages}
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "result.json"
    result.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return result, placed


def _message(chat: dict[str, Any], number: int, when: datetime, who: str, text: str) -> dict:
    sender = USER if who == "me" else chat["senders"][who]
    return {
        "id": number,
        "type": "message",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.timestamp())),
        "from": USER_NAME if who == "me" else who,
        "from_id": f"user{sender}",
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
    }


def imported(services: Services, folder: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Each chat imported as the bot does: the user's own, then everyone's; every fact's
    message with its document id and time."""
    placed: dict[str, Any] = {}
    counts = []
    for number, chat in enumerate(data["chats"]):
        result, messages = export(chat, folder / f"chat{number}")
        own = services.keeping.importer.run(USER, result, options=ImportOptions(me=USER))
        everyone = services.keeping.importer.run(
            USER, result, options=ImportOptions(me=USER, all_senders=True)
        )
        again = services.keeping.importer.run(
            USER, result, options=ImportOptions(me=USER, all_senders=True)
        )
        counts.append(
            {
                "chat": chat["name"],
                "messages": own.total + own.others,
                "own": own.added,
                "others_added": everyone.added,
                "again_added": again.added,
            }
        )
        sources = {f"tg:{chat['id']}:{m['id']}": key for key, m in messages.items()}
        with services.engines.storage.read() as uow:
            kept = uow.documents.sources_among(USER, list(sources))
        for source, key in sources.items():
            message = messages[key]
            written = datetime.fromtimestamp(int(message["date_unixtime"])).astimezone()
            placed[key] = {"doc": kept[source].id, "written": written}
    table(
        "Imports",
        ("chat", "messages", "own", "others added", "again: added"),
        [tuple(row.values()) for row in counts],
    )
    return {"facts": placed, "imports": counts}


async def _reply(services: Services, question: str) -> Answer | Gathered:
    final: Answer | Gathered | None = None
    async for event in services.asking.ask(USER, question, with_history=False):
        if isinstance(event, Answer | Gathered):
            final = event
    assert final is not None
    return final


def _model_text(reply: Answer | Gathered) -> str | None:
    """What the model wrote, when it ran (a refusal's cause: the model, or a check)."""
    return reply.model_text if isinstance(reply, Answer) else None


def shown(reply: Answer | Gathered) -> tuple[bool, str]:
    """What the person reads as an answer: a found answer's text, a list's lines."""
    if isinstance(reply, Answer):
        return reply.found, reply.text
    return bool(reply.found), "\n".join(found.line for found in reply.found)


def run(args: argparse.Namespace) -> dict[str, object]:
    data = json.loads(SET.read_text(encoding="utf-8"))
    languages = args.languages.split(",")
    rows: list[dict[str, Any]] = []
    mine_rows: list[dict[str, Any]] = []
    overrides: dict[str, object] = {} if not args.no_model else {"llm": "/nonexistent.gguf"}
    with tempfile.TemporaryDirectory() as tmp, scratch_install(**overrides) as services:
        services.digests.set_timezone(USER, "UTC")
        memory = imported(services, Path(tmp), data)
        facts = memory["facts"]
        for case in data["questions"]:
            if case["lang"] not in languages:
                continue
            hits = services.retriever.search(USER, case["q"], k=5)
            row = {**case, "top5": facts[case["key"]]["doc"] in {hit.doc_id for hit in hits}}
            if not args.no_model:
                reply = asyncio.run(_reply(services, case["q"]))
                found, text = shown(reply)
                row |= {"found": found, "answer": text, "model": _model_text(reply)}
                row["right"] = found and contains_gold(text, case["gold"], case["lang"])
            rows.append(row)
        for case in data.get("mine", []) if not args.no_model else []:
            if case["lang"] not in languages:
                continue
            at = facts[case["key"]]["written"] + timedelta(hours=1)
            with time_machine.travel(at, tick=False):
                found, text = shown(asyncio.run(_reply(services, case["q"])))
            trapped = contains_gold(text, case["trap"], case["lang"])
            right = found and contains_gold(text, case["gold"], case["lang"]) and not trapped
            mine_rows.append(
                {**case, "found": found, "answer": text, "right": right, "trapped": trapped}
            )
    if args.dump:
        Path(args.dump).write_text(
            json.dumps({"questions": rows, "mine": mine_rows}, ensure_ascii=False, indent=1)
        )
    return report(rows, mine_rows, languages, memory["imports"], not args.no_model)


def _rate(rows: list[dict[str, Any]], key: str) -> dict[str, object]:
    right = sum(bool(row[key]) for row in rows)
    low, high = wilson(right, len(rows))
    return {
        "right": right,
        "n": len(rows),
        "rate": right / len(rows) if rows else 0.0,
        "low": low,
        "high": high,
    }


def _cell(rate: dict[str, object]) -> str:
    return (
        f"{rate['right']}/{rate['n']} = {rate['rate']:.2f} [{rate['low']:.2f}, {rate['high']:.2f}]"
    )


def report(
    rows: list[dict[str, Any]],
    mine: list[dict[str, Any]],
    languages: list[str],
    imports: list[dict[str, Any]],
    answered: bool,
) -> dict[str, object]:
    figures: dict[str, object] = {"imports": imports}
    lines = []
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["lang"]].append(row)
        groups[f"kind:{row['kind']}"].append(row)
        groups["all"].append(row)
    for name in [*languages, "kind:say", "kind:when", "kind:who", "all"]:
        group = groups.get(name, [])
        if not group:
            continue
        top5 = _rate(group, "top5")
        answers = _rate(group, "right") if answered else None
        figures[name] = {"top5": top5, "answers": answers}
        lines.append(
            (
                name,
                _cell(answers) if answers else "-",
                shortfall(float(answers["rate"]), TARGET_ANSWERS) if answers else "-",
                _cell(top5),
                shortfall(float(top5["rate"]), TARGET_TOP5),
            )
        )
    table(
        "Chat questions: answers right, the fact's message in the first 5 hits (95% Wilson)",
        ("set", "answers right", f"≥ {TARGET_ANSWERS}", "in first 5 hits", f"≥ {TARGET_TOP5}"),
        lines,
    )
    if mine:
        own = _rate(mine, "right")
        trapped = sum(row["trapped"] for row in mine)
        figures["first_person"] = {**own, "answered_from_another": trapped}
        table(
            "The user's own first-person questions, beside another person's look-alike",
            ("answered from the user's own", "answered from the other's words"),
            [(_cell(own), f"{trapped}/{len(mine)}")],
        )
    for row in rows + mine:
        if not row.get("right", row.get("top5")):
            wrote = "" if row.get("model") is None else f" (the model: {row['model'][:80]!r})"
            print(
                f"  ✗ [{row['lang']}] {row['q']} → {row.get('answer', '')[:120]!r}"
                f"{'' if row.get('top5', True) else ' (not in top 5)'}{wrote}"
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--no-model", action="store_true", help="search hits only")
    parser.add_argument("--dump", help="write every question and reply to this JSON file")
    args = parser.parse_args()
    finish({"bench": "chats", **run(args)})


if __name__ == "__main__":
    main()
