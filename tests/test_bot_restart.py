"""Kill the bot mid-conversation and start it again: memory, history and uploads survive,
and no update is answered twice."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.botharness import Harness, is_final_answer, text_of
from tests.samples import make_pdf

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 40


def _sent(bot: Harness, user: int, contains: str) -> int:
    """How many new messages (not edits) to `user` contained `contains`."""
    return sum(
        1
        for e in bot.events()
        if e["method"] == "sendMessage"
        and isinstance(e["result"], dict)
        and int(e["params"].get("chat_id", 0)) == user
        and contains in e["result"].get("text", "")
    )


def test_kill_during_upload_and_answer_then_restart(tmp_path: Path, models_dir: Path) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "64"},
    )
    bot.start_server()
    try:
        bot.start_bot()
        bot.send(USER, "The boat is moored at pier 9 in the old harbour.")
        bot.reply_to(USER, "Saved")
        bot.send(USER, "Where is the boat moored?")
        bot.wait_for(is_final_answer(USER), timeout=180)

        pdf = make_pdf(
            tmp_path / "atlas.pdf",
            {250: "The lighthouse on Vigia island is 31 metres tall."},
            total=2000,
        )
        bot.send_file(USER, pdf)
        bot.reply_to(USER, "Embedding", timeout=120)
        bot.send(USER, "Where is the boat?")
        bot.stop_bot(signal.SIGKILL)

        bot.start_bot()
        restarted = bot.seen
        assert "2000 pages" in text_of(bot.reply_to(USER, "✅", timeout=300))
        # the replayed question may be answered before or after the book is read
        deadline = time.monotonic() + 300
        while not any(is_final_answer(USER)(e) for e in bot.events(restarted)):
            assert time.monotonic() < deadline, "the replayed question got no answer"
            time.sleep(0.5)
        bot.send(USER, "/search lighthouse Vigia")
        assert "atlas.pdf p.250" in text_of(bot.reply_to(USER, "atlas.pdf p.250"))
        bot.send(USER, "/search boat moored pier")
        assert "pier 9" in text_of(bot.reply_to(USER, "pier 9"))

        assert _sent(bot, USER, "Saved to your memory") == 1
        assert _sent(bot, USER, "Reading atlas.pdf") == 1
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
        unsettled = text("SELECT count(*) FROM inbox WHERE status != 'done'")
        deadline = time.monotonic() + 5  # an update is marked handled just after its reply
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.scalar(unsettled) == 0:
                    break
            time.sleep(0.1)
        with engine.connect() as connection:
            query = "SELECT content FROM chat_turns WHERE user_id = :u AND role = 'user'"
            rows = connection.execute(text(query + " ORDER BY id"), {"u": USER})
            questions = rows.scalars().all()
            pending = connection.scalar(unsettled)
            docs = connection.scalar(text("SELECT count(*) FROM documents WHERE status='ready'"))
        assert questions == ["Where is the boat moored?", "Where is the boat?"]
        assert pending == 0 and docs == 2

        assert bot.stop_bot(signal.SIGTERM) == 0
    finally:
        bot.close()
