"""The export held for "keep theirs too" (services/door/uploads.py) is gone within its day
whatever happens: a press after the day is refused and removes it, the bot's sweep removes
it before the day is out, and /wipe removes it with the rest of the user's memory."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bot.context import MnemoApplication
from knowledge.bootstrap import Services
from knowledge.domain.model import ImportOptions
from knowledge.services.door.arrival import Arrival, ImportAsked, Imported, Refused, Upload
from knowledge.services.door.uploads import HELD_SECONDS
from present.texts import error_text, t
from tests.test_bot_handlers import MemoryRequest, _message, _send, bot  # noqa: F401
from tests.test_bot_outdated import _press

ME, ANNA = 8, 555


def _chat_with_anna(folder: Path, me: int = ME) -> Path:
    """A Telegram Desktop export of a chat: two messages of the user's, two of Anna's."""
    said = [(ANNA, "Are you free on Saturday?"), (me, "Yes, after lunch.")]
    said += [(ANNA, "My flight lands at 18:40."), (me, "I'll pick you up.")]
    messages = [
        {
            "id": number,
            "type": "message",
            "date_unixtime": str(1_763_600_000 + 60 * number),
            "from": "Anna" if who == ANNA else "Me",
            "from_id": f"user{who}",
            "text": text,
        }
        for number, (who, text) in enumerate(said, start=1)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "result.json"
    chat = {"name": "Anna", "type": "personal_chat", "id": ANNA, "messages": messages}
    result.write_text(json.dumps(chat), encoding="utf-8")
    return result


def _held(services: Services, user: int) -> Path:
    return services.settings.incoming_dir / f"held-{user}"


async def _send_export(services: Services, user: int, export: Path) -> None:
    async def fetch(path: Path) -> None:
        path.write_bytes(export.read_bytes())

    outcome = await services.inbound.receive(Arrival(user, upload=Upload(export.name, fetch)))
    assert isinstance(outcome, Imported) and outcome.report.others == 2
    assert [p.name for p in _held(services, user).iterdir()] == ["result.json"]


def _asked_again(user: int) -> Arrival:
    """The "keep theirs too" button pressed: the held export, with all senders."""
    held = ImportAsked(ImportOptions(me=user, all_senders=True), held=True)
    return Arrival(user, upload=Upload("result.json"), imports=held)


def _aged(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(folder, (then, then))


async def test_a_press_after_the_day_is_refused_and_removes_the_copy(
    services: Services, tmp_path: Path
) -> None:
    await _send_export(services, ME, _chat_with_anna(tmp_path / "export"))
    _aged(_held(services, ME), HELD_SECONDS + 60)
    outcome = await services.inbound.receive(_asked_again(ME))
    assert isinstance(outcome, Refused) and outcome.error.code == "import_held_expired"
    assert error_text(outcome.error, "en") == t("err_import_held_expired", "en", hours=24)
    assert not _held(services, ME).exists()
    assert len(services.memory.documents(ME)) == 2  # Anna's were not kept


async def test_a_press_within_the_day_keeps_theirs_and_removes_the_copy(
    services: Services, tmp_path: Path
) -> None:
    await _send_export(services, ME, _chat_with_anna(tmp_path / "export"))
    _aged(_held(services, ME), HELD_SECONDS - 3600)
    outcome = await services.inbound.receive(_asked_again(ME))
    assert isinstance(outcome, Imported) and outcome.report.added == 2
    assert not _held(services, ME).exists()


async def test_the_sweep_removes_a_copy_before_its_day_is_out(
    services: Services, tmp_path: Path
) -> None:
    await _send_export(services, ME, _chat_with_anna(tmp_path / "mine"))
    await _send_export(services, ME + 1, _chat_with_anna(tmp_path / "theirs", ME + 1))
    every = 600  # the bot's sweep: a copy is removed by the last sweep before its day ends
    _aged(_held(services, ME), HELD_SECONDS - every + 30)
    assert services.inbound.sweep_held(every) == 1
    assert not _held(services, ME).exists() and _held(services, ME + 1).is_dir()
    outcome = await services.inbound.receive(_asked_again(ME))
    assert isinstance(outcome, Refused) and outcome.error.code == "import_held_gone"


async def test_wipe_removes_the_held_export(
    bot: tuple[MnemoApplication, MemoryRequest],  # noqa: F811
    services: Services,
    tmp_path: Path,
) -> None:
    application, request = bot
    request.files["anna-1"] = _chat_with_anna(tmp_path / "export")
    document = {"file_id": "anna-1", "file_unique_id": "a1", "file_name": "result.json"}
    await _send(application, _message(ME, document=document))
    assert _held(services, ME).is_dir()
    await _send(application, _press(ME, "wipe:yes"))
    assert request.said(ME)[-1] == t("wiped", "en")
    assert not _held(services, ME).exists() and services.memory.documents(ME) == []
    await _send(application, _press(ME, "senders:result.json"))
    gone = t("err_import_held_gone", "en")
    assert request.said(ME)[-1] == t("failed", "en", name="result.json", reason=gone)
    assert services.memory.documents(ME) == []
