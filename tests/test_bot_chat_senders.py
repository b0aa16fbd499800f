"""A chat export sent to the bot (in-memory Bot API, the core on fakes): only the person's own
messages kept, a button under the summary offers the others', pressed: kept with who said
each, nothing twice."""

from __future__ import annotations

import json
import time
from pathlib import Path

from knowledge.bootstrap import Services
from present.texts import t
from tests.test_bot_handlers import BOT, MemoryRequest, _message, _send, bot
from tests.test_senders import ME, _chat

__all__ = ["bot"]  # the fixture, shared with tests/test_bot_handlers.py


async def test_the_others_messages_are_kept_when_the_button_is_pressed(
    bot: tuple[object, MemoryRequest], services: Services, tmp_path: Path
) -> None:
    application, request = bot
    request.files["chat-1"] = _chat(tmp_path / "export")
    document = {"file_id": "chat-1", "file_unique_id": "c1", "file_name": "result.json"}
    await _send(application, _message(ME, document=document, lang="ru"))  # type: ignore[arg-type]
    said = request.said(ME)
    assert said[-2] == t("import_done", "ru", name="result.json", added=2, already=0, failed=0)
    assert said[-1] == t("import_others", "ru", n=3)
    [offer] = [p for name, p in request.calls if name == "sendMessage" and p.get("reply_markup")]
    markup = offer["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    [[button]] = markup["inline_keyboard"]
    assert button["text"] == t("import_others_keep", "ru")
    press = {
        "update_id": 990001,
        "callback_query": {
            "id": "cq1",
            "from": {"id": ME, "is_bot": False, "first_name": "Ana", "language_code": "ru"},
            "chat_instance": str(ME),
            "data": button["callback_data"],
            "message": {
                "message_id": 4242,
                "date": int(time.time()),
                "chat": {"id": ME, "type": "private"},
                "from": BOT,
                "text": said[-1],
            },
        },
    }
    await _send(application, press)  # type: ignore[arg-type]
    done = t("import_done", "ru", name="result.json", added=3, already=2, failed=0)
    assert request.said(ME)[-1] == done
    with services.engines.storage.read() as uow:
        origins = {note.text: note.origin for note in uow.notes.of_user(ME)}
    assert origins["The flight lands at 18:40, terminal 2."] == "Anna"
    assert origins["My flight is on Thursday morning."] is None
    assert len(origins) == 5
