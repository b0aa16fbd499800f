"""A photo with nothing to read (a plate of food) is asked about, and the answer becomes
its description: found by search and questions, and its line in the day's digest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from bot.prompts import LabelPrompts
from knowledge.bootstrap import Services
from tests.audio import make_wav
from tests.fakes import FakeTranscriber, ScriptedGenerator
from tests.samples import make_photo

LUNCH = "lunch: borscht with sour cream"


def test_a_labelled_photo_is_found_and_described_in_the_digest(
    services: Services, generator: ScriptedGenerator, tmp_path: Path
) -> None:
    prompts = LabelPrompts(tmp_path / LabelPrompts.FILE)  # the bot's table of photo questions
    plate = make_photo(tmp_path / "plate.jpg", "")  # nothing written on it; taken at 08:12
    services.digests.set_timezone(5, "UTC")
    with time_machine.travel(datetime(2026, 11, 20, 13, 0, tzinfo=UTC), tick=False):
        photo = services.keeping.ingestor.ingest_file(5, plate)
    assert photo.kind == "image" and photo.excerpt == ""
    assert not any("borscht" in hit.text for hit in services.retriever.search(5, "borscht", k=3))
    prompts.asked(5, 77, photo.doc_id)
    assert prompts.photo_asked_in(6, 77) is None  # another user's reply: no
    assert prompts.photo_asked_in(5, 78) is None  # a reply to another message: no
    assert prompts.photo_asked_in(5, 77) == photo.doc_id
    services.keeping.rewriting.describe(5, photo.doc_id, LUNCH)
    prompts.answered(5, photo.doc_id)
    hits = services.retriever.search(5, "borscht sour cream", k=3)
    assert hits and hits[0].doc_id == photo.doc_id and LUNCH in hits[0].text
    assert prompts.photo_asked_in(5, 77) is None  # answered once
    items = services.digests.items(5, date(2026, 11, 20), ZoneInfo("UTC"))
    assert [(f"{i.at:%H:%M}", i.kind, i.line) for i in items] == [("08:12", "photo", LUNCH)]
    listed = services.memory.documents(5)
    assert services.store.count(5, photo.doc_id) == listed[0].chunks == 2  # caption, photo
    assert generator.prompts == []


async def test_a_day_of_meals_by_voice_and_photo_is_described_not_counted(
    services: Services, transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    services.digests.set_timezone(8, "UTC")

    def at(hour: int, minute: int) -> time_machine.travel:
        return time_machine.travel(datetime(2026, 11, 21, hour, minute, tzinfo=UTC), tick=False)

    with at(8, 30):
        transcriber.text = "Breakfast was porridge with blueberries."
        services.keeping.ingestor.ingest_file(8, make_wav(tmp_path / "breakfast.wav", 2))
    with at(13, 10):
        lunch = services.keeping.ingestor.ingest_file(
            8, _untimed_photo(tmp_path / "lunch.jpg", (180, 60, 40))
        )
        services.keeping.rewriting.describe(8, lunch.doc_id, LUNCH)
    with at(19, 45):
        services.keeping.ingestor.ingest_file(
            8,
            _untimed_photo(tmp_path / "dinner.jpg", (230, 140, 90)),
            caption="dinner: grilled salmon",
        )
    digest = await services.digests.digest(8, date(2026, 11, 21))
    assert digest is not None
    assert [(f"{i.at:%H:%M}", i.kind, i.line) for i in digest.items] == [
        ("08:30", "voice", "Breakfast was porridge with blueberries."),
        ("13:10", "photo", LUNCH),
        ("19:45", "photo", "dinner: grilled salmon"),
    ]
    assert "borscht" in digest.plain() and "porridge" in digest.plain()


def _untimed_photo(path: Path, color: tuple[int, int, int]) -> Path:
    """A photo with no writing and no EXIF time: it counts from when it was sent."""
    from PIL import Image

    Image.new("RGB", (640, 480), color).save(path, "JPEG")
    return path
