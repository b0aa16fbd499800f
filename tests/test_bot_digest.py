"""Digests through the real bot: the user's local digest time passes, exactly one digest
arrives with the day's items; a restart within the grace period sends nothing twice."""

from __future__ import annotations

import random
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.botharness import Harness, text_of
from tests.samples import Sample

pytestmark = pytest.mark.slow
USER = 50


def _away_from_midnight(zone: str) -> None:
    """Tests that set a digest a minute away must not straddle a local midnight."""
    local = datetime.now(UTC).astimezone(ZoneInfo(zone))
    if (local.hour == 23 and local.minute >= 55) or (local.hour == 0 and local.minute < 3):
        time.sleep(60 * 8)


def _is_digest(user: int):  # type: ignore[no-untyped-def]
    def check(event: dict) -> bool:  # type: ignore[type-arg]
        return (
            event["method"] == "sendMessage"
            and int(event["params"]["chat_id"]) == user
            and "Your day" in event["result"].get("text", "")
        )

    return check


def _digests(bot: Harness) -> list[dict]:  # type: ignore[type-arg]
    return [e for e in bot.events() if _is_digest(USER)(e)]


def test_digest_arrives_once_at_local_time(
    tmp_path: Path, models_dir: Path, samples: list[Sample]
) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "160"},
    )
    bot.start_server()
    try:
        _away_from_midnight("Asia/Tokyo")
        bot.start_bot()
        bot.send(USER, "/timezone Mars/Olympus")
        assert "Example" in text_of(bot.reply_to(USER, "Example"))
        bot.send(USER, "/timezone Asia/Tokyo")
        bot.reply_to(USER, "Asia/Tokyo")
        bot.send(USER, "/digest_time 25:99")
        assert "21:30" in text_of(bot.reply_to(USER, "Example"))
        bot.send(USER, "Breakfast: oatmeal with blueberries and green tea.")
        bot.reply_to(USER, "Saved")
        photo = next(s for s in samples if s.path.suffix == ".jpg")
        bot.send_photo(USER, photo.path, caption="where I parked today")
        bot.reply_to(USER, "I read", timeout=120)
        bot.send_file(USER, samples[5].path)
        bot.reply_to(USER, "✅", timeout=120)

        tokyo = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo"))
        due = tokyo + timedelta(minutes=1)
        if due.second > 45:  # leave the bot time to plan the job before the minute starts
            due += timedelta(minutes=1)
        bot.send(USER, f"/digest_time {due:%H:%M}")
        bot.reply_to(USER, f"{due:%H:%M}")
        digest = bot.wait_for(_is_digest(USER), timeout=300)
        text = text_of(digest)
        assert "1 note" in text and "1 photo" in text and "1 document" in text
        assert f"{tokyo:%Y-%m-%d}" in text

        bot.stop_bot(signal.SIGKILL)  # restart within the grace period: nothing twice
        bot.start_bot()
        bot.send(USER, "/digest")
        assert "Your day" in text_of(bot.reply_to(USER, "Your day", timeout=300))
        assert len(_digests(bot)) == 2  # the scheduled one and the one asked for
        bot.send(USER, "/digest 2020-01-01")
        assert "Nothing was added" in text_of(bot.reply_to(USER, "Nothing was added"))
        bot.send(USER, "/digest yesterdayish")
        assert "Usage" in text_of(bot.reply_to(USER, "Usage"))
    finally:
        bot.close()


def test_digest_missed_while_down_is_sent_at_start_up(tmp_path: Path, models_dir: Path) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "96"},
    )
    bot.start_server()
    user = 51
    try:
        _away_from_midnight("UTC")
        bot.start_bot()
        bot.send(user, "/timezone UTC")
        bot.reply_to(user, "UTC")
        bot.send(user, "Lunch: lentil soup with lemon.")
        bot.reply_to(user, "Saved")
        past = datetime.now(UTC) - timedelta(minutes=2)  # the time went by while "down"
        bot.send(user, f"/digest_time {past:%H:%M}")
        bot.reply_to(user, f"{past:%H:%M}")
        assert bot.stop_bot(signal.SIGTERM) == 0
        bot.start_bot()  # the catch-up digest is being written now: kill -9 in the middle
        time.sleep(random.Random(51).uniform(0.5, 3.0))
        bot.stop_bot(signal.SIGKILL)
        bot.start_bot()
        digest = bot.wait_for(_is_digest(user), timeout=300)
        assert "1 note" in text_of(digest)
        time.sleep(3)
        assert len([e for e in bot.events() if _is_digest(user)(e)]) == 1
    finally:
        bot.close()
