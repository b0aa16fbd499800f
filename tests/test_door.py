"""The one door: every arrival through `Inbound.receive`, whichever edge sends it. The
command line's note reads its link as the bot's does (unless --no-fetch); an upload over
what its sender claims is refused before it is fetched; what follows a kept item is started
by the core; an edit goes through the same door."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.console import err, out
from cli.door import arrive, print_note
from cli.main import app
from knowledge.bootstrap import Services
from knowledge.services.door.arrival import Arrival, Edited, Kept, Meant, Refused, Upload
from tests.pages import serving


@pytest.fixture
def site() -> Iterator[str]:
    with serving() as base:
        yield base


def _kinds(services: Services, user: int) -> list[str]:
    return sorted(doc.kind for doc in services.memory.documents(user))


def test_mnemo_note_with_a_link_reads_its_page_as_the_bot_does(
    services: Services, site: str
) -> None:
    arrival = Arrival(7, f"Cabin tips for the winter: {site}/article", meant=Meant.NOTE)
    with out.capture() as said:
        print_note(asyncio.run(arrive(services, arrival)))
    assert "Note saved as document" in said.get() and "Page read from 127.0.0.1" in said.get()
    assert _kinds(services, 7) == ["link", "note"]
    assert "--no-fetch" in CliRunner().invoke(app, ["note", "--help"]).stdout


def test_no_fetch_keeps_a_notes_link_as_words(services: Services, site: str) -> None:
    arrival = Arrival(8, f"Read later {site}/article", meant=Meant.NOTE, fetch_links=False)
    outcome = asyncio.run(arrive(services, arrival))
    assert isinstance(outcome, Kept) and outcome.link is None
    assert _kinds(services, 8) == ["note"]


def test_a_link_that_cannot_be_read_is_said_and_the_note_kept(
    services: Services, site: str
) -> None:
    arrival = Arrival(9, f"The cabin list: {site}/nothing", meant=Meant.NOTE)
    with out.capture() as said, err.capture() as warned:
        print_note(asyncio.run(arrive(services, arrival)))
    assert "Note saved as document" in said.get() and "could not be read" in warned.get()
    assert _kinds(services, 9) == ["note"]


@pytest.mark.parametrize(
    ("name", "code"), [("scan.pdf", "upload_too_large"), ("export.zip", "import_too_large")]
)
def test_an_upload_over_what_its_sender_claims_is_refused_before_it_is_fetched(
    services: Services, name: str, code: str
) -> None:
    fetched: list[Path] = []

    async def fetch(path: Path) -> None:
        fetched.append(path)

    claimed = (services.settings.max_file_mb << 20) + 1
    upload = Upload(name, fetch, claimed_bytes=claimed)
    outcome = asyncio.run(services.inbound.receive(Arrival(10, upload=upload)))
    assert isinstance(outcome, Refused) and outcome.error.code == code
    assert fetched == []


def test_a_recording_longer_than_claimed_is_refused_unheard(services: Services) -> None:
    async def fetch(path: Path) -> None:
        raise AssertionError("not fetched")

    limit = services.settings.max_audio_minutes * 60
    upload = Upload("voice.ogg", fetch, claimed_seconds=limit + 1, recording=True)
    outcome = asyncio.run(services.inbound.receive(Arrival(11, upload=upload)))
    assert isinstance(outcome, Refused) and outcome.error.code == "voice_too_long"


def test_what_follows_a_kept_note_is_started_by_the_core(services: Services) -> None:
    async def keep() -> int:
        outcome = await services.inbound.receive(Arrival(12, "Bought a new kettle today."))
        started = services.background.running  # its digest line, its sections
        await services.background.stop()
        assert isinstance(outcome, Kept)
        return started

    assert asyncio.run(keep()) == 2


def test_an_edit_goes_through_the_door(services: Services) -> None:
    async def edit() -> Edited:
        note = Arrival(13, "The spare key is under the mat.", source="tg:13:5")
        await services.inbound.receive(note)
        edited = Arrival(13, "The spare key is with Ana.", source="tg:13:5", edited=True)
        outcome = await services.inbound.receive(edited)
        await services.background.stop()
        assert isinstance(outcome, Edited)
        return outcome

    outcome = asyncio.run(edit())
    assert outcome.rewritten is not None and outcome.rewritten.what == "note"
    [doc] = services.memory.documents(13)
    assert "Ana" in doc.name  # a note is listed by its words
