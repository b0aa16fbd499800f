"""The bot is closed by default: the core's rule (services/upkeep/access.py) over real SQL, then the
bot's edge in-process (bot/access.py, bot/admission.py) over the in-memory Bot API of
tests/test_bot_handlers.py. A stranger gets one line and nothing of theirs is recorded,
downloaded or fetched; the claim code makes the owner, the owner's invites make members.
The same through the real process: tests/test_bot_access.py."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.context import MnemoApplication
from bot.settings import BotSettings
from knowledge.adapters.sql.database import make_engine, migrate, session_factory
from knowledge.adapters.sql.repositories import SqlStorage
from knowledge.bootstrap import Services
from knowledge.services.upkeep.access import Access
from present.texts import t
from tests.test_bot_handlers import GROUP, MemoryRequest, _message, _send

STORAGE_TESTS = True  # the service tests run on SQLite and on PostgreSQL

OWNER, FAMILY, STRANGER = 1, 2, 3
START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def storage(tmp_path: Path, database: str | None) -> Iterator[SqlStorage]:
    url = database or f"sqlite:///{tmp_path / 'access.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    yield SqlStorage(session_factory(engine))
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def access(storage: SqlStorage, clock: Clock) -> Access:
    return Access(storage, clock=clock)


def _codes(storage: SqlStorage) -> list[tuple[Any, ...]]:
    with storage.read() as uow:
        session = uow.members._session
        return [tuple(row) for row in session.execute(text("SELECT * FROM access_codes"))]


# The core's rule -------------------------------------------------------------------------


def test_the_first_to_send_the_claim_code_owns_the_bot_and_no_one_after(
    access: Access, storage: SqlStorage
) -> None:
    code = access.claim_code()
    assert code is not None and access.owner() is None
    stored = _codes(storage)
    assert len(stored) == 1 and hashlib.sha256(code.encode()).hexdigest() in stored[0]
    assert all(code not in str(value) for value in stored[0])  # only its hash is kept
    assert not access.claim(OWNER, code + "x")
    assert access.claim(OWNER, code)
    assert access.owner() == OWNER and access.is_member(OWNER)
    assert not access.claim(FAMILY, code)  # used
    assert access.claim_code() is None  # owned: no more claim codes
    assert access.owner() == OWNER and not access.is_member(FAMILY)
    assert _codes(storage) == []


def test_claim_codes_of_earlier_starts_stay_valid_until_the_bot_is_claimed(
    access: Access, storage: SqlStorage
) -> None:
    first, second = access.claim_code(), access.claim_code()
    assert first and second and first != second
    assert access.claim(OWNER, first)
    assert not access.claim(FAMILY, second)  # every claim code went with the claim
    assert _codes(storage) == []


def test_an_invite_lets_one_person_in_once(access: Access) -> None:
    claim = access.claim_code()
    assert claim and access.claim(OWNER, claim)
    assert access.invite(FAMILY) is None  # only the owner invites
    code = access.invite(OWNER)
    assert code is not None
    assert not access.join(FAMILY, "not-the-code")
    assert access.join(FAMILY, code)
    assert access.is_member(FAMILY)
    assert not access.join(STRANGER, code)  # used
    assert not access.is_member(STRANGER)
    assert not access.join(STRANGER, claim)  # a claim code is no invite
    members = {m.user_id: (m.role, m.invited_by) for m in access.members()}
    assert members == {OWNER: ("owner", None), FAMILY: ("member", OWNER)}


def test_an_invite_expires_after_a_week(access: Access, clock: Clock) -> None:
    claim = access.claim_code()
    assert claim and access.claim(OWNER, claim)
    late, in_time = access.invite(OWNER), access.invite(OWNER)
    assert late and in_time
    clock.now = START + timedelta(days=6, hours=23)
    assert access.join(FAMILY, in_time)
    clock.now = START + timedelta(days=7, seconds=1)
    assert not access.join(STRANGER, late)
    assert not access.is_member(STRANGER)


def test_code_guesses_are_limited_per_person_and_hour(access: Access, clock: Clock) -> None:
    claim = access.claim_code()
    assert claim
    for guess in range(5):
        assert not access.claim(STRANGER, f"guess-{guess}")
    assert not access.claim(STRANGER, claim)  # over the limit: not even looked at
    assert access.owner() is None
    clock.now = START + timedelta(hours=1)
    assert access.claim(STRANGER, claim)


def test_wiping_a_members_memory_keeps_their_membership(access: Access, storage: SqlStorage):
    claim = access.claim_code()
    assert claim and access.claim(OWNER, claim)
    code = access.invite(OWNER)
    assert code and access.join(FAMILY, code)
    with storage.begin() as uow:
        uow.users.wipe(FAMILY)
    assert access.is_member(FAMILY)


def test_allowed_users_star_opens_the_bot_and_a_list_sets_it_outright(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert BotSettings(_env_file=None).closed
    monkeypatch.setenv("MNEMO_ALLOWED_USERS", "*")
    opened = BotSettings(_env_file=None)
    assert opened.open_to_all and not opened.closed and opened.allowed_users == []
    monkeypatch.setenv("MNEMO_ALLOWED_USERS", "5, 6")
    listed = BotSettings(_env_file=None)
    assert listed.allowed_users == [5, 6] and not listed.open_to_all and not listed.closed


# The bot's edge, in-process ---------------------------------------------------------------


class Pages:
    """A web page on loopback that counts its visitors."""

    def __init__(self) -> None:
        visits = self.visits = [0]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                visits[0] += 1
                body = b"<html><head><title>Cabin</title></head><body><p>"
                body += b"The cabin key is under the mat. " * 20 + b"</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cabin"


@pytest.fixture
def pages() -> Iterator[Pages]:
    served = Pages()
    yield served
    served.server.shutdown()


@pytest.fixture
def closed_bot(services: Services) -> Iterator[tuple[MnemoApplication, MemoryRequest]]:
    """A fresh install's bot: no MNEMO_ALLOWED_USERS."""
    settings = BotSettings(
        _env_file=None, data_dir=services.settings.data_dir, telegram_bot_token="1:fake"
    )
    assert settings.closed
    request = MemoryRequest()
    yield build_application(settings, services, request=request), request


def _rows(services: Services, user: int) -> dict[str, int]:
    counts = {}
    engine = make_engine(services.settings.sql_url)
    with engine.connect() as connection:
        for table, column in (
            ("users", "id"),
            ("documents", "user_id"),
            ("notes", "user_id"),
            ("inbox", "user_id"),
            ("members", "user_id"),
        ):
            query = text(f"SELECT count(*) FROM {table} WHERE {column} = :user")
            counts[table] = int(connection.scalar(query, {"user": user}) or 0)
    engine.dispose()
    return counts


NOTHING = {"users": 0, "documents": 0, "notes": 0, "inbox": 0, "members": 0}


async def test_a_stranger_is_told_once_and_nothing_they_send_is_kept_or_fetched(
    closed_bot, services: Services, pages: Pages
) -> None:
    application, request = closed_bot
    document = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "secrets.txt"}
    for update in (
        _message(STRANGER, "Remember my password is hunter2", lang="ru"),
        _message(STRANGER, pages.url, lang="ru"),
        _message(STRANGER, lang="ru", document=document),
        _message(STRANGER, "/start", lang="ru"),
        _message(STRANGER, "/start wrong-code", lang="ru"),
        _message(STRANGER, "@mnemo_test_bot where is the key?", chat=GROUP, lang="ru"),
    ):
        await _send(application, update)
    assert request.said(STRANGER) == [t("not_allowed", "ru")]  # once, in their language
    assert request.said(GROUP["id"]) == []
    assert not [name for name, _ in request.calls if name == "getFile"]
    assert pages.visits == [0]
    assert _rows(services, STRANGER) == NOTHING


async def test_the_claim_code_makes_the_owner_whose_invite_makes_a_member(
    closed_bot, services: Services, pages: Pages
) -> None:
    application, request = closed_bot
    code = services.access.claim_code()
    assert code is not None
    await _send(application, _message(OWNER, f"/start {code}", lang="es"))
    said = request.said(OWNER)
    assert said[0] == t("claimed", "es") and said[1] == t("start", "es")
    assert services.access.owner() == OWNER
    await _send(application, _message(OWNER, "/invite"))
    invite = request.said(OWNER)[-1]
    assert "https://t.me/mnemo_test_bot?start=" in invite
    link = next(word for word in invite.split() if word.startswith("https://t.me/"))
    invite_code = link.split("start=", 1)[1]
    await _send(application, _message(FAMILY, f"/start {invite_code}", lang="zh"))
    assert request.said(FAMILY)[0] == t("joined", "zh")
    await _send(application, _message(FAMILY, "The spare key is under the blue flower pot."))
    assert request.said(FAMILY)[-1] == t("note_saved", "zh")
    assert len(services.memory.documents(FAMILY)) == 1
    await _send(application, _message(FAMILY, pages.url))
    assert pages.visits == [1]  # a member's link is read, as ever
    await _send(application, _message(FAMILY, "/invite"))
    assert request.said(FAMILY)[-1] == t("owner_only", "zh")
    await _send(application, _message(STRANGER, f"/start {invite_code}"))  # used up
    await _send(application, _message(STRANGER, f"/start {code}"))  # the bot is owned
    assert request.said(STRANGER) == [t("not_allowed", "en")]
    assert _rows(services, STRANGER) == NOTHING
    await _send(application, _message(OWNER, "/stats"))
    assert t("stats_all", "es", users=2) in request.said(OWNER)[-1]  # the owner is an admin


async def test_an_open_bot_or_a_list_makes_no_claim_code_and_no_invites(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.access import announce_claim

    data_dir = services.settings.data_dir
    for settings in (
        BotSettings(_env_file=None, data_dir=data_dir, telegram_bot_token="1:f", open_to_all=True),
        BotSettings(_env_file=None, data_dir=data_dir, telegram_bot_token="1:f", allowed_users=[1]),
    ):
        request = MemoryRequest()
        application = build_application(settings, services, request=request)
        async with application:
            await announce_claim(application)
        assert capsys.readouterr().out == ""
        await _send(application, _message(OWNER, "/invite"))
        assert request.said(OWNER) == [t("invite_off", "en")]
    closed = BotSettings(_env_file=None, data_dir=data_dir, telegram_bot_token="1:f")
    application = build_application(closed, services, request=MemoryRequest())
    async with application:
        await announce_claim(application)
    line = capsys.readouterr().out
    assert line.startswith("mnemo is private. To become its owner, send /start ")
    assert "to @mnemo_test_bot (or open https://t.me/mnemo_test_bot?start=" in line


async def test_a_strangers_voice_edit_and_button_presses_reach_nothing(
    closed_bot, services: Services, tmp_path: Path
) -> None:
    """A voice note, an edit and presses of every kind of button (naming the owner's
    reminder, note and pages): nothing is downloaded, kept or changed, and the stranger is
    told the one line once."""
    from tests.test_bot_outdated import _press

    application, request = closed_bot
    claim = services.access.claim_code()
    assert claim and services.access.claim(OWNER, claim)
    note = services.keeping.ingestor.add_note(OWNER, "The spare key is under the mat.")
    with services.engines.storage.begin() as uow:
        due = datetime.now(UTC) + timedelta(days=1)
        reminder = uow.reminders.add(OWNER, "call mum", due, zone="UTC")
    token = application.bot_data.pages.keep(OWNER, ["page 1", "page 2 of the owner's"])
    incoming = services.settings.incoming_dir
    request.files["voice-9"] = tmp_path / "voice.ogg"
    (tmp_path / "voice.ogg").write_bytes(b"OggS" + bytes(64))
    voice = {"file_id": "voice-9", "file_unique_id": "v9", "duration": 3, "file_size": 68}
    edited = _message(STRANGER, "The spare key is with me now.")
    edited["edited_message"] = {
        **edited.pop("message"),
        "edit_date": int(datetime.now().timestamp()),
    }
    presses = [
        f"rem:x:{reminder.id}",
        f"rem:d:{reminder.id}",
        f"old:{note.doc_id}",
        "senders:result.json",
        f"more:{token}:1",
        "wipe:yes",
    ]
    for update in (
        *[_press(STRANGER, data) for data in presses],
        _message(STRANGER, voice=voice),
        edited,
    ):
        await _send(application, update)
    alerts = [p.get("text") for name, p in request.calls if name == "answerCallbackQuery"]
    assert alerts == [t("not_allowed", "en")] and request.said(STRANGER) == []  # once
    assert not [name for name, _ in request.calls if name in ("getFile", "editMessageReplyMarkup")]
    assert all("page 2" not in str(params) for _, params in request.calls)
    assert _rows(services, STRANGER) == NOTHING
    assert not incoming.exists() or list(incoming.iterdir()) == []
    assert [r.id for r in services.reminders.coming(OWNER)] == [reminder.id]
    with services.engines.storage.read() as uow:
        assert set(uow.documents.outdated_among(OWNER, {note.doc_id})) == set()
    assert len(services.memory.documents(OWNER)) == 1
