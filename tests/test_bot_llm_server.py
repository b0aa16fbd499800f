"""The real bot with its model on a llama.cpp server (MNEMO_LLM_URL): answers stream from
the server; the server stopped mid-answer gets a clear reply, the question is kept and
answered in the same message when the server is back, once; the health endpoint says so."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.audio import speak
from tests.botharness import Harness, free_port, http_get, is_final_answer, text_of
from tests.llm_server import API_KEY, LlamaServer

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 61


@pytest.fixture
def server(models_dir: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    llama = LlamaServer(models_dir, tmp_path / "llama-server.log", slots=2)
    llama.start()
    yield llama
    llama.stop()


def _sent_to(bot: Harness, user: int) -> list[dict]:
    return [
        e
        for e in bot.events()
        if e["method"] == "sendMessage" and int(e["params"].get("chat_id", 0)) == user
    ]


def test_answers_from_a_server_that_goes_away_and_comes_back(
    tmp_path: Path, models_dir: Path, server: LlamaServer
) -> None:
    health = f"http://127.0.0.1:{free_port()}"
    bot = Harness(
        tmp_path / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_LLM_URL": server.url,
            "MNEMO_LLM_API_KEY": API_KEY,
            "MNEMO_LLM_SLOTS": "2",
            "MNEMO_MAX_TOKENS": "160",
            "MNEMO_STREAM_EDIT_SECONDS": "0.2",
            "MNEMO_HEALTH_PORT": health.rsplit(":", 1)[1],
        },
    )
    bot.start_server()
    try:
        bot.start_bot()
        bot.send(USER, "The boat is moored at pier 9 in the old harbour.")
        bot.reply_to(USER, "Saved")
        bot.send(USER, "Where is the boat moored?")
        first = bot.wait_for(is_final_answer(USER), timeout=120)
        assert "pier 9" in text_of(first).lower()
        assert http_get(f"{health}/readyz")[0] == 200

        # The server goes away while an answer streams.
        bot.send(USER, "Where is the boat, and what is the harbour like around the pier?")
        streaming = bot.wait_for(
            lambda e: (
                e["method"] == "editMessageText"
                and int(e["params"]["chat_id"]) == USER
                and "line" not in text_of(e)
            ),
            timeout=120,
        )
        answer_id = streaming["result"]["message_id"]
        server.stop()
        kept = bot.reply_to(USER, "can't be reached", timeout=120)
        assert kept["result"]["message_id"] == answer_id, "said in the answer's own message"
        status, body = http_get(f"{health}/readyz")
        assert status == 503 and "refused the connection" in json.loads(body)["checks"]["llm"]
        _, metrics = http_get(f"{health}/metrics")
        assert "mnemo_questions_deferred 1.0" in metrics

        server.start()  # same port: the bot finds it again by itself
        final = bot.wait_for(is_final_answer(USER), timeout=180)
        assert final["result"]["message_id"] == answer_id, "the kept message became the answer"
        assert "pier" in text_of(final).lower()
        answers = [e for e in _sent_to(bot, USER) if e["result"]["message_id"] == answer_id]
        assert len(answers) == 1, "one message for that question, edited, never a second"
        assert http_get(f"{health}/readyz")[0] == 200
        log = (bot.data_dir.parent / "bot.log").read_text()
        assert log.count("kept, to be answered later") == 1
        assert API_KEY not in log

        bot.send(USER, "/digest")
        assert "pier 9" in text_of(bot.reply_to(USER, "Your day", timeout=120))
        asked = 'mnemo_digests_sent_total{kind="asked"} 1.0'
        deadline = time.monotonic() + 10  # counted just after the last part is sent
        while asked not in http_get(f"{health}/metrics")[1] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert asked in http_get(f"{health}/metrics")[1]

        # A spoken question while the server is away: heard once, answered when it is back.
        bot.send(USER, "The spare key is under the blue flower pot by the door.")
        bot.reply_to(USER, "Saved")
        server.stop()
        question = speak(tmp_path / "question.ogg", "Where did I put the spare key?")
        before = len(_sent_to(bot, USER))
        bot.send_voice(USER, question, duration=2)
        bot.reply_to(USER, "can't be reached", timeout=120)
        server.start()
        final = bot.wait_for(is_final_answer(USER), timeout=180)
        assert "flower pot" in text_of(final).lower()
        listening = [e for e in _sent_to(bot, USER)[before:] if "Listening" in text_of(e)]
        assert len(listening) == 1, "the replay answers what was heard, without listening again"
    finally:
        bot.close()
