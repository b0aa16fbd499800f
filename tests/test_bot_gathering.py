"""Gathering answers through the real bot: a week of notes sent at their own times (the bot
runs on a clock this test moves, tests/clock.py), then, the Monday after, a day's meals
in full, a subject's roundup, a count, a sum, a document's summary and /digest week, with
the "more" button for a long list."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.botharness import Harness, buttons_of, text_of
from tests.samples import DIARY_WEEK as WEEK

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 61
ZONE = ZoneInfo("Europe/Madrid")
MONDAY = datetime(2026, 11, 23, tzinfo=ZONE)
HANDBOOK = """# Boat handbook

## Engine
Start the engine in neutral and let it warm up for five minutes before leaving the berth.
Check that cooling water comes out of the exhaust, and listen for any knocking sound; a
knocking engine must be stopped at once and checked by a mechanic.

## Anchoring
Choose a sandy bottom for anchoring, away from other boats and from cables. Let out five
times as much chain as the depth of the water, then reverse slowly until the anchor holds.
"""


def test_a_week_of_notes_then_what_a_diary_is_asked(tmp_path: Path, models_dir: Path) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_MAX_TOKENS": "60",
            "MNEMO_RATE_PER_MINUTE": "1000",  # a week of notes sent within seconds
        },
    )
    bot.use_clock(MONDAY + timedelta(hours=8))
    bot.start_server()
    try:
        bot.start_bot()
        bot.send(USER, "/timezone Europe/Madrid")
        bot.reply_to(USER, "Europe/Madrid")
        for day, hour, text in WEEK:
            bot.move_clock(MONDAY + timedelta(days=day, hours=hour))
            bot.send(USER, text)
            bot.reply_to(USER, "Saved")
            if (day, hour) == (2, 9):  # the handbook comes on Wednesday morning
                handbook = tmp_path / "boat-handbook.md"
                handbook.write_text(HANDBOOK)
                bot.send_file(USER, handbook)
                bot.reply_to(USER, "boat-handbook.md", timeout=180)
        bot.move_clock(MONDAY + timedelta(days=7, hours=10))

        bot.send(USER, "What did I eat on Tuesday?")
        meals = text_of(bot.reply_to(USER, "items"))
        for meal in ("toast with jam", "tomato soup", "lentil stew"):
            assert meal in meals
        assert "plumber" not in meals and "cabin" not in meals

        bot.send(USER, "What did I do on Saturday?")
        saturday = text_of(bot.reply_to(USER, "items"))
        assert "Peñalara" in saturday and "бабушки" in saturday  # noted Wednesday, about Saturday

        bot.send(USER, "Tell me everything I noted about the cabin.")
        cabin = text_of(bot.reply_to(USER, "cabin"))
        for line in ("roof", "Olsen", "porch"):
            assert line in cabin

        bot.send(USER, "How many times did I go jogging last week?")
        assert "3 times" in text_of(bot.reply_to(USER, "times"))

        bot.send(USER, "How much did I pay in total for the plumber and the electricity bill?")
        assert "149.30 EUR" in text_of(bot.reply_to(USER, "In all"))

        bot.send(USER, "What did I do last week?")
        first = bot.reply_to(USER, "items")
        [more] = buttons_of(first)
        bot.press(USER, first["result"]["message_id"], more["callback_data"])
        rest = text_of(bot.reply_to(USER, "Painted the cabin porch green"))
        assert "Breakfast: porridge" not in rest  # the next page, not the first again

        summary = ""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # the sections are condensed in the background
            bot.send(USER, "Summarize the boat handbook.")
            summary = text_of(bot.reply_to(USER, "boat-handbook.md"))
            if "so far" not in summary:
                break
            time.sleep(5)
        assert "Engine" in summary and "Anchoring" in summary and "so far" not in summary

        bot.send(USER, "/digest week")
        week = text_of(bot.reply_to(USER, "Your week"))
        assert "Nov 24, 2026" in week and "Dinner: lentil stew" in week

        bot.send(USER, "/settings")
        view = bot.reply_to(USER, "Language")
        [weekly] = [b for b in buttons_of(view) if b["callback_data"] == "wk:6 20:00"]
        bot.press(USER, view["result"]["message_id"], weekly["callback_data"])
        bot.reply_to(USER, "Sun at 20:00")
        bot.move_clock(datetime(2026, 12, 6, 19, 59, 58, tzinfo=ZONE))  # that Sunday evening
        sunday = text_of(bot.reply_to(USER, "Your week", timeout=30))
        assert "Nov 30, 2026 – Dec 6, 2026" in sunday
    finally:
        bot.close()
