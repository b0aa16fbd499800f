"""The issue's case through the bot's handlers (in-memory Bot API, the core on fakes): after
"今天和小王去了图书馆。" no reminder is offered, and both "我今天和谁在一起？" and
"我今天去哪儿了？" show that note under an honest heading, the date as Chinese writes it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from knowledge.bootstrap import Services
from present.texts import BY_LANGUAGE, t
from tests.test_bot_handlers import _message, _send, bot  # noqa: F401 (the fixture)

USER = 71
MORNING = datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("Europe/Madrid"))


async def test_a_done_note_then_todays_questions_show_it(bot, services: Services) -> None:  # noqa: F811
    application, request = bot
    services.digests.set_timezone(USER, "Europe/Madrid")
    offer = BY_LANGUAGE["zh"]["reminder_offer"].split("{")[0]
    with time_machine.travel(MORNING, tick=False):
        await _send(application, _message(USER, "今天和小王去了图书馆。", lang="zh"))
    assert request.said(USER) == [t("note_saved", "zh")]
    assert not any(offer in text for text in request.said(USER)), "no offer for what was done"
    for question in ("我今天和谁在一起？", "我今天去哪儿了？"):
        with time_machine.travel(MORNING.replace(hour=12), tick=False):
            await _send(application, _message(USER, question, lang="zh"))
        reply = request.said(USER)[-1]
        assert "今天和小王去了图书馆。" in reply, (question, reply)
        assert "2026年12月7日" in reply and "2026-12-07" not in reply, reply
        assert "没有这个答案" not in reply, reply
