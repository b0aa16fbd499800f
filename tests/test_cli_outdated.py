"""`mnemo outdated ID [--restore]` in-process on the core's fakes (typer's runner; the e2e
tier runs the command as a process): the user's own note is marked and restored, in their
language; another user's id is "not found" and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

from cli import outdated
from cli.main import app
from knowledge.bootstrap import Services


@pytest.fixture
def runner(services: Services, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    @contextmanager
    def built() -> Iterator[Services]:
        yield services

    monkeypatch.setattr(outdated, "services", built)
    return CliRunner()


def _outdated(services: Services, user: int, doc_id: int) -> bool:
    with services.engines.storage.read() as uow:
        return doc_id in uow.documents.outdated_among(user, {doc_id})


def test_a_note_is_marked_outdated_and_restored(runner: CliRunner, services: Services) -> None:
    note = services.keeping.ingestor.add_note(31, "Gym locker 118")
    done = runner.invoke(app, ["outdated", str(note.doc_id), "--user", "31"])
    assert done.exit_code == 0, done.output
    assert f"Marked as outdated: #{note.doc_id} “Gym locker 118”" in done.output
    assert _outdated(services, 31, note.doc_id)
    back = runner.invoke(app, ["outdated", str(note.doc_id), "--restore", "--user", "31"])
    assert back.exit_code == 0 and "Restored" in back.output
    assert not _outdated(services, 31, note.doc_id)


def test_the_reply_is_in_the_users_language(runner: CliRunner, services: Services) -> None:
    note = services.keeping.ingestor.add_note(32, "Шкафчик в бассейне номер 56")
    services.profiles.set_language(32, "ru")
    done = runner.invoke(app, ["outdated", str(note.doc_id), "--user", "32"])
    assert "Отмечено как устаревшее" in done.output


def test_another_users_note_is_not_found(runner: CliRunner, services: Services) -> None:
    note = services.keeping.ingestor.add_note(33, "Office door code 4471")
    done = runner.invoke(app, ["outdated", str(note.doc_id), "--user", "34"])
    assert done.exit_code == 1
    assert not _outdated(services, 33, note.doc_id)
