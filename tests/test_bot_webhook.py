"""Webhook mode, end to end: the fake Bot API POSTs updates to the real bot's webhook
listener, as Telegram does; the secret token is checked; a restart loses nothing; update
ids that start again from 1 are handled; and the health endpoint and metrics answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.botharness import (
    Harness,
    free_port,
    http_get,
    http_post,
    is_final_answer,
    text_of,
    wait_port,
)

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 48213067  # distinctive, so the metrics page can be searched for it
SECRET = "s3cret-token_for-tests"


def _status_of_deliveries(bot: Harness) -> list[object]:
    return [e["result"] for e in bot.events() if e["method"] == "webhookDelivery"]


def test_webhook_mode_with_health_and_metrics(tmp_path: Path, models_dir: Path) -> None:
    hook_port, health_port = free_port(), free_port()
    hook = f"http://127.0.0.1:{hook_port}/telegram-hook"
    health = f"http://127.0.0.1:{health_port}"
    bot = Harness(
        tmp_path / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_MAX_TOKENS": "48",
            "MNEMO_STREAM_EDIT_SECONDS": "0.2",
            "MNEMO_WEBHOOK_URL": hook,
            "MNEMO_WEBHOOK_PORT": str(hook_port),
            "MNEMO_WEBHOOK_SECRET": SECRET,
            "MNEMO_HEALTH_PORT": str(health_port),
        },
    )
    bot.start_server()
    try:
        bot.start_bot()
        bot.wait_for(lambda e: e["method"] == "setWebhook")  # after the commands are set
        wait_port(hook_port)

        # Only the secret Telegram was given opens the door.
        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
        assert http_post(hook, update, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
        assert http_post(hook, update, {}) == 403

        bot.send(USER, "The spare key is under the blue flowerpot by the door.")
        bot.reply_to(USER, "Saved")
        bot.send(USER, "Where is the spare key?")
        final = bot.wait_for(is_final_answer(USER), timeout=180)
        answer_id = final["result"]["message_id"]
        edits = [
            e
            for e in bot.events()
            if e["method"] == "editMessageText" and e["result"]["message_id"] == answer_id
        ]
        assert len(edits) >= 2, "the answer grew by edits while it streamed"
        assert "flowerpot" in text_of(final)

        status, body = http_get(f"{health}/livez")
        assert status == 200, body
        status, body = http_get(f"{health}/readyz")
        assert status == 200, body
        assert '"llm": "ok"' in body and '"database": "ok"' in body
        status, metrics = http_get(f"{health}/metrics")
        assert status == 200
        assert 'mnemo_ingests_total{kind="note",outcome="stored"} 1.0' in metrics
        assert re.search(r"^mnemo_answer_seconds_count 1\.0$", metrics, re.M)
        assert re.search(r"^mnemo_answer_first_token_seconds_count 1\.0$", metrics, re.M)
        assert 'mnemo_queue_waiting{priority="asked"} 0.0' in metrics
        assert str(USER) not in metrics and "flowerpot" not in metrics, "counts only"

        # Down for a while: what is sent meanwhile is delivered when the bot is back.
        bot.stop_bot()
        bot.send(USER, "The bike lock code is 4512.")
        bot.start_bot()
        bot.wait_for(lambda e: e["method"] == "setWebhook")
        bot.reply_to(USER, "Saved", timeout=120)

        # A new Bot API server numbers updates from 1 again: they are new, not redeliveries.
        bot.restart_update_ids()
        sent = bot.send(USER, "The wifi password at the cabin is sunflower.")
        assert sent["update_id"] == 1
        bot.reply_to(USER, "Saved")
        bot.send(USER, "/search wifi cabin password")
        assert "sunflower" in text_of(bot.reply_to(USER, "sunflower"))
        assert 403 not in _status_of_deliveries(bot), "Telegram's own deliveries all passed"
    finally:
        bot.close()
