"""End to end, the bot in a family group: a member's private memory never shows there.
Questions and memory commands sent in the group are answered in the member's private
chat; the group hears only that. Chatter is not kept; /note is. Anonymous admins, channels
and bots are refused; a button works only for its owner; an edited note replaces the note
and an edited question is not asked again. The real `mnemo run` against the fake Bot API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botharness import Harness, is_final_answer, text_of
from tests.fake_telegram import BOT_USERNAME

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

FAMILY = -100500  # a supergroup
OTHER_GROUP = -100600
MEMBER = 101  # started the bot, keeps a PIN in their private memory
NEWCOMER = 102  # in the group, never opened a private chat with the bot
PIN_NOTE = "My bank card PIN is 9137"
GROUP_LINE_MARKS = ("🔒", "📝", "👋", "I can't tell whose memory")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Harness]:
    harness = Harness(
        tmp_path_factory.mktemp("groups") / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "64"},
    )
    harness.start_server()
    harness.start_bot()
    harness.send(MEMBER, PIN_NOTE)
    harness.reply_to(MEMBER, "Saved")
    yield harness
    harness.close()


def _to_chat(bot: Harness, chat: int, since: int = 0) -> list[dict]:
    return [
        e
        for e in bot.events(since)
        if e["method"].startswith(("send", "edit"))
        and str(e["params"].get("chat_id")) == str(chat)
        and isinstance(e["result"], dict)
        and "message_id" in e["result"]
    ]


def _sql(bot: Harness, query: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
    with engine.connect() as connection:
        rows = connection.execute(text(query)).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_memory_asked_for_in_the_group_is_answered_in_private(bot: Harness) -> None:
    start = len(bot.events())
    bot.send_in_group(MEMBER, FAMILY, "/ask What is my bank card PIN?")
    answer = bot.wait_for(is_final_answer(MEMBER), timeout=180)
    assert "9137" in text_of(answer)
    bot.send_in_group(MEMBER, FAMILY, f"@{BOT_USERNAME} what is my bank card PIN?")
    assert "9137" in text_of(bot.wait_for(is_final_answer(MEMBER), timeout=180))
    bot.send_in_group(MEMBER, FAMILY, f"/search@{BOT_USERNAME} PIN")
    assert "9137" in text_of(bot.reply_to(MEMBER, "9137"))
    bot.send_in_group(MEMBER, FAMILY, "/docs")
    assert "My bank card PIN" in text_of(bot.reply_to(MEMBER, "My bank card PIN"))
    bot.send_in_group(MEMBER, FAMILY, "/stats")
    bot.reply_to(MEMBER, "Notes: 1")
    bot.send_in_group(MEMBER, FAMILY, "/export")
    exported = bot.wait_for(
        lambda e: e["method"] == "sendDocument" and int(e["params"]["chat_id"]) == MEMBER
    )
    assert exported["result"]["document"]["file_name"].endswith(".zip")
    bot.send_in_group(MEMBER, FAMILY, "What is my bank card PIN?")  # not meant for the bot
    time.sleep(3)
    said = _to_chat(bot, FAMILY, start)
    assert len(said) == 6, [text_of(e) for e in said]  # one line per addressed update
    for event in said:
        text = text_of(event)
        assert text.startswith(GROUP_LINE_MARKS), text
        assert "9137" not in text and "PIN" not in text and "bank" not in text
        button = event["params"]["reply_markup"]["inline_keyboard"][0][0]
        assert button["url"].startswith(f"https://t.me/{BOT_USERNAME}")
    assert not [
        e
        for e in bot.events(start)
        if e["method"] == "sendDocument" and int(e["params"]["chat_id"]) == FAMILY
    ]


def test_someone_who_never_started_the_bot_is_told_how_and_nothing_is_kept(
    bot: Harness,
) -> None:
    start = len(bot.events())
    bot.send_in_group(NEWCOMER, FAMILY, "/ask What is my bank card PIN?")
    line = bot.wait_for(
        lambda e: e["method"] == "sendMessage" and int(e["params"]["chat_id"]) == FAMILY
    )
    assert "press Start" in text_of(line) and "9137" not in text_of(line)
    time.sleep(2)
    assert not _to_chat(bot, NEWCOMER, start)
    assert _sql(bot, f"SELECT count(*) FROM users WHERE id = {NEWCOMER}") == [(0,)]
    assert _sql(bot, f"SELECT status FROM inbox WHERE user_id = {NEWCOMER}") == [("done",)]


def test_group_chatter_is_not_kept_and_note_is(bot: Harness) -> None:
    bot.send_in_group(MEMBER, FAMILY, "Buy bread and oat milk on the way home")
    bot.send_in_group(MEMBER, FAMILY, f"@{BOT_USERNAME} the dog needs a walk")
    assert "/note" in text_of(bot.reply_to(FAMILY, "I'm mnemo"))
    bot.send_in_group(MEMBER, FAMILY, "/note Dentist appointment on Friday at 10")
    assert "keeping that" in text_of(bot.reply_to(FAMILY, "📝"))
    assert "Saved" in text_of(bot.reply_to(MEMBER, "Saved"))
    names = [row[0] for row in _sql(bot, f"SELECT name FROM documents WHERE user_id = {MEMBER}")]
    assert any("Dentist appointment" in name for name in names)
    assert not any("oat milk" in name or "dog" in name for name in names)


def test_no_one_person_behind_it_is_refused_once(bot: Harness) -> None:
    start = len(bot.events())
    bot.send_in_group(MEMBER, FAMILY, "/ask What is my bank card PIN?", anonymous=True)
    refused = bot.reply_to(FAMILY, "I can't tell whose memory")
    bot.send_in_group(MEMBER, FAMILY, "/search PIN", anonymous=True)
    bot.send_in_group(
        MEMBER, OTHER_GROUP, "/search PIN", as_channel={"id": -100700, "title": "News"}
    )
    bot.reply_to(OTHER_GROUP, "I can't tell whose memory")
    bot.send(MEMBER, "/ask what is the PIN?", chat={"id": -100800}, from_bot=True)
    bot.reply_to(-100800, "I can't tell whose memory")
    bot.send(MEMBER, "The news of the day", channel_post={"id": -100900})
    bot.send(MEMBER, "/ask what is my PIN?", channel_post={"id": -100900})
    bot.reply_to(-100900, "I can't tell whose memory")
    time.sleep(2)
    assert len(_to_chat(bot, FAMILY, start)) == 1, "the second anonymous one: silence"
    assert refused["params"].get("reply_markup") is None
    for event in bot.events(start):
        if event["method"].startswith("send") and isinstance(event["result"], dict):
            assert "9137" not in json.dumps(event["result"], ensure_ascii=False)
    assert _sql(bot, "SELECT count(*) FROM users WHERE id IN (1087968824, 136817688)") == [(0,)]


def test_added_to_a_group_it_says_how_it_works_there(bot: Harness) -> None:
    bot.send(MEMBER, added_to={"id": -100950, "type": "group"})
    greeting = text_of(bot.reply_to(-100950, "I'm mnemo"))
    assert "private chat" in greeting


def test_a_button_works_only_for_its_owner(bot: Harness) -> None:
    bot.send(MEMBER, "/docs")
    listing = bot.reply_to(MEMBER, "Dentist")
    button = listing["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    message_id = listing["result"]["message_id"]
    bot.send(NEWCOMER + 1, callback_data=button, message_id=message_id, chat_id=MEMBER)
    alert = bot.wait_for(lambda e: e["method"] == "answerCallbackQuery")
    assert alert["params"]["show_alert"] in (True, "true", "True")
    assert "isn't yours" in alert["params"]["text"]
    time.sleep(1)
    assert _sql(bot, f"SELECT count(*) FROM documents WHERE user_id = {MEMBER}")[0][0] >= 2


def test_an_edited_note_replaces_it_and_an_edited_question_is_not_asked_again(
    bot: Harness,
) -> None:
    sent = bot.send(MEMBER, "Lunch with Ana on Tuesday at Casa Lola")
    bot.reply_to(MEMBER, "Saved")
    bot.edit(MEMBER, sent["message_id"], text="Lunch with Ana on Thursday at Casa Lola")
    assert "updated" in text_of(bot.reply_to(MEMBER, "updated"))
    bot.send(MEMBER, "/search lunch Ana")
    found = text_of(bot.reply_to(MEMBER, "Casa Lola"))
    assert "Thursday" in found and "Tuesday" not in found
    lunches = _sql(
        bot, f"SELECT count(*) FROM notes WHERE user_id = {MEMBER} AND text LIKE 'Lunch%'"
    )
    assert lunches == [(1,)]
    asked = bot.send(MEMBER, "Where is lunch with Ana?")
    bot.wait_for(is_final_answer(MEMBER), timeout=180)
    start = len(bot.events())
    bot.edit(MEMBER, asked["message_id"], text="Where is lunch with Ana on Thursday?")
    time.sleep(4)
    assert not _to_chat(bot, MEMBER, start), "an edited question is not answered again"
    assert _sql(bot, "SELECT count(*) FROM inbox WHERE status = 'pending'") == [(0,)]


def test_nothing_of_the_memory_was_ever_posted_in_a_shared_chat(bot: Harness) -> None:
    """Runs last: every message the bot sent to any group or channel in this module."""
    for event in bot.events():
        chat = str(event["params"].get("chat_id", "0"))
        if not chat.startswith("-") or not isinstance(event["result"], dict):
            continue
        text = text_of(event)
        assert text.startswith(GROUP_LINE_MARKS), text
        for private in ("9137", "Dentist appointment", "Casa Lola", "bank card"):
            assert private not in text
        assert event["method"] == "sendMessage"
