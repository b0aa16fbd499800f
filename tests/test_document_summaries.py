"""Document summaries on fakes: sections condensed one by one and checked, kept as they are
made, resumed after a stop, shown as far as they are while the work goes on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from knowledge.bootstrap import Services
from knowledge.services.answers.asking import Summarised
from knowledge.services.llm.fair_queue import BACKGROUND
from knowledge.services.words.named_dates import named_days
from tests.fakes import ScriptedGenerator

USER = 4
ENGINE = (
    "Start the engine in neutral and let it warm up for five minutes before leaving the "
    "berth. Check that cooling water comes out of the exhaust, and listen for any knocking "
    "sound; a knocking engine must be stopped at once and checked by a mechanic."
)
ANCHOR = (
    "Choose a sandy bottom for anchoring, away from other boats and from cables. Let out five "
    "times as much chain as the depth of the water, then reverse slowly until the anchor "
    "holds; check it again after ten minutes and every hour during the night."
)


def _handbook(tmp_path: Path) -> Path:
    path = tmp_path / "boat-handbook.md"
    path.write_text(f"# Boat handbook\n\n## Engine\n{ENGINE}\n\n## Anchoring\n{ANCHOR}\n")
    return path


async def _ask(services: Services, question: str, **options: Any) -> Summarised:
    [event] = [event async for event in services.asking.ask(USER, question, **options)]
    assert isinstance(event, Summarised)
    return event


async def test_sections_are_condensed_checked_and_kept(
    services: Services, generator: ScriptedGenerator, tmp_path: Path
) -> None:
    doc = services.keeping.ingestor.ingest_file(USER, _handbook(tmp_path))
    before = await _ask(services, "Summarize the boat handbook.")
    assert before.summary is not None and before.summary.done == 0 and not before.summary.complete
    generator.enqueue("Start the engine in neutral and let it warm up for five minutes.")
    generator.enqueue("Anchor with a sandy bottom and rockets from the moon.")  # unsupported
    await services.summaries.condense(USER, doc.doc_id, priority=BACKGROUND)
    after = await _ask(services, "Summarize the boat handbook.")
    summary = after.summary
    assert summary is not None and summary.complete and summary.total == 2
    assert (summary.lines[0].heading or "").endswith("Engine")
    assert (
        summary.lines[0].line == "Start the engine in neutral and let it warm up for five minutes."
    )
    assert "rockets" not in summary.lines[1].line  # the section's own words instead
    assert "Choose a sandy bottom" in summary.lines[1].line


async def test_a_stopped_condensing_resumes_where_it_stopped(
    services: Services, generator: ScriptedGenerator, tmp_path: Path
) -> None:
    doc = services.keeping.ingestor.ingest_file(USER, _handbook(tmp_path))
    generator.enqueue("Start the engine in neutral and let it warm up for five minutes.")
    generator.down = None
    original = services.summaries._keep

    calls = []

    def keep_then_stop(*args: object) -> None:
        original(*args)  # type: ignore[arg-type]
        calls.append(args)
        generator.down = "stopped"  # the next section's model call fails

    services.summaries._keep = keep_then_stop  # type: ignore[method-assign, assignment]
    await services.summaries.condense_later(USER, doc.doc_id)
    services.summaries._keep = original  # type: ignore[method-assign]
    partial = await _ask(services, "Summarize the boat handbook")
    assert partial.summary is not None and (partial.summary.done, partial.summary.total) == (1, 2)
    generator.down = None
    generator.enqueue("Choose a sandy bottom and let out five times as much chain as the depth.")
    assert await services.summaries.resume_all() == 1
    done = await _ask(services, "Summarize the boat handbook")
    assert done.summary is not None and done.summary.complete
    assert len(generator.prompts) == 2  # the first section was not condensed again


async def test_the_cli_condenses_what_is_missing_and_a_missing_document_is_said(
    services: Services, generator: ScriptedGenerator, tmp_path: Path
) -> None:
    services.keeping.ingestor.ingest_file(USER, _handbook(tmp_path))
    nothing = await _ask(services, "Summarize the tax return")
    assert nothing.summary is None or nothing.summary.name == "boat-handbook.md"
    full = await _ask(services, "Summarize the boat handbook", condense_missing=True)
    assert full.summary is not None and full.summary.complete


def test_named_days_in_four_languages() -> None:
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    cases = {
        "Ужин у бабушки в субботу в 19:00": ("2026-11-28", 19),
        "Dentist appointment booked for December 3 at 15:00": ("2026-12-03", 15),
        "Cena con Marta el viernes a las 21": ("2026-11-27", 21),
        "周六晚上七点和妈妈吃饭": ("2026-11-28", 19),
        "el lunes fui al cine": ("2026-11-23", None),
        "Вчера купил молоко": ("2026-11-24", None),
        "Meeting with Ana moved to Thursday": ("2026-11-26", None),
    }
    for text, (day, hour) in cases.items():
        [named] = named_days(text, wednesday)
        assert (f"{named.day}", named.hour) == (day, hour), text
    for text in ("Went jogging", "Paid the plumber 85 euros", "Room 204, floor 3"):
        assert named_days(text, wednesday) == [], text


def test_items_kept_before_days_were_read_are_read_at_start(services: Services) -> None:
    doc = services.keeping.ingestor.add_note(USER, "Dinner at grandma's on Saturday at 19:00")
    from sqlalchemy import update

    from knowledge.adapters.sql.records import Document, NamedDayRecord

    with services.engines.storage.begin() as uow:  # as a database from before migration 0007
        session = uow.documents._session  # type: ignore[attr-defined]
        session.query(NamedDayRecord).delete()
        session.execute(update(Document).values(days_read=False))
    assert services.days.catch_up() == 1
    with services.engines.storage.read() as uow:
        assert uow.named_days.of_documents(USER, [doc.doc_id])
    assert services.days.catch_up() == 0
