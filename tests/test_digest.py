"""Digests: local days across timezones and DST, content, storage, exactly-once sending."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.services.sending.digest import day_bounds, parse_digest_time, parse_timezone
from tests.fakes import FakeOcr, ScriptedGenerator
from tests.samples import Sample

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")


def test_parsing_schedule_values() -> None:
    assert parse_digest_time("21:30") == "21:30"
    assert parse_digest_time("9.05") == "09:05"
    assert parse_timezone("Europe/Madrid") == "Europe/Madrid"
    for bad in ("25:00", "21:60", "evening", ""):
        with pytest.raises(ValueError):
            parse_digest_time(bad)
    for bad in ("Mars/Olympus", "Europe/Madridd", ""):
        with pytest.raises(ValueError):
            parse_timezone(bad)


def test_local_days_last_23_or_25_hours_at_dst_changes() -> None:
    spring = day_bounds(date(2026, 3, 29), MADRID)
    autumn = day_bounds(date(2026, 10, 25), MADRID)
    normal = day_bounds(date(2026, 11, 20), MADRID)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert normal == (
        datetime(2026, 11, 19, 23, tzinfo=UTC),
        datetime(2026, 11, 20, 23, tzinfo=UTC),
    )


def test_missed_digest_within_grace_across_dst(services: Services) -> None:
    services.digests.set_timezone(1, "Europe/Madrid")
    schedule = services.digests.set_time(1, "21:30")
    grace = timedelta(hours=2)
    # 21:45 in Madrid on the day summer time ends (UTC+1 by then)
    assert schedule.missed_within(datetime(2026, 10, 25, 20, 45, tzinfo=UTC), grace) == date(
        2026, 10, 25
    )
    # 21:15 on the day summer time starts: not yet due
    assert schedule.missed_within(datetime(2026, 3, 29, 19, 15, tzinfo=UTC), grace) is None
    # 23:45: more than two hours late
    assert schedule.missed_within(datetime(2026, 11, 20, 22, 45, tzinfo=UTC), grace) is None
    off = services.digests.set_time(1, "off")
    assert not off.enabled and off.at == "21:30"


def _note_at(services: Services, user: int, moment: datetime, text: str) -> None:
    with time_machine.travel(moment, tick=False):
        services.keeping.ingestor.add_note(user, text)


def test_items_belong_to_the_users_local_day(services: Services) -> None:
    services.digests.set_timezone(1, "Europe/Madrid")
    services.digests.set_timezone(2, "America/New_York")
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 in Madrid, 18:30 in New York
    _note_at(services, 1, late, "Madrid user: late tapas with friends")
    _note_at(services, 2, late, "New York user: dinner at six thirty")
    madrid = services.digests.items(1, date(2026, 11, 21), MADRID)
    assert [(i.at.strftime("%H:%M"), i.kind) for i in madrid] == [("00:30", "note")]
    assert services.digests.items(1, date(2026, 11, 20), MADRID) == []
    york = services.digests.items(2, date(2026, 11, 20), NEW_YORK)
    assert [i.at.strftime("%H:%M") for i in york] == ["18:30"]
    assert "tapas" not in york[0].line


async def test_every_item_appears_with_its_time_in_its_own_words(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.digests.set_timezone(3, "Europe/Madrid")
    day = datetime(2026, 11, 20, 7, 12, tzinfo=UTC)  # 08:12 in Madrid
    _note_at(services, 3, day, "Desayuno: tostada con tomate y café")
    _note_at(services, 3, day + timedelta(hours=2), "周三上午十点和李经理开会")
    with time_machine.travel(day + timedelta(hours=4), tick=False):
        services.keeping.ingestor.ingest_file(3, samples[5].path)  # dentist.txt, one short line
    digest = await services.digests.digest(3, date(2026, 11, 20))
    assert digest is not None and generator.prompts == []  # short items need no model
    assert [(f"{i.at:%H:%M}", i.kind) for i in digest.items] == [
        ("08:12", "note"),
        ("10:12", "note"),
        ("12:12", "document"),
    ]
    assert digest.items[0].line == "Desayuno: tostada con tomate y café"
    assert digest.items[1].line == "周三上午十点和李经理开会"
    assert digest.items[2].line.startswith("dentist.txt: Dentist appointment: Dr. Alvarez")
    assert digest.counts == {"note": 2, "document": 1}
    assert "08:12 note: Desayuno" in digest.plain()
    assert await services.digests.digest(3, date(2026, 11, 19)) is None


LONG_NOTE = (
    "Borscht for Sunday: 2 beets, 3 potatoes, half a cabbage, one carrot and an onion. "
    "Simmer the beets for 40 minutes, add the rest and cook for 20 more. "
    "Serve with sour cream and dill, and black bread on the side. "
)


async def test_a_long_item_is_condensed_only_into_what_it_says(
    services: Services, generator: ScriptedGenerator
) -> None:
    start = datetime(2026, 11, 20, 12, 40, tzinfo=UTC)
    _note_at(services, 8, start, LONG_NOTE)
    _note_at(services, 8, start + timedelta(minutes=5), LONG_NOTE + "Buy dill.")
    _note_at(services, 8, start + timedelta(minutes=9), LONG_NOTE + "Buy beets.")
    generator.enqueue("**Borscht** for Sunday: beets, potatoes, cabbage; simmer 40 minutes.")
    generator.enqueue("Breakfast: oatmeal with berries.")  # nothing of the kind in the item
    generator.enqueue("Borscht with 5 beets for Sunday.")  # a number the item does not hold
    digest = await services.digests.digest(8, date(2026, 11, 20))
    assert digest is not None and len(generator.prompts) == 3
    kept, invented, wrong_number = (item.line for item in digest.items)
    assert kept == "Borscht for Sunday: beets, potatoes, cabbage; simmer 40 minutes."
    assert "oatmeal" not in invented and invented.startswith("Borscht for Sunday: 2 beets")
    assert "5 beets" not in wrong_number and wrong_number.endswith("…")
    system = generator.prompts[0][0]["content"]
    assert "oatmeal" not in system.lower() and "breakfast" not in system.lower()
    assert LONG_NOTE.strip() in generator.prompts[0][-1]["content"]


async def test_lines_are_made_when_items_arrive_and_reused_at_night(
    services: Services, generator: ScriptedGenerator
) -> None:
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        result = services.keeping.ingestor.add_note(9, LONG_NOTE)
    generator.enqueue("Borscht for Sunday: beets, potatoes and cabbage, with sour cream.")
    await services.digests.summarise_later(9, result.doc_id)
    assert len(generator.prompts) == 1
    digest = await services.digests.digest(9, date(2026, 11, 20))
    assert digest is not None and len(generator.prompts) == 1  # assembled, not summarised
    assert digest.items[0].line.startswith("Borscht for Sunday: beets")


async def test_photo_lines_use_exif_time_caption_and_ocr(
    services: Services, generator: ScriptedGenerator, samples: list[Sample], ocr: FakeOcr
) -> None:
    photo = next(s for s in samples if s.path.suffix == ".jpg")
    ocr.text = "Parking level B3, spot 117."  # what tesseract reads on it (tests/test_ingest)
    services.digests.set_timezone(6, "UTC")
    with time_machine.travel(datetime(2026, 11, 20, 19, 0, tzinfo=UTC), tick=False):
        services.keeping.ingestor.ingest_file(6, photo.path, caption="where I parked")
    items = services.digests.items(6, date(2026, 11, 20), ZoneInfo("UTC"))
    assert items[0].at.strftime("%H:%M") == "08:12"  # EXIF, not upload time
    assert items[0].line.startswith("where I parked — “Parking level B3, spot 117.")
    digest = await services.digests.digest(6, date(2026, 11, 20))
    assert digest is not None and digest.counts == {"photo": 1} and generator.prompts == []


def test_daily_job_fires_at_local_time_across_dst(services: Services) -> None:
    from apscheduler.triggers.cron import CronTrigger

    schedule = services.digests.set_time(7, "21:30")
    schedule = services.digests.set_timezone(7, "Europe/Madrid")
    at = schedule.local_time
    trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=schedule.zone)
    before_change = trigger.get_next_fire_time(None, datetime(2026, 10, 24, 12, tzinfo=UTC))
    after_change = trigger.get_next_fire_time(None, datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert before_change.astimezone(UTC) == datetime(2026, 10, 24, 19, 30, tzinfo=UTC)  # CEST
    assert after_change.astimezone(UTC) == datetime(2026, 10, 25, 20, 30, tzinfo=UTC)  # CET


async def test_a_digest_is_made_while_the_model_server_is_down(
    services: Services, generator: ScriptedGenerator
) -> None:
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    _note_at(services, 10, moment, LONG_NOTE)
    generator.down = "the model server at http://gpu-box:8080/v1 refused the connection"
    digest = await services.digests.digest(10, date(2026, 11, 20))
    assert digest is not None, "the day is still told, in the item's own words"
    assert digest.items[0].summary is None
    assert digest.items[0].line.startswith("Borscht for Sunday: 2 beets")
    generator.down = None  # back: the line is made now, and kept
    generator.enqueue("Borscht for Sunday: beets, potatoes and cabbage, with sour cream.")
    digest = await services.digests.digest(10, date(2026, 11, 20))
    assert digest is not None and digest.items[0].line.startswith("Borscht for Sunday: beets")


def test_a_weekly_digest_is_off_until_chosen(services: Services) -> None:
    assert services.digests.schedule(9).weekly_at is None
    schedule = services.digests.set_weekly(9, "6 20:00")
    assert schedule.weekly == "6 20:00" and schedule.weekly_at is not None
    weekday, at = schedule.weekly_at
    assert (weekday, f"{at:%H:%M}") == (6, "20:00")
    for bad in ("7 20:00", "sun 20:00", "6 25:00"):
        with pytest.raises(ValueError):
            services.digests.set_weekly(9, bad)
    assert services.digests.set_weekly(9, "off").weekly_at is None
