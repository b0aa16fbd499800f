"""The running bot (`mnemo run`) under 1, 10 and 50 users asking at once, via the fake Bot API.

Each user first stores a note; then all of them ask at the same moment. Latencies are taken
from the fake server's own clock: from its receipt of the update to the bot's first reaction
(the typing action or a message) and to the finished answer. Peak RSS is the bot's VmHWM.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.common import models_dir
from bench.speed.search import percentile
from tests.botharness import Event, Harness, is_final_answer

NOTE = "My locker code at the {place} gym is {code}."
QUESTION = "What is my locker code at the {place} gym?"
PLACES = ("north", "south", "river", "harbour", "hill")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _chat(event: Event) -> int:
    return int(event["params"].get("chat_id", 0))


def wait_all(harness: Harness, users: list[int], done, timeout: float) -> dict[int, Event]:  # type: ignore[no-untyped-def]
    """The first event per user that `done(user)` accepts, scanning the event log."""
    found: dict[int, Event] = {}
    start = harness.seen
    deadline = time.monotonic() + timeout
    while len(found) < len(users) and time.monotonic() < deadline:
        for event in harness.events(start):
            for user in users:
                if user not in found and done(user)(event):
                    found[user] = event
        time.sleep(0.2)
    missing = set(users) - set(found)
    if missing:
        raise TimeoutError(f"no reply for users {sorted(missing)[:5]}")
    return found


def is_reaction(user: int):  # type: ignore[no-untyped-def]
    return lambda e: _chat(e) == user and e["method"] in ("sendChatAction", "sendMessage")


def is_ack(user: int):  # type: ignore[no-untyped-def]
    return lambda e: _chat(e) == user and e["method"] == "sendMessage"


def round_of(harness: Harness, users: list[int], timeout: float) -> dict[str, float]:
    for user in users:
        harness.send(user, NOTE.format(place=PLACES[user % 5], code=1000 + user))
    wait_all(harness, users, is_ack, timeout)
    harness.seen = len(harness.events())
    received = {
        user: harness.send(user, QUESTION.format(place=PLACES[user % 5]))["received"]
        for user in users
    }
    reactions = wait_all(harness, users, is_reaction, timeout)
    finals = wait_all(harness, users, is_final_answer, timeout)
    harness.seen = len(harness.events())
    first = [reactions[u]["time"] - received[u] for u in users]
    final = [finals[u]["time"] - received[u] for u in users]
    right = sum(str(1000 + u) in finals[u]["result"].get("text", "") for u in users)
    return {
        "first_reaction_p50_s": statistics.median(first),
        "first_reaction_p95_s": percentile(first, 0.95),
        "final_p50_s": statistics.median(final),
        "final_p95_s": percentile(final, 0.95),
        "final_max_s": max(final),
        "right_answers": right / len(users),
    }


def run(llm: str, concurrency: list[int]) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    rows: list[tuple[object, ...]] = []
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mnemo-bot-") as tmp:
        env = {"MNEMO_LLM": llm, "MNEMO_MODELS_PATH": str(models_dir())}
        harness = Harness(Path(tmp) / "data", env_extra=env)
        try:
            harness.start_server()
            harness.start_bot()
            assert harness.bot is not None
            base = 1000
            for users in concurrency:
                ids = list(range(base, base + users))
                base += users
                result = round_of(harness, ids, timeout=120 + 30 * users)
                for key, value in result.items():
                    figures[f"bot_{users}_users_{key}"] = value
                rows.append((llm, users, *result.values(), peak_rss_mb(harness.bot.pid)))
            figures[f"bot_peak_rss_mb_{llm}"] = peak_rss_mb(harness.bot.pid)
            harness.stop_bot()
        except Exception:
            log = Path(tmp) / "bot.log"
            if log.is_file():
                print(log.read_text()[-4000:])
            raise
        finally:
            harness.close()
    return rows, figures
