"""Answers a minute and first-token times with the model in-process and on a llama.cpp
server (llama-server, MNEMO_LLM_URL) with 2 and 4 slots, on this machine.

A burst: every user asks all their questions at once, through the real AskService (fair
queue, retrieval, evidence, the model, the answer check), over their own short notes.
First-token time is measured from the question's arrival, so it includes waiting for a
turn; "answers a minute" is the questions divided by the time until the last answer.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from contextlib import aclosing, nullcontext
from pathlib import Path

from bench.common import models_dir, scratch_install
from bench.speed.search import percentile
from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from tests.llm_server import API_KEY, LlamaServer

PLACES = ("gym locker", "bike lock", "garage door", "office safe", "storage unit", "mailbox")


async def _burst(services: Services, users: int, per_user: int) -> tuple[list[float], ...]:
    ttft: list[float] = []
    total: list[float] = []
    found: list[float] = []

    async def ask(user: int, question: str) -> None:
        arrived = time.monotonic()
        first = None
        async with aclosing(services.asking.ask(user, question)) as events:
            async for event in events:
                first = first or time.monotonic()
                if isinstance(event, Answer):
                    total.append(time.monotonic() - arrived)
                    found.append(1.0 if event.found else 0.0)
        ttft.append((first or time.monotonic()) - arrived)

    asks = [
        ask(user, f"What is the {PLACES[(user + n) % len(PLACES)]} code?")
        for user in range(1, users + 1)
        for n in range(per_user)
    ]
    started = time.monotonic()
    await asyncio.gather(*asks)
    return ttft, total, found, [time.monotonic() - started]


def _one(llm: str, slots: int | None, users: int, per_user: int) -> tuple[object, ...]:
    """One configuration: the model in-process (slots None) or on a server with `slots`."""
    with tempfile.TemporaryDirectory(prefix="mnemo-serving-") as tmp:
        server = LlamaServer(models_dir(), Path(tmp) / "server.log", slots=slots or 1, preset=llm)
        with nullcontext() if slots is None else server:
            overrides: dict[str, object] = {"llm": llm, "temperature": 0.0}
            if slots is not None:
                overrides.update(llm_url=server.url, llm_api_key=API_KEY, llm_slots=slots)
            with scratch_install(**overrides) as services:
                for user in range(1, users + 1):
                    for n, place in enumerate(PLACES):
                        code = 1000 + user * 10 + n
                        services.keeping.ingestor.add_note(user, f"The {place} code is {code}.")
                asyncio.run(_burst(services, 1, 1))  # loads the model (or warms the server)
                ttft, total, found, (wall,) = asyncio.run(_burst(services, users, per_user))
    label = "in-process" if slots is None else f"server, {slots} slots"
    return (
        label,
        len(total),
        wall,
        60 * len(total) / wall,
        statistics.median(ttft),
        percentile(ttft, 0.95),
        statistics.median(total),
        percentile(total, 0.95),
        sum(found) / len(found),
    )


def run(
    llm: str, slot_counts: list[int], users: int, per_user: int
) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    rows = [_one(llm, None, users, per_user)]
    rows += [_one(llm, slots, users, per_user) for slots in slot_counts]
    figures: dict[str, float] = {}
    for row in rows:
        key = str(row[0]).replace(", ", "_").replace(" ", "_").replace("-", "_")
        figures[f"serving_{key}_answers_per_min"] = float(row[3])  # type: ignore[arg-type]
        figures[f"serving_{key}_ttft_p50_s"] = float(row[4])  # type: ignore[arg-type]
        figures[f"serving_{key}_ttft_p95_s"] = float(row[5])  # type: ignore[arg-type]
    return rows, figures
