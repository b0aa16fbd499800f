"""Digests through the real bot: the user's local digest time passes, exactly one digest
arrives with the day's items; a restart within the grace period sends nothing twice."""

from __future__ import annotations

import random
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.botharness import Harness, is_final_answer, text_of
from tests.samples import Sample

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
USER = 50


def _away_from_midnight(zone: str) -> None:
    """Tests that set a digest a minute away must not straddle a local midnight."""
    local = datetime.now(UTC).astimezone(ZoneInfo(zone))
    if (local.hour == 23 and local.minute >= 55) or (local.hour == 0 and local.minute < 3):
        time.sleep(60 * 8)


def _is_digest(user: int):
    def check(event: dict) -> bool:
        return (
            event["method"] in ("sendMessage", "editMessageText")
            and isinstance(event["result"], dict)
            and int(event["params"]["chat_id"]) == user
            and "Your day" in event["result"].get("text", "")
        )

    return check


def _digests(bot: Harness) -> list[dict]:
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
        assert f"{tokyo:%b} {tokyo.day}, {tokyo:%Y}" in text  # "Dec 2, 2026"

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
        # The day is assembled in milliseconds, so the first start may already have sent it
        # before the kill: look at every event, not only those after the restart.
        deadline = time.monotonic() + 300
        while not [e for e in bot.events() if _is_digest(user)(e)]:
            assert time.monotonic() < deadline, "no digest after the restart"
            time.sleep(0.5)
        time.sleep(3)
        sent = [e for e in bot.events() if _is_digest(user)(e)]
        assert len(sent) == 1 and "1 note" in text_of(sent[0])
    finally:
        bot.close()


MIXED_DAY = (
    "Desayuno: tostada con tomate y un café con leche",
    "周三上午十点和李经理开会，讨论新项目预算",
    "Compra: leche, pan, 6 huevos y tomates",
    "На обед был борщ со сметаной, позвонить сантехнику Игорю",
    (
        "Notes from the school meeting: the autumn trip is on 12 December, it costs 35 euros "
        "per child, payment is due by 1 December, and parents should pack a lunch, a rain "
        "jacket and walking shoes. The bus leaves at 8:15 from the main gate."
    ),
)
_LINE = re.compile(r"^(\d\d:\d\d) (📝|🖼|📄|🎙) (.+)$")


def test_a_mixed_language_day_comes_back_whole_true_and_clean(
    tmp_path: Path, models_dir: Path
) -> None:
    bot = Harness(tmp_path / "data", env_extra={"MNEMO_MODELS_PATH": str(models_dir)})
    bot.start_server()
    user = 52
    zone = ZoneInfo("Europe/Madrid")
    try:
        _away_from_midnight("Europe/Madrid")
        bot.start_bot()
        bot.send(user, "/timezone Europe/Madrid")
        bot.reply_to(user, "Europe/Madrid")
        sent_at = []
        for note in MIXED_DAY:
            sent = bot.send(user, note)
            sent_at.append(datetime.fromtimestamp(sent["received"], UTC).astimezone(zone))
            bot.reply_to(user, "Saved")
        asked = bot.send(user, "/digest")
        typing = bot.wait_for(
            lambda e: e["method"] == "sendChatAction" and int(e["params"]["chat_id"]) == user
        )
        assert typing["time"] - asked["received"] < 1
        digest = bot.wait_for(_is_digest(user), timeout=300)
        html, text = digest["params"]["text"], text_of(digest)
        assert "5 notes" in text
        for symbol in ("**", "__", "##", "```", "](", "* "):
            assert symbol not in html, symbol
        lines = [m.groups() for line in text.splitlines() if (m := _LINE.match(line))]
        assert len(lines) == len(MIXED_DAY)  # every item, once
        for (at, _, shown), note, moment in zip(lines, MIXED_DAY, sent_at, strict=True):
            local = datetime.combine(moment.date(), datetime.strptime(at, "%H:%M").time())
            assert abs(local - moment.replace(tzinfo=None)) < timedelta(minutes=2)
            if len(note) <= 200:
                assert shown == note  # a short item is its own line
            else:
                words = set(re.findall(r"\w+", note.lower()))
                said = re.findall(r"\w+", shown.lower().rstrip("…"))
                assert sum(word in words for word in said) >= 0.8 * len(said), shown
                assert set(re.findall(r"\d+", shown)) <= set(re.findall(r"\d+", note))
    finally:
        bot.close()


def _replied_all(bot: Harness, users: range, contains: str, timeout: float = 120) -> None:
    """Every user got a message holding `contains`, in whatever order the replies came."""
    deadline = time.monotonic() + timeout
    while True:
        replied = {
            int(e["params"]["chat_id"])
            for e in bot.events()
            if e["method"] == "sendMessage" and contains in text_of(e)
        }
        if set(users) <= replied:
            bot.seen = len(bot.events())
            return
        assert time.monotonic() < deadline, f"no reply to {sorted(set(users) - replied)[:5]}"
        time.sleep(0.2)


def test_fifty_digests_at_one_minute_each_once_and_a_question_meanwhile(
    tmp_path: Path, models_dir: Path
) -> None:
    bot = Harness(
        tmp_path / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "64"},
    )
    bot.start_server()
    users = range(100, 150)
    asker = 99
    try:
        _away_from_midnight("UTC")
        bot.start_bot()
        for user in users:
            bot.send(user, f"Lunch with colleague number {user}, paid {user % 7 + 8} euros")
        _replied_all(bot, users, "Saved")
        bot.send(asker, "The spare key is under the blue flower pot.")
        bot.reply_to(asker, "Saved")
        due = datetime.now(UTC) + timedelta(minutes=1)
        if due.second > 40:
            due += timedelta(minutes=1)
        for user in users:
            bot.send(user, f"/digest_time {due:%H:%M}")
        _replied_all(bot, users, f"{due:%H:%M}")
        start = due.replace(second=0, microsecond=0)
        time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()))
        asked = bot.send(asker, "Where is the spare key?")
        answer = bot.wait_for(is_final_answer(asker), timeout=120)
        assert "flower pot" in text_of(answer)
        assert answer["time"] - asked["received"] < 30
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            got = [
                e for e in bot.events() if e["method"] == "sendMessage" and "Your day" in text_of(e)
            ]
            if len(got) >= len(users):
                break
            time.sleep(1)
        time.sleep(3)
        got = [
            e
            for e in bot.events()
            if e["method"] == "sendMessage"
            and "Your day" in text_of(e)
            and int(e["params"]["chat_id"]) in users  # not the asker's, due at 21:00 UTC
        ]
        chats = sorted(int(e["params"]["chat_id"]) for e in got)
        assert chats == list(users)  # every digest, each once
        for event in got:
            user = int(event["params"]["chat_id"])
            assert f"colleague number {user}," in text_of(event)
    finally:
        bot.close()


def test_a_digest_whose_send_failed_is_sent_again_only_what_did_not_go(
    tmp_path: Path, models_dir: Path
) -> None:
    """The one rule for scheduled messages: a day long enough for two messages; the second
    fails once (Telegram 500). It is sent again a moment later, the first is not."""
    bot = Harness(
        tmp_path / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_DELIVERY_RETRY_SECONDS": "2",
            "MNEMO_RATE_PER_MINUTE": "200",
        },
    )
    bot.start_server()
    user = 53
    try:
        _away_from_midnight("UTC")
        bot.start_bot()
        bot.send(user, "/timezone UTC")
        bot.reply_to(user, "UTC")
        for n in range(45):
            bot.send(
                user,
                f"Item {n:02d}: bought a squared notebook, two pens with blue ink, a steel "
                f"ruler and a pencil sharpener at the stationery shop number {n}",
            )
            bot.reply_to(user, "Saved")
        due = datetime.now(UTC) + timedelta(minutes=1)
        if due.second > 45:
            due += timedelta(minutes=1)
        bot.send(user, f"/digest_time {due:%H:%M}")
        bot.reply_to(user, f"{due:%H:%M}")
        start = len(bot.events())
        bot.fail_next(
            "sendMessage", status=500, description="Internal Server Error", chat_id=user, skip=1
        )
        deadline = time.monotonic() + 240
        while True:
            sent = [
                e
                for e in bot.events(start)
                if e["method"] == "sendMessage"
                and int(e["params"]["chat_id"]) == user
                and "message_id" in e["result"]
            ]
            if len(sent) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        time.sleep(4)  # anything sent twice shows up now
        sent = [
            e
            for e in bot.events(start)
            if e["method"] == "sendMessage"
            and int(e["params"]["chat_id"]) == user
            and "message_id" in e["result"]
        ]
        failed = [e for e in bot.events(start) if e["result"] == {"error": 500, "failed": True}]
        assert len(failed) == 1
        assert len(sent) == 2, [text_of(e)[:40] for e in sent]
        first, second = (text_of(e) for e in sent)
        assert "Your day" in first and "Item 00" in first and "Your day" not in second
        assert "Item 44" in second and sent[1]["time"] > failed[0]["time"]
        assert failed[0]["params"]["text"] == sent[1]["params"]["text"], "the same part again"
    finally:
        bot.close()
