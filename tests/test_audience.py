"""The one rule for shared chats (services/door/chat_rule.py, read by bot/audience.py), for every
kind of update: what the fake Bot API sends for each is read, and the route decided. Fast: no
bot, no network."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from telegram import Update

from bot.audience import arrival, without_mention
from knowledge.services.door.chat_rule import Route, route
from tests.fake_telegram import BOT_ID, BOT_USERNAME, FakeTelegram

GROUP = {"id": -1001, "type": "supergroup"}
USER = 5
PIXEL = base64.b64encode(b"\xff\xd8fake-jpeg").decode()


def _route(**spec: Any) -> Route:
    fake = FakeTelegram()
    spec.setdefault("user_id", USER)
    if "reply_to" in spec:  # the bot said something in that chat first
        chat_id = spec["chat"]["id"] if "chat" in spec else USER
        said = fake._bot_message(chat_id, text="What's on this photo?")
        spec["reply_to"] = said["message_id"]
    if "edit_of" in spec:
        original = {k: v for k, v in spec.items() if k not in ("edit_of", "text", "caption")}
        spec["edit_of"] = fake._message({**original, "text": "before"})["message_id"]
        update = {"update_id": 1, "edited_message": fake._edited(spec)}
    elif "channel_post" in spec:
        update = {"update_id": 1, "channel_post": fake._channel_post(spec)}
    elif "added_to" in spec:
        update = {"update_id": 1, "my_chat_member": fake._added(spec)}
    elif "callback_data" in spec:
        chat_id = int(spec.get("chat_id", USER))
        owner = spec.pop("owner", USER)
        shown = fake._bot_message(chat_id if chat_id < 0 else owner, text="/docs")
        spec["message_id"] = shown["message_id"]
        spec["chat_id"] = chat_id if chat_id < 0 else owner
        update = {"update_id": 1, "callback_query": fake._press(spec, 1)}
    else:
        update = {"update_id": 1, "message": fake._message(spec)}
    return route(arrival(Update.de_json(update, None), BOT_ID, BOT_USERNAME))


def _media(kind: str) -> dict[str, Any]:
    if kind == "photo":
        return {"photo": {"data": PIXEL, "width": 10, "height": 10}}
    if kind == "voice":
        return {"voice": {"data": PIXEL, "duration": 2}}
    return {"document": {"name": "manual.pdf", "data": PIXEL}}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # A private chat: everything, as ever.
        ({"text": "The spare key is under the pot"}, Route.HANDLE),
        ({"text": "Where is the spare key?"}, Route.HANDLE),
        ({"text": "/search key"}, Route.HANDLE),
        ({"text": "/help"}, Route.HANDLE),
        ({"edit_of": True, "text": "after"}, Route.HANDLE),
        (_media("photo"), Route.HANDLE),
        (_media("voice"), Route.HANDLE),
        (_media("document"), Route.HANDLE),
        # A group: only what is meant for the bot; memory only in private.
        ({"chat": GROUP, "text": "What's for dinner?"}, Route.IGNORE),
        ({"chat": GROUP, "text": "buy milk on the way home"}, Route.IGNORE),
        ({"chat": GROUP, "text": f"@{BOT_USERNAME} what is my bank card PIN?"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": f"@{BOT_USERNAME} buy milk"}, Route.INTRO),
        ({"chat": GROUP, "text": "What is my PIN?", "reply_to": True}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/ask What is my bank card PIN?"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": f"/search@{BOT_USERNAME} PIN"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/search@other_helper_bot PIN"}, Route.IGNORE),
        ({"chat": GROUP, "text": "/note Dentist on Friday"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/docs"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/export"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/digest"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/stats"}, Route.PRIVATELY),
        ({"chat": GROUP, "text": "/start"}, Route.INTRO),
        ({"chat": GROUP, "text": "/help"}, Route.INTRO),
        ({"chat": GROUP, "edit_of": True, "text": "/ask what is my PIN?"}, Route.IGNORE),
        ({"chat": GROUP, **_media("photo")}, Route.IGNORE),
        ({"chat": GROUP, **_media("voice")}, Route.IGNORE),
        ({"chat": GROUP, **_media("document")}, Route.IGNORE),
        ({"chat": GROUP, **_media("photo"), "caption": f"@{BOT_USERNAME} keep"}, Route.INTRO),
        # No one person behind it: refused when it addresses the bot, else ignored.
        ({"chat": GROUP, "anonymous": True, "text": "/ask what is my PIN?"}, Route.REFUSE),
        ({"chat": GROUP, "anonymous": True, "text": "hello all"}, Route.IGNORE),
        (
            {"chat": GROUP, "as_channel": {"id": -1002}, "text": "/search PIN"},
            Route.REFUSE,
        ),
        ({"chat": GROUP, "from_bot": True, "text": "/ask what is my PIN?"}, Route.REFUSE),
        ({"channel_post": {"id": -1003}, "text": "News of the day"}, Route.IGNORE),
        ({"channel_post": {"id": -1003}, "text": "/ask what is my PIN?"}, Route.REFUSE),
        # Buttons: only in their presser's own private chat.
        ({"callback_data": "forget:3"}, Route.HANDLE),
        ({"callback_data": "forget:3", "owner": 6}, Route.NOT_YOURS),
        ({"callback_data": "forget:3", "chat_id": GROUP["id"]}, Route.NOT_YOURS),
        # Added to a group: say once how it works there.
        ({"added_to": GROUP}, Route.GREET),
    ],
)
def test_each_kind_of_update_takes_its_route(spec: dict[str, Any], expected: Route) -> None:
    assert _route(**spec) is expected


def test_the_bots_mention_is_taken_out_of_a_question() -> None:
    assert without_mention(f"@{BOT_USERNAME} where is the key?", BOT_USERNAME) == (
        "where is the key?"
    )
    assert without_mention("where is the key?", BOT_USERNAME) == "where is the key?"
