"""The chat model on a server of its own (MNEMO_LLM_URL): llama.cpp's llama-server on
127.0.0.1 with the 0.5B preset, 2 slots and an API key. Answers and digest lines come from
it with the same checks; two users are answered at once; a server that is stopped, silent,
or refuses the key is named, never a traceback."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import aclosing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.adapters.embedding import FastEmbedEmbedder
from knowledge.adapters.llm_server import ServerGenerator, estimate_tokens
from knowledge.bootstrap import Services
from knowledge.domain.errors import LlmUnavailable
from knowledge.domain.model import GenerationParams
from knowledge.services.answers.answering import Answer
from knowledge.settings import Settings
from tests.core import started
from tests.llm_server import API_KEY, LlamaServer

PARAMS = GenerationParams(temperature=0.0, top_k=40, top_p=0.9, max_tokens=48)
HELLO = [{"role": "user", "content": "Say hello."}]


def _over(settings: Settings, server: LlamaServer, **more: object) -> Settings:
    return settings.model_copy(
        update={"llm_url": server.url, "llm_api_key": API_KEY, "llm_slots": server.slots, **more}
    )


@pytest.fixture
def served(
    settings: Settings, llm_server: LlamaServer, embedder: FastEmbedEmbedder
) -> Iterator[Services]:
    built = started(_over(settings, llm_server), embedder=embedder)
    yield built
    built.close()


async def _answer(services: Services, user_id: int, question: str) -> Answer:
    async with aclosing(services.asking.ask(user_id, question)) as events:
        async for event in events:
            if isinstance(event, Answer):
                return event
    raise AssertionError("no answer")


async def test_answers_come_from_the_server_with_the_same_checks(served: Services) -> None:
    served.keeping.ingestor.add_note(1, "The spare key is under the blue flower pot by the door.")
    answer = await _answer(served, 1, "Where is the spare key?")
    assert answer.found and "flower pot" in answer.text.lower()
    assert "blue flower pot" in answer.quotes[0].text
    refused = await _answer(served, 1, "What is my boss's name?")
    assert not refused.found and refused.text == "That is not in your memory."
    assert await served.worker.problem() is None


async def test_digest_lines_come_from_the_server(served: Services) -> None:
    text = (
        "Borscht for Sunday: 2 beets, 3 potatoes, half a cabbage, one carrot and an onion. "
        "Simmer the beets for 40 minutes, add the rest and cook for 20 more. "
        "Serve with sour cream and dill, and black bread on the side."
    )
    result = served.keeping.ingestor.add_note(2, text)
    before = time.monotonic()
    await served.digests.summarise_later(2, result.doc_id)
    assert time.monotonic() - before > 0.1, "the model was asked"
    digest = await served.digests.digest(2, datetime.now(UTC).date())
    assert digest is not None
    line = digest.items[0].line
    assert line and ("Borscht" in line or "borscht" in line), line
    assert "oatmeal" not in line.lower()


async def test_two_slots_answer_two_users_at_once(served: Services) -> None:
    for user in (3, 4):
        served.keeping.ingestor.add_note(
            user, f"User {user} parks the red bicycle in the yard shed."
        )
    started: dict[int, float] = {}
    finished: dict[int, float] = {}

    async def ask(user: int) -> None:
        question = "Where do I park the red bicycle?"
        async with aclosing(served.asking.ask(user, question, max_tokens=40)) as events:
            async for event in events:
                started.setdefault(user, time.monotonic())
                if isinstance(event, Answer):
                    finished[user] = time.monotonic()

    await asyncio.gather(ask(3), ask(4))
    assert set(finished) == {3, 4}
    assert max(started.values()) < min(finished.values()), "both streamed at the same time"


async def test_the_server_stopped_mid_answer_then_back(
    settings: Settings, models_dir: Path, embedder: FastEmbedEmbedder, tmp_path: Path
) -> None:
    server = LlamaServer(models_dir, tmp_path / "server.log", slots=1)
    server.start()
    services = started(_over(settings, server, max_tokens=300), embedder=embedder)
    try:
        services.keeping.ingestor.add_note(5, "The boat is moored at pier 9 in the old harbour.")
        question = "Where is the boat moored? Describe the harbour in detail."
        pieces = 0
        with pytest.raises(LlmUnavailable, match="model server"):
            async with aclosing(services.asking.ask(5, question)) as events:
                async for _event in events:
                    pieces += 1
                    if pieces == 2:
                        await asyncio.to_thread(server.stop)
        assert pieces >= 2, "the answer had begun"
        assert services.asking.history(5) == [], "a broken answer is not kept"
        assert "refused the connection" in (await services.worker.problem() or "")
        server.start()
        answer = await _answer(services, 5, "Where is the boat moored?")
        assert answer.found and "pier 9" in answer.text.lower()
        assert len(services.asking.history(5)) == 2, "kept once"
    finally:
        services.close()
        server.stop()


def test_a_refused_key_and_an_absent_server_are_named(llm_server: LlamaServer) -> None:
    wrong = ServerGenerator(llm_server.url, api_key="not-the-key")
    assert wrong.problem() == f"the model server at {llm_server.url} refused the API key " + (
        "(MNEMO_LLM_API_KEY)"
    )
    with pytest.raises(LlmUnavailable, match="refused the API key"):
        list(wrong.stream(HELLO, PARAMS))
    right = ServerGenerator(llm_server.url, api_key=API_KEY)
    assert right.problem() is None and right.model_name().endswith(".gguf")
    assert "".join(right.stream(HELLO, PARAMS)).strip()


def test_doctor_names_a_model_server_that_is_down(run) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    done = run("doctor", code=1, extra={"MNEMO_LLM_URL": f"http://127.0.0.1:{closed}/v1"})
    assert f"the model server at http://127.0.0.1:{closed}/v1 refused the connection" in (
        done.stdout.replace("\n", " ")
    )


def test_a_silent_server_times_out_with_a_clear_error() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        silent = ServerGenerator(f"http://127.0.0.1:{port}/v1", model="m", timeout_seconds=0.5)
        with pytest.raises(LlmUnavailable, match=r"did not answer within 0.5 s"):
            list(silent.stream(HELLO, PARAMS))
        for connection in accepted:
            connection.close()


def test_token_estimate_errs_high_across_scripts() -> None:
    assert estimate_tokens("会议在周三下午三点") == 9
    assert estimate_tokens("Позвонить маме") >= 6
    assert estimate_tokens("Buy milk at 8:30") >= 6
    assert estimate_tokens("") == 0
