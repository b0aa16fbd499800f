"""Reminders, measured: how well requests are read, and how late 10,000 due at once go out.

    python -m bench.reminders --parts parse
    python -m bench.reminders --parts delivery --count 10000

`parse`: the requests of bench/sets/reminder_requests.tsv (en/ru/es/zh: absolute,
relative, weekday, date, recurring, ambiguous, past, no time, typos; with questions and
notes that must set nothing), asked on Tuesday 2026-12-01 at 10:00 in Europe/Madrid; then
every item of the gathering benchmark's diaries (bench/diary_set.py: five people, four
weeks) read as if sent, counting those taken for requests (each is a false reminder).

`delivery`: `count` reminders of `count` users due in the same minute, sent by the bot's
own sweep and outbox through PTB (its AIORateLimiter: 30 messages a second) to an
in-memory Bot API that answers at once; lateness is when each send reached the API minus
its due moment. The flood limit alone makes the last one ~count/30 s late.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.answers import wilson
from bench.common import finish, table
from bench.diary_set import LANGUAGES, diary
from knowledge.services.words.reminder_words import read_request

SETS = {
    "dev": Path(__file__).parent / "sets" / "reminder_requests.tsv",
    "held-out": Path(__file__).parent / "sets" / "reminder_requests_heldout.tsv",
}
ZONE = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)
UNITS = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


def load_set(path: Path) -> tuple[datetime, list[dict[str, str]]]:
    """The set's rows, and when they are asked (a "# now:" line, else NOW)."""
    rows = []
    now = NOW
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# now:"):
            now = datetime.fromisoformat(line.removeprefix("# now:").strip()).astimezone(ZONE)
        if not line.strip() or line.startswith("#"):
            continue
        language, expected, every, kind, text = line.split("\t")
        rows.append(
            {"language": language, "expected": expected, "every": every, "kind": kind, "text": text}
        )
    return now, rows


def expected_due(expected: str, now: datetime) -> datetime:
    if expected.startswith("+"):
        amount, unit = int(expected[1:-1]), expected[-1]
        return now + UNITS[unit] * amount
    month_day, clock = expected.split(" ")
    month, day = map(int, month_day.split("-"))
    hours, minutes = map(int, clock.split(":"))
    year = now.year + 1 if month < now.month else now.year
    return datetime(year, month, day, hours, minutes, tzinfo=ZONE)


def judged(row: dict[str, str], now: datetime) -> tuple[bool, str]:
    """Whether the request was read as its gold says, and what was read."""
    request = read_request(row["text"], now)
    expected = row["expected"]
    if request is None:
        return expected == "none", "none"
    if request.problem is not None:
        return expected == f"ask:{request.problem}", f"ask:{request.problem}"
    assert request.due is not None
    every = request.every.code if request.every else "-"
    seen = f"{request.due:%m-%d %H:%M} {every}"
    if expected == "none" or expected.startswith("ask:"):
        return False, seen
    return request.due == expected_due(expected, now) and every == row["every"], seen


def parse_bench(explain: bool) -> dict[str, object]:
    figures: dict[str, object] = {}
    for name, path in SETS.items():
        figures.update(_one_set(name, path, explain))
    figures.update(diary_false_reminders())
    return figures


def _one_set(name: str, path: Path, explain: bool) -> dict[str, object]:
    now, rows = load_set(path)
    by_language: dict[str, list[bool]] = {}
    by_kind: dict[str, list[bool]] = {}
    misses = []
    for row in rows:
        right, seen = judged(row, now)
        group = "not a request" if row["expected"] == "none" else row["language"]
        by_language.setdefault(group, []).append(right)
        by_kind.setdefault(row["kind"], []).append(right)
        if not right:
            misses.append((row["language"], row["expected"], seen, row["text"]))
    figures: dict[str, object] = {}
    lines = []
    for group, results in [*by_language.items(), *by_kind.items()]:
        low, high = wilson(sum(results), len(results))
        lines.append((group, len(results), sum(results) / len(results), f"{low:.3f}–{high:.3f}"))
        figures[f"{name}_accuracy_{group}"] = round(sum(results) / len(results), 4)
    requests = [r for r in rows if r["expected"] != "none"]
    right = sum(judged(r, now)[0] for r in requests)
    low, high = wilson(right, len(requests))
    lines.append(("all requests", len(requests), right / len(requests), f"{low:.3f}–{high:.3f}"))
    figures[f"{name}_accuracy"] = round(right / len(requests), 4)
    title = f"Reminder requests read, {name} set (95% Wilson interval)"
    table(title, ["part", "n", "accuracy", "ci"], lines)
    if explain:
        for miss in misses:
            print("MISS", name, *miss, sep=" | ")
    return figures


def diary_false_reminders() -> dict[str, object]:
    """Every diary item read as a message: how many would set a reminder (or ask when)."""
    seen = 0
    taken = []
    for person in (*LANGUAGES, "mixed"):
        for item in diary(person, seed=7):
            seen += 1
            if read_request(item.text, item.written) is not None:
                taken.append(item.text)
    notes = json.loads((SETS["dev"].parent / "personal_notes.json").read_text("utf-8"))["notes"]
    for note in notes:
        seen += 1
        if read_request(note["text"], NOW) is not None:
            taken.append(note["text"])
    table(
        "Diary items and personal notes taken for reminders",
        ["items", "taken"],
        [(seen, len(taken))],
    )
    for text in taken:
        print("FALSE", text)
    return {"diary_items": seen, "diary_false_reminders": len(taken)}


# Delivery ----------------------------------------------------------------------------------


class InstantApi:
    """A Bot API in memory (PTB's BaseRequest) that answers every call at once and notes
    when each sendMessage arrived."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}  # each chat's first reminder, when it arrived
        self.ids = 0  # every sendMessage: more than `count` would be one sent twice

    def request(self) -> Any:
        from telegram.request import BaseRequest, RequestData

        api = self

        class Request(BaseRequest):
            async def initialize(self) -> None: ...

            async def shutdown(self) -> None: ...

            @property
            def read_timeout(self) -> float | None:
                return 5.0

            async def do_request(
                self,
                url: str,
                method: str,
                request_data: RequestData | None = None,
                read_timeout: Any = None,
                write_timeout: Any = None,
                connect_timeout: Any = None,
                pool_timeout: Any = None,
            ) -> tuple[int, bytes]:
                name = url.rsplit("/", 1)[-1]
                params = request_data.parameters if request_data else {}
                return 200, json.dumps({"ok": True, "result": api.answer(name, params)}).encode()

        return Request()

    def answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {"id": 1, "is_bot": True, "first_name": "mnemo", "username": "mnemo_bot"}
        if name == "sendMessage":
            chat = int(params["chat_id"])
            self.sent.setdefault(chat, time.time())
            self.ids += 1
            return {
                "message_id": self.ids,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "text": str(params.get("text", "")),
            }
        return True


def delivery_bench(count: int) -> dict[str, object]:
    from bench.common import scratch_install
    from bot import reminders as bot_reminders
    from bot.app import build_application
    from bot.settings import BotSettings

    api = InstantApi()
    with scratch_install() as services:
        due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        with services.engines.storage.begin() as uow:
            for user in range(1, count + 1):
                uow.reminders.add(10_000 + user, f"reminder {user}", due, zone="UTC")
        settings = BotSettings(telegram_bot_token="1:BENCH", data_dir=services.settings.data_dir)
        application = build_application(settings, services, request=api.request())

        async def run() -> float:
            async with application:
                await application.start()
                bot_reminders.plan(application)  # what the bot's start-up does
                started = time.time()
                wait = due.timestamp() - time.time()
                await asyncio.sleep(max(0.0, wait))
                assert application.job_queue is not None
                deadline = time.time() + count / 10 + 120
                while len(api.sent) < count and time.time() < deadline:
                    await asyncio.sleep(0.5)
                await application.stop()
                return started

        asyncio.run(run())
    late = sorted(sent - due.timestamp() for sent in api.sent.values())
    if not late:
        raise SystemExit("nothing was sent")
    p95 = late[int(0.95 * (len(late) - 1))]
    bound = count / 30
    figures = {
        "count": count,
        "sent": len(late),
        "sends": api.ids,
        "lateness_p50_s": round(statistics.median(late), 1),
        "lateness_p95_s": round(p95, 1),
        "lateness_max_s": round(late[-1], 1),
        "flood_limit_s": round(bound, 1),
        "p95_over_0.95_bound": round(p95 / (0.95 * bound), 3),
        "last_over_bound": round(late[-1] / bound, 3),
    }
    table(
        f"{count} reminders due in one minute",
        ["users reached", "sends", "p50 s", "p95 s", "max s", "N/30 s"],
        [(len(late), api.ids, figures["lateness_p50_s"], p95, late[-1], bound)],
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--parts", default="parse", help="parse, delivery, or both (parse,delivery)"
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--explain", action="store_true", help="print every miss")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    parts = args.parts.split(",")
    if "parse" in parts:
        figures.update(parse_bench(args.explain))
    if "delivery" in parts:
        figures.update(delivery_bench(args.count))
    finish(figures)


if __name__ == "__main__":
    main()
