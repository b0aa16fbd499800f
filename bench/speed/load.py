"""Mixed load: N users send notes, questions and files at once for a while, through the fake
Bot API to the real `mnemo run`; then every reply is counted.

Each user acts every few seconds (seeded, so runs compare), staying under the rate limit.
After the sending window, the bench waits until every update is answered and checks, per
user: one "saved" per note, one finished answer per question, one summary per file; none
missing, none twice. Latencies by kind come from the fake server's clock (receipt of the
update to the bot's reply: the saved note, the finished answer, the file's summary).

With `flood=True` one more user floods the bot beside them: a question or a file every
3.2 s for the whole window, as fast as the rate limit (20 a minute) lets anyone send. The
figures stay those of the other users, so a run with the flood and one without compare
what the flood costs them; the flood's own replies are counted apart.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.common import models_dir
from bench.speed.bot import peak_rss_mb
from bench.speed.search import percentile
from tests.botharness import FINAL_MARKS, Event, Harness
from tests.llm_server import API_KEY, LlamaServer

TOPICS = ("gym locker", "bike lock", "garage door", "office safe", "storage unit", "mailbox")
KINDS = ("note", "question", "file")
WEIGHTS = (0.45, 0.3, 0.25)
FLOOD_USER = 4999
FLOOD_EVERY_S = 3.2  # just under 20 updates a minute, the default rate limit


@dataclass(frozen=True)
class Action:
    at: float  # seconds after the start
    user: int
    kind: str  # note, question or file
    n: int  # the user's action number


def plan(users: list[int], seconds: float, seed: int = 7) -> list[Action]:
    rng = random.Random(seed)
    actions = []
    for index, user in enumerate(users):
        at, n = rng.uniform(0, 3), 0
        while at < seconds:
            # Users' first actions take turns over the kinds, so every kind is in any run.
            kind = KINDS[index % len(KINDS)] if n == 0 else rng.choices(KINDS, WEIGHTS)[0]
            actions.append(Action(at, user, kind, n))
            at, n = at + rng.uniform(6, 14), n + 1
    return sorted(actions, key=lambda a: a.at)


def plan_flood(seconds: float) -> list[Action]:
    """The flooding user: two questions and a file, over and over, at the rate limit."""
    kinds = ("question", "question", "file")
    count = int(seconds / FLOOD_EVERY_S)
    return [Action(n * FLOOD_EVERY_S, FLOOD_USER, kinds[n % 3], n) for n in range(count)]


def _send(harness: Harness, action: Action, folder: Path) -> float:
    topic = TOPICS[(action.user + action.n) % len(TOPICS)]
    code = 1000 + action.user * 10 + action.n
    if action.kind == "note":
        sent = harness.send(action.user, f"The {topic} code is {code}, note {action.n}.")
    elif action.kind == "question":
        sent = harness.send(action.user, f"What is the {topic} code?")
    else:
        path = folder / f"u{action.user}-{action.n}.txt"
        path.write_text(f"Receipt {action.n} of user {action.user}: the {topic} code is {code}.\n")
        sent = harness.send_file(action.user, path)
    return float(sent["received"])


def _replies(events: list[Event]) -> dict[int, dict[str, list[tuple[int, float]]]]:
    """Per chat and kind, the reply messages (id, time of their final text), in order."""
    final_text: dict[tuple[int, int], tuple[str, float]] = {}
    first_seen: dict[tuple[int, int], float] = {}
    for event in events:
        result = event.get("result")
        if event["method"] not in ("sendMessage", "editMessageText") or not isinstance(
            result, dict
        ):
            continue
        if "message_id" not in result:  # a refused edit, e.g. "message is not modified"
            continue
        key = (int(event["params"]["chat_id"]), int(result["message_id"]))
        first_seen.setdefault(key, event["time"])
        text = str(result.get("text", ""))
        if key not in final_text or _kind_of(text) is not None:
            final_text[key] = (text, event["time"])
    found: dict[int, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    for (chat, message), (text, at) in sorted(final_text.items(), key=lambda i: first_seen[i[0]]):
        kind = _kind_of(text)
        if kind is not None:
            found[chat][kind].append((message, at))
    return found


def _kind_of(text: str) -> str | None:
    if "Saved to your memory" in text:
        return "note"
    if text.startswith("✅") or "already in your memory" in text:
        return "file"
    if any(mark in text for mark in FINAL_MARKS):
        return "question"
    return None


def run(
    llm: str,
    users: int,
    seconds: float,
    server_slots: int | None = None,
    flood: bool = False,
    latencies_out: dict[str, list[float]] | None = None,
) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    """The mixed load, with the model in-process, or on a llama.cpp server of
    `server_slots` slots (MNEMO_LLM_URL); with `flood`, one user flooding beside them.
    `latencies_out` gets every latency by kind (the others', not the flood's)."""
    ids = list(range(5000, 5000 + users))
    actions = plan(ids, seconds)
    if flood:
        actions = sorted(actions + plan_flood(seconds), key=lambda a: a.at)
    with tempfile.TemporaryDirectory(prefix="mnemo-load-") as tmp:
        folder = Path(tmp)
        env = {"MNEMO_LLM": llm, "MNEMO_MODELS_PATH": str(models_dir())}
        server = LlamaServer(
            models_dir(), folder / "server.log", slots=server_slots or 1, preset=llm
        )
        if server_slots:
            server.start()
            env |= {
                "MNEMO_LLM_URL": server.url,
                "MNEMO_LLM_API_KEY": API_KEY,
                "MNEMO_LLM_SLOTS": str(server_slots),
            }
        harness = Harness(folder / "data", env_extra=env)
        try:
            harness.start_server()
            harness.start_bot()
            assert harness.bot is not None
            start_events = len(harness.events())
            sent: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
            started = time.monotonic()
            for action in actions:
                time.sleep(max(0.0, action.at - (time.monotonic() - started)))
                sent[action.user][action.kind].append(_send(harness, action, folder))
            sending = time.monotonic() - started
            expected = {
                u: {k: len(v) for k, v in kinds.items()}
                for u, kinds in sent.items()
                if u != FLOOD_USER  # its questions past the cap are refused, not answered
            }
            deadline = time.monotonic() + 120 + 20 * len(actions)
            while True:
                replies = _replies(harness.events(start_events))
                counts = {u: {k: len(replies[u][k]) for k in KINDS} for u in ids}
                if all(counts[u].get(k, 0) >= n for u, e in expected.items() for k, n in e.items()):
                    break
                if time.monotonic() > deadline:
                    break
                time.sleep(1)
            time.sleep(3)  # anything late or doubled shows up now
            drained = time.monotonic() - started
            events = harness.events(start_events)
            replies = _replies(events)
            rss = peak_rss_mb(harness.bot.pid)
            harness.stop_bot()
        except Exception:
            log = folder / "bot.log"
            if log.is_file():
                print(log.read_text()[-4000:])
            raise
        finally:
            harness.close()
            server.stop()
    rows: list[tuple[object, ...]] = []
    figures: dict[str, float] = {
        "load_users": float(users),
        "load_sending_s": sending,
        "load_drained_s": drained,
        "load_peak_rss_mb": rss,
    }
    if flood:
        figures |= _flood_figures(sent[FLOOD_USER], replies[FLOOD_USER], events)
    for kind in KINDS:
        latencies, lost, doubled, total = [], 0, 0, 0
        for user in ids:
            times = sent[user].get(kind, [])
            got = replies[user][kind]
            total += len(times)
            lost += max(0, len(times) - len(got))
            doubled += max(0, len(got) - len(times))
            latencies += [at - received for received, (_, at) in zip(times, got, strict=False)]
        if latencies_out is not None:
            latencies_out.setdefault(kind, []).extend(latencies)
        latencies = latencies or [0.0]
        figures.update(
            {
                f"load_{kind}_sent": float(total),
                f"load_{kind}_lost": float(lost),
                f"load_{kind}_doubled": float(doubled),
                f"load_{kind}_p50_s": statistics.median(latencies),
                f"load_{kind}_p95_s": percentile(latencies, 0.95),
                f"load_{kind}_max_s": max(latencies),
            }
        )
        rows.append(
            (
                kind,
                total,
                lost,
                doubled,
                statistics.median(latencies),
                percentile(latencies, 0.95),
                max(latencies),
            )
        )
    return rows, figures


def _flood_figures(
    sent: dict[str, list[float]],
    replies: dict[str, list[tuple[int, float]]],
    events: list[Event],
) -> dict[str, float]:
    refused = sum(
        1
        for e in events
        if e["method"] == "sendMessage"
        and isinstance(e.get("result"), dict)
        and int(e["params"].get("chat_id", 0)) == FLOOD_USER
        and "questions waiting" in str(e["result"].get("text", ""))
    )
    return {
        "load_flood_questions_sent": float(len(sent.get("question", []))),
        "load_flood_questions_answered": float(len(replies.get("question", []))),
        "load_flood_questions_refused_at_cap": float(refused),
        "load_flood_files_sent": float(len(sent.get("file", []))),
        "load_flood_files_read": float(len(replies.get("file", []))),
    }
