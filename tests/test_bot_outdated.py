"""The "outdated" button under an answer's quote, in-process over the in-memory Bot API
(tests/test_bot_handlers.py): the answer carries a button per quoted item, pressing it marks
the presser's item outdated (the next answer passes it over) and offers to restore it; a
press naming another user's item changes nothing."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from typing import Any

from bot.context import MnemoApplication
from knowledge.bootstrap import Services
from present.texts import t
from tests.fakes import ScriptedGenerator
from tests.test_bot_handlers import BOT, MemoryRequest, _message, _send, bot  # noqa: F401

SEPTEMBER = datetime(2026, 9, 3, 9, 15, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 20, 18, 40, tzinfo=UTC)
_ids = itertools.count(9000)


def _press(user: int, data: str, message_id: int = 100) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": user, "is_bot": False, "first_name": "Ana", "language_code": "en"},
            "chat_instance": "c",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user, "type": "private"},
                "from": BOT,
                "text": "…",
            },
        },
    }


def _buttons(request: MemoryRequest, user: int) -> list[dict[str, str]]:
    """The inline buttons of the last message sent or edited into the user's chat."""
    for name, params in reversed(request.calls):
        if name in ("sendMessage", "editMessageText") and int(params["chat_id"]) == user:
            markup = params.get("reply_markup")
            if markup is None:
                return []
            keyboard = json.loads(markup) if isinstance(markup, str) else markup
            return [button for row in keyboard["inline_keyboard"] for button in row]
    return []


async def test_an_answers_quote_can_be_marked_outdated_and_restored(
    bot: tuple[MnemoApplication, MemoryRequest],  # noqa: F811
    services: Services,
    generator: ScriptedGenerator,
) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(21, "Gym locker 118", created_at=SEPTEMBER)
    new = services.keeping.ingestor.add_note(21, "My gym locker is 204 now", created_at=NOVEMBER)
    generator.enqueue("Your gym locker is 204 [1].")
    await _send(application, _message(21, "Which gym locker is mine?"))
    answer = request.said(21)[-1]
    assert "204" in answer and "since Nov 20, 2026" in answer
    [button] = _buttons(request, 21)
    assert button["callback_data"] == f"old:{new.doc_id}"
    assert button["text"] == t("outdated_button", "en", what="Nov 20, 2026 18:40")

    await _send(application, _press(21, button["callback_data"]))
    confirmation = request.said(21)[-1]
    assert confirmation.startswith("⌛ Marked as outdated: “My gym locker is 204 now”")
    [restore] = _buttons(request, 21)
    assert restore["callback_data"] == f"old:{new.doc_id}:back"
    with services.engines.storage.read() as uow:
        assert set(uow.documents.outdated_among(21, {new.doc_id})) == {new.doc_id}

    before = len(generator.prompts)
    await _send(application, _message(21, "Which gym locker is mine?"))
    assert len(generator.prompts) == before  # no current value left: not asked of the model
    assert t("closest", "en") in request.said(21)[-1]

    await _send(application, _press(21, restore["callback_data"]))
    assert request.said(21)[-1] == t("outdated_restored", "en", what="“My gym locker is 204 now”")
    with services.engines.storage.read() as uow:
        assert uow.documents.outdated_among(21, {new.doc_id}) == {}


async def test_a_press_naming_another_users_note_changes_nothing(
    bot: tuple[MnemoApplication, MemoryRequest],  # noqa: F811
    services: Services,
) -> None:
    application, request = bot
    theirs = services.keeping.ingestor.add_note(22, "Office door code 4471")
    await _send(application, _press(23, f"old:{theirs.doc_id}"))
    alerts = [params for name, params in request.calls if name == "answerCallbackQuery"]
    assert alerts and alerts[-1].get("text") == t("not_found", "en", id=theirs.doc_id)
    with services.engines.storage.read() as uow:
        assert uow.documents.outdated_among(22, {theirs.doc_id}) == {}
    assert request.said(23) == []
