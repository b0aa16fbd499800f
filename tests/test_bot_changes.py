"""A value that changes, through the real bot on a clock this test moves (tests/clock.py)
and the real default model: a Wi-Fi password noted in September, changed in November, asked
in December (the new one, with its date); the quoted note marked outdated from the answer's
button, asked again (no current value); restored, asked again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.botharness import Harness, buttons_of, is_final_answer, text_of

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 63
ZONE = ZoneInfo("Europe/Madrid")
QUESTION = "What's the home Wi-Fi password?"


def test_a_changed_value_is_answered_new_and_its_note_can_be_marked_outdated(
    tmp_path: Path, models_dir: Path
) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "60"},
    )
    bot.use_clock(datetime(2026, 9, 3, 9, 15, tzinfo=ZONE))
    bot.start_server()
    try:
        bot.start_bot()
        bot.send(USER, "/timezone Europe/Madrid")
        bot.reply_to(USER, "Europe/Madrid")
        bot.send(USER, "Home Wi-Fi password: Sunflower42")
        bot.reply_to(USER, "Saved")
        bot.move_clock(datetime(2026, 11, 20, 18, 40, tzinfo=ZONE))  # weeks later
        bot.send(USER, "Changed the home Wi-Fi password, the new one is Blue-Heron-77")
        bot.reply_to(USER, "Saved")
        bot.move_clock(datetime(2026, 12, 7, 10, 0, tzinfo=ZONE))

        bot.send(USER, QUESTION)
        first = bot.wait_for(is_final_answer(USER), timeout=180)
        said = text_of(first).partition("From your memory")[0]
        assert "Blue-Heron-77" in said and "since Nov 20, 2026" in said
        assert "Sunflower42" not in said
        [button] = buttons_of(first)
        assert button["text"] == "⌛ Outdated: Nov 20, 2026 18:40"

        bot.press(USER, first["result"]["message_id"], button["callback_data"])
        confirmation = bot.reply_to(USER, "Marked as outdated")
        assert "Changed the home Wi-Fi password" in text_of(confirmation)
        [restore] = buttons_of(confirmation)

        bot.send(USER, QUESTION)
        again = text_of(bot.wait_for(is_final_answer(USER), timeout=180))
        assert again.startswith("That is not in your memory.")  # its newest value is outdated
        assert "Blue-Heron-77" in again  # ... and shown among the nearest lines, not as current

        bot.press(USER, confirmation["result"]["message_id"], restore["callback_data"])
        bot.reply_to(USER, "Restored")
        bot.send(USER, QUESTION)
        restored = text_of(bot.wait_for(is_final_answer(USER), timeout=180))
        assert "Blue-Heron-77" in restored.partition("From your memory")[0]
    finally:
        bot.close()
