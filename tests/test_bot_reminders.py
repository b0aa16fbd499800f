"""Reminders through the real bot and the fake Bot API, on a clock the test moves: set in
each language, each arrives once at its minute; one survives a kill -9, one missed while
the bot was stopped comes late at start-up; snoozed, done, recurring, cancelled from
/reminders; a note naming a date offers one that, accepted, arrives; the evening digest
lists what tomorrow holds."""

from __future__ import annotations

import signal
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.botharness import Event, Harness, buttons_of, is_final_answer, text_of

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
ZONE = ZoneInfo("Europe/Madrid")
START = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)  # a Tuesday
USERS = {"en": 71, "ru": 72, "es": 73, "zh": 74}
REQUESTS = {
    "en": ("remind me tomorrow at 9 to call the dentist", "call the dentist"),
    "ru": ("напомни завтра в 9 позвонить маме", "позвонить маме"),
    "es": ("recuérdame mañana a las 9 llamar a Ana", "llamar a Ana"),
    "zh": ("明天早上九点提醒我交报告", "交报告"),
}
CONFIRMED = {"en": "I'll remind you", "ru": "Напомню", "es": "Te lo recordaré", "zh": "我会在"}
ARRIVED = {
    "en": "⏰ Reminder:",
    "ru": "⏰ Напоминание:",
    "es": "⏰ Recordatorio:",
    "zh": "⏰ 提醒：",
}


def _arrivals(bot: Harness, user: int, words: str) -> list[Event]:
    return [
        e
        for e in bot.events()
        if e["method"] == "sendMessage"
        and isinstance(e["result"], dict)
        and int(e["params"]["chat_id"]) == user
        and text_of(e).startswith("⏰ ")
        and words in text_of(e)
        and any(b["callback_data"].startswith("rem:s:") for b in buttons_of(e))
    ]


def _arrival(bot: Harness, user: int, words: str, count: int = 1, timeout: float = 30) -> Event:
    """The `count`-th arrival of the reminder holding `words` (in any order among users)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _arrivals(bot, user, words)
        if len(found) >= count:
            return found[count - 1]
        assert bot.bot is not None and bot.bot.poll() is None, "the bot exited"
        time.sleep(0.1)
    raise TimeoutError(f"reminder {words!r} did not arrive {count} times")


def _press(bot: Harness, user: int, event: Event, prefix: str) -> None:
    button = next(b for b in buttons_of(event) if b["callback_data"].startswith(prefix))
    bot.press(user, event["result"]["message_id"], button["callback_data"])


def test_reminders_arrive_once_through_restarts_snooze_recur_and_cancel(
    tmp_path: Path, models_dir: Path
) -> None:
    bot = Harness(tmp_path / "data", env_extra={"MNEMO_MODELS_PATH": str(models_dir)})
    bot.use_clock(START)
    bot.start_server()
    en = USERS["en"]
    try:
        bot.start_bot()
        for language, user in USERS.items():
            bot.send(user, "/timezone Europe/Madrid", language=language)
            bot.reply_to(user, "Europe/Madrid")
            text, task = REQUESTS[language]
            bot.send(user, text, language=language)
            confirmed = bot.reply_to(user, CONFIRMED[language])
            assert task in text_of(confirmed) and "09:00" in text_of(confirmed)
            assert {b["callback_data"][:6] for b in buttons_of(confirmed)} == {"rem:c:", "rem:x:"}

        bot.stop_bot(signal.SIGKILL)  # killed with everything set: nothing is lost
        bot.start_bot()
        bot.move_clock(datetime(2026, 12, 2, 8, 59, 57, tzinfo=ZONE))
        time.sleep(1)
        assert all(not _arrivals(bot, u, REQUESTS[lang][1]) for lang, u in USERS.items())
        for language, user in USERS.items():
            arrived = _arrival(bot, user, REQUESTS[language][1])
            assert text_of(arrived).startswith(ARRIVED[language])
        dentist = _arrivals(bot, en, "call the dentist")[0]

        bot.stop_bot()  # a restart after the sends: none goes again
        bot.start_bot()
        time.sleep(2)
        for language, user in USERS.items():
            assert len(_arrivals(bot, user, REQUESTS[language][1])) == 1, language

        bot.move_clock(datetime(2026, 12, 2, 9, 1, 0, tzinfo=ZONE))
        _press(bot, en, dentist, "rem:s:")  # the first snooze button: 10 minutes
        assert "today at 09:11" in text_of(bot.reply_to(en, "again"))
        bot.move_clock(datetime(2026, 12, 2, 9, 10, 59, tzinfo=ZONE))
        again = _arrival(bot, en, "call the dentist", count=2)
        _press(bot, en, again, "rem:d:")
        bot.reply_to(en, "✅ Done: call the dentist")
        assert len(_arrivals(bot, en, "call the dentist")) == 2

        bot.send(en, "remind me every day at 8 to take the pill")
        assert "every day at 08:00" in text_of(bot.reply_to(en, "I'll remind you"))
        bot.send(en, "remind me on Friday at 18:00 to buy tickets")
        bot.reply_to(en, "buy tickets")
        bot.send(en, "remind me in 30 minutes to stretch")
        bot.reply_to(en, "stretch")
        bot.stop_bot()  # down when "stretch" is due: sent late at start-up, once
        bot.use_clock(datetime(2026, 12, 2, 9, 55, tzinfo=ZONE))  # read at start-up
        bot.start_bot()
        late = _arrival(bot, en, "stretch")
        assert "(late: was due today at 09:4" in text_of(late)

        for day in (3, 4):  # every day at 8, once a day
            bot.move_clock(datetime(2026, 12, day, 7, 59, 58, tzinfo=ZONE))
            _arrival(bot, en, "take the pill", count=day - 2)
        assert len(_arrivals(bot, en, "take the pill")) == 2

        bot.send(en, "/reminders")
        listing = bot.reply_to(en, "Coming reminders")
        assert "buy tickets" in text_of(listing) and "take the pill" in text_of(listing)
        lines = text_of(listing).splitlines()
        number = next(line.split(".")[0] for line in lines if "buy tickets" in line)
        [cancel] = [b for b in buttons_of(listing) if b["text"].endswith(f" {number}")]
        bot.press(en, listing["result"]["message_id"], cancel["callback_data"])
        edited = bot.reply_to(en, "Coming reminders")
        assert "buy tickets" not in text_of(edited) and "take the pill" in text_of(edited)
        bot.move_clock(datetime(2026, 12, 4, 18, 0, 30, tzinfo=ZONE))
        time.sleep(3)
        assert not _arrivals(bot, en, "buy tickets"), "cancelled: never sent"
    finally:
        bot.close()


def test_a_note_naming_a_date_offers_a_reminder_and_the_digest_shows_tomorrow(
    tmp_path: Path, models_dir: Path
) -> None:
    bot = Harness(tmp_path / "data", env_extra={"MNEMO_MODELS_PATH": str(models_dir)})
    bot.use_clock(START)
    bot.start_server()
    user = 75
    try:
        bot.start_bot()
        bot.send(user, "/timezone Europe/Madrid")
        bot.reply_to(user, "Europe/Madrid")
        bot.send(user, "Dentist appointment booked for December 3 at 15:00")
        bot.reply_to(user, "Saved")
        offer = bot.reply_to(user, "Remind you")
        assert "Dec 3, 2026 at 14:00" in text_of(offer)
        bot.send(user, "Remind me what the Wi-Fi password is")  # a question, not a reminder
        bot.wait_for(is_final_answer(user), timeout=300)
        _press(bot, user, offer, "rem:o:")
        bot.reply_to(user, "I'll remind you")
        bot.send(user, "remind me to call the clinic")  # no time: asked, then answered
        asked = bot.reply_to(user, "When should I remind you: call the clinic?")
        bot.send(user, "tomorrow at 10", reply_to=asked["result"]["message_id"])
        assert "tomorrow at 10:00" in text_of(bot.reply_to(user, "I'll remind you"))
        bot.send(user, "/brief 08:00")
        bot.reply_to(user, "Morning brief: every day at 08:00")
        bot.move_clock(datetime(2026, 12, 2, 9, 59, 58, tzinfo=ZONE))
        _arrival(bot, user, "call the clinic")
        bot.move_clock(datetime(2026, 12, 2, 20, 59, 58, tzinfo=ZONE))  # the evening before
        digest = bot.reply_to(user, "Tomorrow", timeout=60)
        assert "Dentist appointment booked for December 3" in text_of(digest)
        assert "14:00 ⏰" in text_of(digest)
        bot.send(user, "/reminders")
        listing = text_of(bot.reply_to(user, "Coming reminders"))
        assert "Dentist appointment" in listing and "Wi-Fi" not in listing
        bot.move_clock(datetime(2026, 12, 3, 7, 59, 58, tzinfo=ZONE))
        brief = text_of(bot.reply_to(user, "☀️ Today", timeout=60))
        assert "14:00 ⏰ Dentist appointment" in brief
        bot.move_clock(datetime(2026, 12, 3, 13, 59, 58, tzinfo=ZONE))
        _arrival(bot, user, "Dentist appointment")
    finally:
        bot.close()
