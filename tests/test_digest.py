"""Digests: local days across timezones and DST, content, storage, exactly-once sending."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services, bootstrap
from knowledge.digest import day_bounds, parse_digest_time, parse_timezone
from tests.fakes import ScriptedGenerator
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
        services.ingestor.add_note(user, text)


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


async def test_digest_is_generated_stored_and_regenerated_on_new_items(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.digests.set_timezone(3, "Europe/Madrid")
    day = datetime(2026, 11, 20, 7, 12, tzinfo=UTC)  # 08:12 in Madrid
    _note_at(services, 3, day, "Breakfast: oatmeal with berries")
    with time_machine.travel(day + timedelta(hours=2), tick=False):
        services.ingestor.ingest_file(3, samples[0].path)
    generator.enqueue("Food\n08:12 breakfast: oatmeal with berries\nReading\n10:12 manual.pdf")
    digest = await services.digests.digest(3, date(2026, 11, 20))
    assert digest is not None
    assert digest.text.startswith("Food\n08:12 breakfast")
    assert digest.text.endswith("— 1 note, 1 document")
    prompt = generator.prompts[0][-1]["content"]
    assert "08:12 Breakfast: oatmeal with berries" in prompt
    assert "10:12 document manual.pdf, 8 pages" in prompt

    again = await services.digests.digest(3, date(2026, 11, 20))
    assert again == digest and len(generator.prompts) == 1

    _note_at(services, 3, day + timedelta(hours=10), "Evening run, 5 km")
    generator.enqueue("Food, reading and a run")
    newer = await services.digests.digest(3, date(2026, 11, 20))
    assert newer is not None and newer.text.startswith("Food, reading and a run")
    assert newer.text.endswith("— 2 notes, 1 document")
    assert await services.digests.digest(3, date(2026, 11, 19)) is None


async def test_a_long_day_is_summarised_in_parts_then_merged(
    settings,
    embedder,
    generator: ScriptedGenerator,  # type: ignore[no-untyped-def]
) -> None:
    small = settings.model_copy(update={"n_ctx": 512})
    services = bootstrap(small, embedder=embedder, generator=generator)
    try:
        start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        for n in range(10):
            text = f"Item {n}: " + "a long description of what happened " * 8
            _note_at(services, 4, start + timedelta(minutes=10 * n), text)
        for n in range(20):
            generator.enqueue(f"part {n}")
        digest = await services.digests.digest(4, date(2026, 11, 20))
        assert digest is not None
        parts = len(generator.prompts) - 1
        assert parts >= 2
        merge = generator.prompts[-1]
        assert "merge" in merge[0]["content"]
        assert all(f"part {n}" in merge[-1]["content"] for n in range(parts))
        assert digest.text.startswith(f"part {parts}")
    finally:
        services.close()


def test_a_day_is_sent_once_even_after_a_restart(services: Services) -> None:
    day = date(2026, 11, 20)
    assert services.digests.claim(5, day) is True
    assert services.digests.claim(5, day) is False
    settings, embedder = services.settings, services.embedder
    services.close()
    again = bootstrap(settings, embedder=embedder, generator=ScriptedGenerator())
    try:
        assert again.digests.claim(5, day) is False
        assert again.digests.claim(5, day + timedelta(days=1)) is True
    finally:
        again.close()


async def test_photo_lines_use_exif_time_caption_and_ocr(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    photo = next(s for s in samples if s.path.suffix == ".jpg")
    services.digests.set_timezone(6, "UTC")
    with time_machine.travel(datetime(2026, 11, 20, 19, 0, tzinfo=UTC), tick=False):
        services.ingestor.ingest_file(6, photo.path, caption="where I parked")
    items = services.digests.items(6, date(2026, 11, 20), ZoneInfo("UTC"))
    assert items[0].at.strftime("%H:%M") == "08:12"  # EXIF, not upload time
    assert "where I parked" in items[0].line and "B3" in items[0].line
    generator.enqueue("Parking\n08:12 parked at B3, spot 117")
    digest = await services.digests.digest(6, date(2026, 11, 20))
    assert digest is not None and digest.text.endswith("— 1 photo")


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
