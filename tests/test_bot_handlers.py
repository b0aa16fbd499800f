"""The bot's handlers in-process, fast: PTB's real Application and handlers (admission,
delivery, the inbound service, rendering) over an in-memory Bot API (`MemoryRequest`) and
the core on fakes. No process, no network, no model: what a user is told in each case, in
four languages, checked in seconds. The e2e tier runs the same paths in real processes."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.context import MnemoApplication
from bot.settings import BotSettings
from knowledge.bootstrap import Services
from present.texts import BY_LANGUAGE, t
from tests.audio import make_wav
from tests.fakes import FakeTranscriber

BOT: dict[str, Any] = {
    "id": 999,
    "is_bot": True,
    "first_name": "mnemo",
    "username": "mnemo_test_bot",
}
GROUP = {"id": -1001, "type": "supergroup", "title": "Friends"}


class MemoryRequest(BaseRequest):
    """The Bot API in memory: every call recorded, messages numbered per chat."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(100)
        self.files: dict[str, Path] = {}

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download
            return 200, self.files[url.rsplit("/", 1)[-1]].read_bytes()
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, dict(params)))
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {**BOT, "can_join_groups": True, "can_read_all_group_messages": False}
        if name in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self._ids)
            chat = {"id": int(params["chat_id"]), "type": "private"}
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": BOT,
                "text": params.get("text", ""),
            }
        if name == "getFile":
            return {
                "file_id": params["file_id"],
                "file_unique_id": "u",
                "file_path": params["file_id"],
            }
        return True

    def said(self, chat_id: int) -> list[str]:
        """What the bot sent or edited into `chat_id`, in order."""
        return [
            str(params.get("text"))
            for name, params in self.calls
            if name in ("sendMessage", "editMessageText") and int(params["chat_id"]) == chat_id
        ]


@pytest.fixture
def bot(services: Services, tmp_path: Path) -> Iterator[tuple[MnemoApplication, MemoryRequest]]:
    settings = BotSettings(
        data_dir=services.settings.data_dir,
        telegram_bot_token="1:fake",
        stream_edit_seconds=0.2,
        open_to_all=True,  # strangers served: the closed bot is tests/test_bot_access.py's
    )
    request = MemoryRequest()
    application = build_application(settings, services, request=request)
    yield application, request


_update_ids = itertools.count(1)


def _message(
    user: int, text: str = "", chat: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    sender = {
        "id": user,
        "is_bot": False,
        "first_name": "Ana",
        "language_code": more.pop("lang", "en"),
    }
    message = {
        "message_id": next(_update_ids) + 5000,
        "date": int(time.time()),
        "chat": chat or {"id": user, "type": "private"},
        "from": sender,
        **more,
    }
    if text:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        mention = "@" + BOT["username"]
        if mention in text:
            entity = {"type": "mention", "offset": text.index(mention), "length": len(mention)}
            message["entities"] = [entity]
    return {"update_id": next(_update_ids), "message": message}


async def _send(application: MnemoApplication, payload: dict[str, Any]) -> None:
    async with application:
        update = Update.de_json(payload, application.bot)
        processor = application.update_processor
        await processor.process_update(update, application.process_update(update))


@pytest.mark.parametrize("lang", ["en", "ru", "es", "zh"])
async def test_a_note_is_kept_and_confirmed_in_the_users_language(bot, services, lang) -> None:
    application, request = bot
    await _send(application, _message(11, "The spare key is under the blue flower pot.", lang=lang))
    assert request.said(11) == [t("note_saved", lang)]
    assert [d.name for d in services.memory.documents(11)] == [
        "The spare key is under the blue flower pot."
    ]


async def test_a_question_is_answered_from_memory_with_its_source(bot, services, generator) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(12, "The spare key is under the blue flower pot.")
    generator.enqueue("Under the blue flower pot [1].")
    await _send(application, _message(12, "Where is the spare key?"))
    final = request.said(12)[-1]
    assert "blue flower pot" in final and t("from_memory", "en") in final and "note of" in final
    assert services.inbox.pending() == []  # settled


async def test_a_question_the_model_cannot_answer_is_kept_pending(bot, services, generator) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(13, "The spare key is under the blue flower pot.")
    generator.down = "connection refused"
    update = _message(13, "Where is the spare key?", lang="es")
    await _send(application, update)
    assert request.said(13)[-1] == t("llm_unavailable", "es")
    assert [p["update_id"] for p in services.inbox.pending()] == [update["update_id"]]
    await application.bot_data.delivery.stop()


async def test_a_group_question_is_answered_in_private_and_nothing_of_the_group_is_kept(
    bot, services, generator
) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(14, "The spare key is under the blue flower pot.")
    generator.enqueue("Under the blue flower pot [1].")
    await _send(application, _message(14, "@mnemo_test_bot where is the spare key?", chat=GROUP))
    await _send(application, _message(14, "lunch at noon, everyone", chat=GROUP))
    group = request.said(GROUP["id"])
    assert len(group) == 1 and "blue flower" not in group[0]  # one line, no memory in it
    assert "blue flower pot" in request.said(14)[-1]
    assert len(services.memory.documents(14)) == 1  # the chatter was not kept


async def test_a_spoken_question_is_heard_then_answered(
    bot, services, generator, transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(15, "The spare key is under the blue flower pot.")
    transcriber.text = "Where is the spare key?"
    request.files["voice-1"] = make_wav(tmp_path / "q.wav", 2)
    generator.enqueue("Under the blue flower pot [1].")
    voice = {"file_id": "voice-1", "file_unique_id": "v1", "duration": 2, "file_size": 1000}
    await _send(application, _message(15, voice=voice))
    said = request.said(15)
    assert said[0] == t("listening", "en")
    assert t("voice_heard", "en", text="Where is the spare key?") in said
    assert "blue flower pot" in said[-1]
    assert len(services.memory.documents(15)) == 1  # a question: no voice note kept


async def test_a_reply_to_the_photo_question_labels_the_photo(
    bot, services, tmp_path: Path
) -> None:
    from tests.samples import make_photo

    application, request = bot
    request.files["photo-1"] = make_photo(tmp_path / "plate.jpg", "")
    photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 64, "height": 64}]
    await _send(application, _message(16, photo=photo, lang="zh"))
    asked = [
        p for n, p in request.calls if n == "sendMessage" and p["text"] == t("photo_what", "zh")
    ]
    assert asked
    sent = [p for n, p in request.calls if n == "sendMessage"]
    question_id = 100 + sent.index(asked[0])
    replied = {
        "message_id": question_id,
        "date": 0,
        "chat": {"id": 16, "type": "private"},
        "from": BOT,
        "text": "?",
    }
    await _send(
        application, _message(16, "borscht with sour cream", lang="zh", reply_to_message=replied)
    )
    assert request.said(16)[-1] == t("photo_labelled", "zh", text="borscht with sour cream")
    hits = services.retriever.search(16, "borscht sour cream", k=1)
    assert hits and "borscht" in hits[0].text


def test_every_reply_text_exists_in_every_language_with_the_same_fields() -> None:
    import string

    english = BY_LANGUAGE["en"]
    for language, words in BY_LANGUAGE.items():
        missing = sorted(set(english) - set(words))
        assert missing == [], f"{language} lacks {missing}"
        for key, text in words.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            wanted = {f for _, f, _, _ in string.Formatter().parse(english[key]) if f}
            assert fields == wanted, (language, key)


async def test_a_question_behind_anothers_is_told_its_place_in_line(
    bot, services, generator
) -> None:
    import asyncio

    application, request = bot
    services.keeping.ingestor.add_note(17, "The spare key is under the blue flower pot.")
    generator.enqueue("Under the blue flower pot [1].")
    gate = asyncio.Event()
    held = asyncio.create_task(services.queue.run(99, gate.wait))  # someone else's answer
    await asyncio.sleep(0)
    asked = asyncio.create_task(_send(application, _message(17, "Where is the spare key?")))
    for _ in range(100):
        if t("queued", "en", position=1) in request.said(17):
            break
        await asyncio.sleep(0.02)
    assert t("queued", "en", position=1) in request.said(17)
    gate.set()
    await asyncio.gather(held, asked)
    assert "blue flower pot" in request.said(17)[-1]


async def test_a_note_over_the_quota_is_refused_in_the_users_language(bot, services) -> None:
    application, request = bot
    services.keeping.ingestor._keeper._quota_bytes = 10
    await _send(application, _message(18, "The spare key is under the blue flower pot.", lang="ru"))
    [said] = request.said(18)
    assert said.startswith("в вашей памяти") and "квота" in said, said
    assert services.memory.documents(18) == []


async def test_a_recording_too_long_by_its_reported_length_is_refused_unheard(
    bot, services
) -> None:
    application, request = bot
    voice = {"file_id": "voice-2", "file_unique_id": "v2", "duration": 3600, "file_size": 1000}
    await _send(application, _message(19, voice=voice, lang="zh"))
    limit = f"{services.settings.max_audio_minutes:g}"
    assert request.said(19) == [t("err_voice_too_long", "zh", minutes="60.0", limit=limit)]
    assert not any(name == "getFile" for name, _ in request.calls)


async def test_docs_and_search_speak_the_users_language(bot, services) -> None:
    application, request = bot
    services.profiles.set_language(20, "zh")
    services.keeping.ingestor.add_note(20, "车库密码是4471")
    await _send(application, _message(20, "/docs", lang="zh"))
    listing = request.said(20)[-1]
    assert listing.startswith(f"<b>{t('docs_header', 'zh')}</b>") and "— 笔记," in listing
    await _send(application, _message(20, "/search 车库密码", lang="zh"))
    found = request.said(20)[-1]
    assert "车库密码是4471" in found and "的笔记" in found


async def test_a_link_is_kept_as_its_page_and_a_private_one_as_a_note(bot, services) -> None:
    from tests.pages import serving

    application, request = bot
    with serving() as site:
        await _send(application, _message(31, f"{site}/article", lang="ru"))
        await _send(application, _message(31, f"{site}/to-metadata", lang="ru"))
    said = request.said(31)
    assert said[0] == t("link_saved", "ru", title="How to winterise a cabin", site="127.0.0.1")
    refused = t("err_link_refused", "ru")
    assert said[1] == t("link_not_read", "ru", reason=refused)
    kinds = sorted(d.kind for d in services.memory.documents(31))
    assert kinds == ["link", "note"]  # the refused link is still kept, as the note it was


async def test_a_telegram_export_sent_as_a_file_is_imported_with_progress(
    bot, services, tmp_path: Path
) -> None:
    from bench.telegram_export import ExportPlan, write_export

    application, request = bot
    result = write_export(tmp_path / "export", ExportPlan(messages=150))
    request.files["export-1"] = result
    document = {"file_id": "export-1", "file_unique_id": "e1", "file_name": "result.json"}
    await _send(application, _message(32, document=document, lang="es"))
    said = request.said(32)
    done = t("import_done", "es", name="result.json", added=150, already=0, failed=0)
    assert said[-1] == done
    assert len(services.memory.documents(32)) == 150
    assert min(d.created_at for d in services.memory.documents(32)).year == 2023


async def test_a_mnemo_export_sent_as_a_file_brings_its_reminders_back(
    bot, services, tmp_path: Path
) -> None:
    application, request = bot
    services.keeping.ingestor.add_note(40, "The spare key is under the blue flowerpot.")
    with services.engines.storage.begin() as uow:
        uow.reminders.add(40, "call mum", datetime.now(UTC) + timedelta(days=1), zone="UTC")
    request.files["export-2"] = services.memory.export(40, tmp_path / "mnemo-export-40.zip")
    name = "mnemo-export-40.zip"
    document = {"file_id": "export-2", "file_unique_id": "e2", "file_name": name}
    await _send(application, _message(41, document=document, lang="ru"))
    said = request.said(41)[-1].splitlines()
    assert said[0] == t("import_done", "ru", name=name, added=1, already=0, failed=0)
    assert said[-1] == t("import_reminders", "ru", added=1)
    assert [r.text for r in services.reminders.coming(41)] == ["call mum"]
