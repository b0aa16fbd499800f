"""Reminders in the core: requests read in four languages (and questions left alone), set,
handed over once per occurrence by the rule of scheduled messages, recurring across DST,
late within the grace period and then missed, snoozed, done, cancelled only by their
owner, offered for the dates notes name, exported, forgotten and wiped; restored from an
export at their next time in a few steps however old, and never more scheduled per user
than the cap. Fast: SQLite and fakes, a clock the test holds."""

from __future__ import annotations

import asyncio
import json
import random
import time
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import typer

from cli import reminders as cli_reminders
from knowledge.adapters.store.memory import MemoryVectorStore
from knowledge.bootstrap import Services
from knowledge.domain.errors import TooManyReminders
from knowledge.domain.model import ImportedReminder
from knowledge.services.door.arrival import Arrival, Kept, Question, Refused, Reminded
from knowledge.services.sending.reminder_states import local_due, reminder_key
from knowledge.services.sending.reminders import Reminders
from knowledge.services.words.reminder_days import Recurrence
from knowledge.services.words.reminder_words import read_request
from present.texts import BY_LANGUAGE, error_text
from tests.core import started
from tests.fakes import FakeEmbedder, FakeOcr, FakeSparseEncoder, FakeTranscriber, ScriptedGenerator

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=MADRID)  # a Tuesday
USER, OTHER = 41, 42


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MADRID)


REQUESTS = [
    ("remind me tomorrow at 9 to call the dentist", at(2, 9), "call the dentist"),
    ("Remind me in 20 minutes to check the oven", at(1, 10, 20), "check the oven"),
    ("remind me on Friday at 6pm to buy tickets", at(4, 18), "buy tickets"),
    ("remind me on December 3 at 15:00 dentist", at(3, 15), "dentist"),
    ("напомни завтра в 9 позвонить маме", at(2, 9), "позвонить маме"),
    ("напомни в пятницу в 18:00 купить билеты", at(4, 18), "купить билеты"),
    ("напомни через час выключить духовку", at(1, 11), "выключить духовку"),
    ("напомни 5 декабря в 7 вечера поздравить Олю", at(5, 19), "поздравить Олю"),
    ("recuérdame el lunes a las 8 sacar la basura", at(7, 8), "sacar la basura"),
    ("recuérdame mañana a las 7 de la tarde llamar a Ana", at(2, 19), "llamar a Ana"),
    ("recuérdame en media hora apagar el horno", at(1, 10, 30), "apagar el horno"),
    ("明天早上八点提醒我交报告", at(2, 8), "交报告"),
    ("20分钟后提醒我关火", at(1, 10, 20), "关火"),
    ("提醒我下午三点半开会", at(1, 15, 30), "开会"),
]


@pytest.mark.parametrize(("text", "due", "task"), REQUESTS)
def test_a_request_is_read_with_its_time_and_its_words(text: str, due: datetime, task: str) -> None:
    request = read_request(text, NOW)
    assert request is not None and request.problem is None
    assert request.due == due and request.task == task


@pytest.mark.parametrize(
    ("text", "every", "first"),
    [
        ("every Monday at 8 remind me to take out the trash", "weekly:0", at(7, 8)),
        ("напомни каждый день в 9 пить воду", "daily", at(2, 9)),
        ("recuérdame todos los días a las 22 tomar la pastilla", "daily", at(1, 22)),
        ("每周一早上9点提醒我倒垃圾", "weekly:0", at(7, 9)),
    ],
)
def test_a_recurring_request_starts_at_its_first_occurrence(
    text: str, every: str, first: datetime
) -> None:
    request = read_request(text, NOW)
    assert request is not None and request.every is not None
    assert request.every.code == every and request.due == first


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("remind me tomorrow at 5 to leave", "ambiguous"),
        ("напомни позвонить маме", "no_time"),
        ("remind me today at 8 to stretch", "past"),
        ("recuérdame ayer a las 9 llamar", "past"),
    ],
)
def test_an_unclear_time_asks_back_never_guesses(text: str, problem: str) -> None:
    request = read_request(text, NOW)
    assert request is not None and request.problem == problem and request.due is None


@pytest.mark.parametrize(
    "text",
    [
        "Remind me what the Wi-Fi password is",
        "remind me about my passport number",
        "напомни, какой пароль от wi-fi",
        "recuérdame cuál es la contraseña del wifi",
        "提醒我wifi密码是什么",
        "Mom said she would remind me tomorrow at 9",
        "妈妈提醒我明天带伞",
        "Dentist appointment booked for December 3 at 15:00",
        "Ужин у бабушки в субботу в 19:00",
    ],
)
def test_what_is_no_request_sets_nothing(text: str) -> None:
    assert read_request(text, NOW) is None


def _reminders(services: Services, now: list[datetime]) -> Reminders:
    services.digests.set_timezone(USER, "Europe/Madrid")
    services.digests.set_timezone(OTHER, "Europe/Madrid")
    return Reminders(
        storage=services.engines.storage,
        zone_of=lambda user: services.digests.schedule(user).zone,
        clock=lambda: now[0],
    )


def _set(reminders: Reminders, text: str, user: int = USER):
    request = reminders.read(user, text)
    assert request is not None
    return reminders.ask(user, request)


def test_each_occurrence_is_handed_over_once(services: Services) -> None:
    now = [NOW]
    reminders = _reminders(services, now)
    asked = _set(reminders, "remind me tomorrow at 9 to call the dentist")
    assert asked.is_set
    assert reminders.due() == ([], [])
    now[0] = at(2, 9, 0)
    due, missed = reminders.due()
    assert [d.reminder.id for d in due] == [asked.reminder.id] and not missed
    assert not due[0].late
    keys = reminders.hand_over({d.reminder.id: (d.reminder, ["⏰ call"]) for d in due})
    assert keys == [reminder_key(due[0].reminder)]
    assert reminders.due() == ([], []), "handed over: not due again"
    assert not services.deliveries.is_done(keys[0])  # the outbox sends it
    again = reminders.hand_over({d.reminder.id: (d.reminder, ["⏰ call"]) for d in due})
    assert again == keys, "a replay after a crash finds the same delivery"
    with services.engines.storage.read() as uow:
        assert uow.deliveries.get(keys[0]) is not None


def test_a_recurring_reminder_keeps_its_local_hour_across_dst(services: Services) -> None:
    now = [datetime(2026, 3, 27, 12, 0, tzinfo=MADRID)]  # DST starts on Sunday, March 29
    reminders = _reminders(services, now)
    asked = _set(reminders, "remind me every day at 9 to take the pill")
    seen = []
    for day in range(28, 32):
        now[0] = datetime(2026, 3, day, 9, 0, 30, tzinfo=MADRID)
        due, _ = reminders.due()
        assert len(due) == 1
        seen.append(due[0].reminder.due_at)
        reminders.hand_over({d.reminder.id: (d.reminder, ["pill"]) for d in due})
    local = [moment.astimezone(MADRID) for moment in seen if moment is not None]
    assert [m.hour for m in local] == [9, 9, 9, 9]
    assert [m.utcoffset() for m in local] == [timedelta(hours=h) for h in (1, 2, 2, 2)]
    coming = reminders.get(USER, asked.reminder.id)
    assert coming is not None and coming.status == "scheduled"


def test_late_within_the_grace_then_missed(services: Services) -> None:
    now = [NOW]
    reminders = _reminders(services, now)
    soon = _set(reminders, "remind me at 11:00 to stretch")
    later = _set(reminders, "remind me at 12:00 to eat")
    now[0] = at(1, 11) + reminders.grace + timedelta(minutes=1)  # down past 11's grace
    due, missed = reminders.due()
    assert [m.id for m in missed] == [soon.reminder.id]
    assert [d.reminder.id for d in due] == [later.reminder.id] and due[0].late
    gone = reminders.get(USER, soon.reminder.id)
    assert gone is not None and gone.status == "missed"


def test_snooze_done_and_cancel_only_for_the_owner(services: Services) -> None:
    now = [NOW]
    reminders = _reminders(services, now)
    asked = _set(reminders, "remind me in 5 minutes to stretch")
    rid = asked.reminder.id
    assert reminders.cancel(OTHER, rid) is None and reminders.snooze(OTHER, rid, "1h") is None
    assert [r.id for r in reminders.coming(USER)] == [rid] and reminders.coming(OTHER) == []
    snoozed = reminders.snooze(USER, rid, "10m")
    assert snoozed is not None and snoozed.due_at == now[0] + timedelta(minutes=10)
    tomorrow = reminders.snooze(USER, snoozed.id, "tomorrow")
    assert tomorrow is not None and tomorrow.due_at is not None
    assert tomorrow.due_at.astimezone(MADRID) == at(2, 10, 10)  # the snoozed one's hour
    assert [r.id for r in reminders.coming(USER)] == [tomorrow.id]
    cancelled = reminders.cancel(USER, tomorrow.id)
    assert cancelled is not None and reminders.coming(USER) == []


def test_an_unclear_request_is_kept_as_an_offer_and_gets_its_time(services: Services) -> None:
    now = [NOW]
    reminders = _reminders(services, now)
    asked = _set(reminders, "remind me tomorrow at 5 to leave")
    assert not asked.is_set and asked.request.problem == "ambiguous"
    evening = asked.request.options[1]
    assert reminders.accept(OTHER, asked.reminder.id, evening) is None
    chosen = reminders.accept(USER, asked.reminder.id, evening)
    assert chosen is not None and chosen.status == "scheduled" and chosen.due_at == evening
    vague = _set(reminders, "напомни позвонить маме")
    assert vague.request.problem == "no_time"
    retimed = reminders.retime(USER, vague.reminder.id, "в пятницу в 18:30")
    assert retimed is not None and retimed.is_set
    assert retimed.reminder.due_at == at(4, 18, 30)
    unclear = reminders.retime(USER, vague.reminder.id, "whenever")
    assert unclear is not None and unclear.request.problem == "no_time"


@time_machine.travel(NOW, tick=False)  # the note's days are read on the day it is kept
def test_a_note_naming_a_moment_ahead_offers_one_never_sets_it(services: Services) -> None:
    now = [NOW]
    reminders = _reminders(services, now)
    note = services.keeping.ingestor.add_note(
        USER, "Dentist appointment booked for December 3 at 15:00"
    )
    offer = reminders.offer_for(
        USER, note.doc_id, "Dentist appointment booked for December 3 at 15:00"
    )
    assert offer is not None and offer.status == "offered"
    assert offer.due_at is not None and offer.due_at.astimezone(MADRID) == at(3, 14)
    assert reminders.coming(USER) == [], "offered, not set"
    for text in ("Breakfast at 8:00: porridge", "Yesterday at 19:00 we had dinner at Ana's"):
        kept = services.keeping.ingestor.add_note(USER, text)
        assert reminders.offer_for(USER, kept.doc_id, text) is None
    accepted = reminders.accept(USER, offer.id)
    assert accepted is not None and [r.id for r in reminders.coming(USER)] == [offer.id]
    services.memory.forget(USER, note.doc_id)  # the note goes, and what it offered
    assert reminders.get(USER, offer.id) is None


DONE_NOTES = [  # written early on Tuesday: "today" is when it happened, not a plan
    "Went to the dentist today",
    "Dropped the kids at school today",
    "Сегодня сходил в аптеку",
    "Отвёз детей в школу сегодня",
    "Hoy fui al médico",
    "Hoy me he puesto la vacuna de la gripe esta mañana",
    "今天和小王去了图书馆。",
    "今天已经遛过狗了",
]
AHEAD_NOTES = [  # the same morning, each naming a moment still ahead
    ("Dinner with Ana on Saturday at 19:00", at(5, 18)),
    ("Booked a table for Friday at 21:00", at(4, 20)),
    ("Во вторник в 10 стоматолог", at(1, 9)),
    ("Завтра в 11:30 стоматолог", at(2, 10, 30)),
    ("Cena con Ana el sábado a las 19:00", at(5, 18)),
    ("Hoy a las 18:00 viene el fontanero", at(1, 17)),
    ("周六晚上七点和安娜吃饭", at(5, 18)),
    ("明天上午11点半看牙医", at(2, 10, 30)),
]


@time_machine.travel(at(1, 8, 10), tick=False)
def test_a_note_of_what_was_done_is_offered_nothing(services: Services) -> None:
    reminders = _reminders(services, [at(1, 8, 10)])
    for text in DONE_NOTES:
        kept = services.keeping.ingestor.add_note(USER, text)
        assert reminders.offer_for(USER, kept.doc_id, text) is None, text
    for text, moment in AHEAD_NOTES:
        kept = services.keeping.ingestor.add_note(USER, text)
        offer = reminders.offer_for(USER, kept.doc_id, text)
        assert offer is not None and offer.due_at is not None, text
        assert offer.due_at.astimezone(MADRID) == moment, text


@time_machine.travel(NOW, tick=False)  # Saturday's dinner is ahead on the Tuesday it is noted
def test_inbound_sets_asks_and_keeps(services: Services) -> None:
    services.digests.set_timezone(USER, "Europe/Madrid")

    def receive(text: str, **extra: object):
        return asyncio.run(services.inbound.receive(Arrival(USER, text, **extra)))  # type: ignore[arg-type]

    reminded = receive("remind me tomorrow at 9 to call the dentist")
    assert isinstance(reminded, Reminded) and reminded.asked.is_set
    assert isinstance(receive("Remind me what the Wi-Fi password is"), Question)
    kept = receive("Dinner at grandma's on Saturday at 19:00")
    assert isinstance(kept, Kept) and kept.offer is not None
    assert isinstance(receive("remind me tomorrow at 9", shared=True), Question)
    forwarded = receive("remind me tomorrow at 10 to pay", origin="Ana")
    assert isinstance(forwarded, Kept)


def test_reminders_are_exported_and_wiped(services: Services, tmp_path: Path) -> None:
    now = [datetime.now(UTC)]
    reminders = _reminders(services, now)
    _set(reminders, "remind me tomorrow at 9 to call the dentist")
    target = services.memory.export(USER, tmp_path / "export.zip")
    with zipfile.ZipFile(target) as archive:
        exported = json.loads(archive.read("reminders.json"))
    assert [r["text"] for r in exported] == ["call the dentist"]
    services.memory.wipe(USER)
    assert reminders.of_user(USER) == []


def test_the_digest_shows_what_tomorrow_holds(services: Services) -> None:
    zone = ZoneInfo("UTC")
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    services.keeping.ingestor.add_note(USER, f"Dentist on {tomorrow:%B} {tomorrow.day} at 15:00")
    digest = asyncio.run(services.digests.digest(USER, today, ahead=True))
    assert digest is not None and digest.tomorrow is not None
    assert [item.text for item in digest.tomorrow.items] == [
        f"Dentist on {tomorrow:%B} {tomorrow.day} at 15:00"
    ]
    assert services.digests.coming(USER, today + timedelta(days=2), zone).items == []
    week = asyncio.run(services.digests.week(USER, today))  # days looked back on
    assert [day.day for day in week] == [today] and week[0].tomorrow is None


# Restored from an export: the next time in a few steps ---------------------------------


def _imported(text: str, due_at: datetime, every: str | None = None, n: int = 0):
    return ImportedReminder(
        source=f"mnemo:1:reminder:{text}:{n}",
        text=text,
        due_at=due_at,
        zone="Europe/Madrid",
        every=every,
    )


def test_a_recurring_reminder_from_year_one_comes_back_at_its_next_time_in_a_few_steps(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [NOW]  # Tuesday, December 1, 2026, 10:00
    reminders = _reminders(services, now)
    steps = [0]
    stepping = Recurrence.next_after

    def counted(self: Recurrence, moment: datetime) -> datetime:
        steps[0] += 1
        assert steps[0] <= 30, "stepped through the years one occurrence at a time"
        return stepping(self, moment)

    monkeypatch.setattr(Recurrence, "next_after", counted)
    started = time.perf_counter()
    restored = reminders.restore(
        USER,
        [
            _imported("daily pill", datetime(1, 1, 1, 9, 0, tzinfo=MADRID), "daily"),
            _imported("evening call", datetime(1, 1, 1, 18, 30, tzinfo=MADRID), "daily"),
            _imported("mon and thu gym", datetime(1, 1, 1, 7, 15, tzinfo=MADRID), "weekly:0,3"),
            _imported("sunday plants", datetime(1, 1, 7, 20, 0, tzinfo=MADRID), "weekly:6"),
        ],
    )
    took = time.perf_counter() - started
    assert restored.added == 4 and restored.failed == []
    coming = {r.text: local_due(r) for r in reminders.coming(USER)}
    assert coming == {
        "daily pill": at(2, 9),  # 09:00 passed today: tomorrow
        "evening call": at(1, 18, 30),  # still ahead today
        "mon and thu gym": at(3, 7, 15),  # Thursday
        "sunday plants": at(6, 20),
    }
    assert steps[0] <= 4 * 8 and took < 2  # SQL included; stepping took 2 s each


def test_jumping_ahead_finds_what_stepping_finds_across_dst() -> None:
    """`first_after` against one step at a time, in zones with DST (a half-hour one too),
    moments in the hours that DST skips or repeats, repeats of every kind."""
    rng = random.Random(33)
    zones = ["Europe/Madrid", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai"]
    codes = ["daily", "weekly:0", "weekly:1,5", "weekly:6", "weekly:0,1,2,3,4"]
    for _ in range(400):
        zone = ZoneInfo(rng.choice(zones))
        every = Recurrence.parse(rng.choice(codes))
        assert every is not None
        start = datetime(2026, rng.choice([3, 4, 10, 11]), rng.randint(1, 28), tzinfo=UTC)
        due = (start + timedelta(minutes=rng.randint(0, 60 * 24 * 3))).astimezone(zone)
        now = (due + timedelta(minutes=rng.randint(-60 * 24, 60 * 24 * 40))).astimezone(UTC)
        stepped = due
        while stepped <= now:
            stepped = every.next_after(stepped)
        jumped = every.first_after(due, now)
        assert jumped == stepped and jumped.utcoffset() == stepped.utcoffset(), (due, now)


# The cap on scheduled reminders --------------------------------------------------------


def _capped(services: Services, now: list[datetime], cap: int) -> Reminders:
    services.digests.set_timezone(USER, "Europe/Madrid")
    return Reminders(
        storage=services.engines.storage,
        zone_of=lambda user: services.digests.schedule(user).zone,
        clock=lambda: now[0],
        max_scheduled=cap,
    )


def test_a_user_may_have_only_so_many_reminders_scheduled(services: Services) -> None:
    now = [NOW]
    reminders = _capped(services, now, 3)
    first = _set(reminders, "remind me tomorrow at 9 to call the dentist")
    _set(reminders, "remind me in 20 minutes to check the oven")
    _set(reminders, "remind me every day at 8 to take the pill")
    with pytest.raises(TooManyReminders) as refused:
        _set(reminders, "remind me on Friday at 6pm to buy tickets")
    assert refused.value.code == "too_many_reminders" and refused.value.params == {"limit": 3}
    assert len(reminders.coming(USER)) == 3
    assert _set(reminders, "remind me tomorrow at 9 to call the dentist", OTHER).is_set
    offer = _set(reminders, "remind me tomorrow at 5 to leave")  # asked when: kept, not set
    assert not offer.is_set
    with pytest.raises(TooManyReminders):
        reminders.accept(USER, offer.reminder.id, offer.request.options[1])
    with pytest.raises(TooManyReminders):
        reminders.retime(USER, offer.reminder.id, "tomorrow at 18:00")
    moved = reminders.retime(USER, first.reminder.id, "tomorrow at 10")  # a set one moves
    assert moved is not None and moved.is_set
    snoozed = reminders.snooze(USER, first.reminder.id, "10m")  # snoozing is never refused
    assert snoozed is not None
    assert reminders.cancel(USER, snoozed.id) is not None
    accepted = reminders.accept(USER, offer.reminder.id, offer.request.options[1])
    assert accepted is not None and accepted.status == "scheduled"
    assert len(reminders.coming(USER)) == 3


def test_restoring_past_the_cap_reports_the_rest_as_failed(services: Services) -> None:
    now = [NOW]
    reminders = _capped(services, now, 3)
    _set(reminders, "remind me tomorrow at 9 to call the dentist")
    coming = [_imported(f"task {n}", at(5, 9), n=n) for n in range(4)]
    history = _imported("long gone", datetime(2020, 1, 1, tzinfo=MADRID))
    restored = reminders.restore(USER, [*coming, history])
    assert (restored.added, restored.past) == (2, 1)
    assert restored.failed == [
        ("task 2", "over the limit of 3 scheduled reminders"),
        ("task 3", "over the limit of 3 scheduled reminders"),
    ]
    assert len(reminders.coming(USER)) == 3
    again = reminders.restore(USER, coming)  # those restored are found again, not refused
    assert again.already == 2 and len(again.failed) == 2


def test_a_time_out_of_range_is_reported_not_a_crash(services: Services) -> None:
    reminders = _reminders(services, [NOW])
    far = ImportedReminder(
        source="mnemo:1:reminder:far",
        text="far",
        due_at=datetime(1, 1, 1, tzinfo=UTC),
        zone="America/New_York",  # behind UTC: year 1 has no day before
        every="daily",
    )
    restored = reminders.restore(USER, [far])
    assert restored.added == 0 and restored.failed == [("far", "its time could not be read")]


def test_the_cap_comes_from_settings_and_is_said_in_each_language(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    capped = started(
        services.settings.model_copy(update={"data_dir": tmp_path / "capped", "max_reminders": 1}),
        embedder=FakeEmbedder(),
        sparse=FakeSparseEncoder(),
        store=MemoryVectorStore(),
        generator=ScriptedGenerator(),
        ocr=FakeOcr(),
        transcriber=FakeTranscriber(),
    )
    try:
        capped.digests.set_timezone(USER, "Europe/Madrid")

        def receive(text: str):
            return asyncio.run(capped.inbound.receive(Arrival(USER, text)))

        assert isinstance(receive("remind me tomorrow at 9 to call the dentist"), Reminded)
        refused = receive("remind me tomorrow at 10 to call the bank")
        assert isinstance(refused, Refused) and isinstance(refused.error, TooManyReminders)
        words = {language: error_text(refused.error, language) for language in BY_LANGUAGE}
        assert all("1" in text and "/reminders" in text for text in words.values()), words
        assert len(set(words.values())) == len(BY_LANGUAGE)

        @contextmanager
        def the_capped_core():
            yield capped

        monkeypatch.setattr(cli_reminders, "services", the_capped_core)
        with pytest.raises(typer.Exit):
            cli_reminders.remind_command("remind me tomorrow at 11 to call Ana", USER)
        assert "1 reminders scheduled, the most one may have" in capsys.readouterr().err
        assert [r.text for r in capped.reminders.coming(USER)] == ["call the dentist"]
    finally:
        capped.close()
