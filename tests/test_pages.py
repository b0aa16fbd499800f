"""The "more" pages of a long reply are its asker's alone: another user pressing the same
button (its callback data seen or guessed) gets nothing, and /wipe drops them."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from telegram import Update

from bot.app import build_application
from bot.context import MnemoApplication
from bot.pages import Pages, more_button
from bot.settings import BotSettings
from knowledge.bootstrap import Services
from present.texts import t
from tests.test_bot_handlers import BOT, MemoryRequest

OWNER, STRANGER = 31, 32
PAGES = ["<b>page 1</b>", "<b>page 2</b>", "<b>page 3</b>"]
_ids = itertools.count(9000)


def test_a_kept_reply_is_read_by_its_user_only() -> None:
    kept = Pages()
    token = kept.keep(OWNER, PAGES)
    assert kept.get(OWNER, token, 1) == PAGES[1] and kept.left(OWNER, token, 1) == 2
    assert kept.get(STRANGER, token, 1) is None and kept.left(STRANGER, token, 1) == 0
    assert more_button(kept, STRANGER, token, 1, "en") is None
    assert more_button(kept, OWNER, token, 1, "en") is not None


def test_forgetting_a_user_drops_their_replies_only() -> None:
    kept = Pages()
    mine, theirs = kept.keep(OWNER, PAGES), kept.keep(STRANGER, PAGES)
    kept.forget_user(OWNER)
    assert kept.get(OWNER, mine, 1) is None and kept.left(OWNER, mine, 0) == 0
    assert kept.get(STRANGER, theirs, 2) == PAGES[2]


def test_only_the_newest_replies_are_kept() -> None:
    kept = Pages(limit=2)
    first, *_ = [kept.keep(OWNER, PAGES) for _ in range(3)]
    assert kept.get(OWNER, first, 1) is None


@pytest.fixture
def bot(services: Services) -> tuple[MnemoApplication, MemoryRequest]:
    settings = BotSettings(
        data_dir=services.settings.data_dir,
        telegram_bot_token="1:fake",
        allowed_users=[OWNER, STRANGER],  # both may use the bot: only the pages are apart
    )
    request = MemoryRequest()
    return build_application(settings, services, request=request), request


def _press(user: int, data: str) -> dict[str, Any]:
    sender = {"id": user, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": user, "type": "private"},
        "from": BOT,
        "text": "earlier reply",
    }
    query = {
        "id": str(next(_ids)),
        "from": sender,
        "chat_instance": "1",
        "message": message,
        "data": data,
    }
    return {"update_id": next(_ids), "callback_query": query}


async def _handle(application: MnemoApplication, payload: dict[str, Any]) -> None:
    async with application:
        update = Update.de_json(payload, application.bot)
        processor = application.update_processor
        await processor.process_update(update, application.process_update(update))


def _alerts(request: MemoryRequest) -> list[str]:
    return [
        str(params.get("text"))
        for name, params in request.calls
        if name == "answerCallbackQuery" and params.get("text")
    ]


async def test_another_users_press_of_the_more_button_shows_nothing(
    bot: tuple[MnemoApplication, MemoryRequest],
) -> None:
    application, request = bot
    token = application.bot_data.pages.keep(OWNER, PAGES)
    await _handle(application, _press(STRANGER, f"more:{token}:1"))
    assert request.said(STRANGER) == [] and _alerts(request) == [t("gather_gone", "en")]
    assert all(PAGES[1] not in str(params) for _, params in request.calls)
    await _handle(application, _press(OWNER, f"more:{token}:1"))
    assert request.said(OWNER) == [PAGES[1]]


async def test_wipe_drops_the_users_pages(
    bot: tuple[MnemoApplication, MemoryRequest],
) -> None:
    application, request = bot
    pages = application.bot_data.pages
    mine, theirs = pages.keep(OWNER, PAGES), pages.keep(STRANGER, PAGES)
    await _handle(application, _press(OWNER, "wipe:yes"))
    assert request.said(OWNER) == [t("wiped", "en")]
    assert pages.get(OWNER, mine, 1) is None and pages.get(STRANGER, theirs, 1) == PAGES[1]
