"""Imports on fakes: Telegram exports (Saved Messages, a full-account export, a zip), note
folders synced, a mnemo export read back into another install."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import update

from bench.telegram_export import (
    USER_ID,
    ExportPlan,
    full_account,
    message_at,
    service_message,
    write_export,
)
from knowledge.adapters.sql.records import Document
from knowledge.adapters.store.memory import MemoryVectorStore
from knowledge.bootstrap import Services
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportOptions
from knowledge.settings import Settings
from tests.audio import make_wav
from tests.core import started
from tests.fakes import FakeEmbedder, FakeOcr, FakeSparseEncoder, FakeTranscriber, ScriptedGenerator

ME = 7


def _photo(path: Path, number: int) -> None:
    Image.new("RGB", (64 + number, 48), "white").save(path, format="JPEG")


def _voice(path: Path, number: int) -> None:
    make_wav(path, 1.0 + number / 10)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """120 messages of Saved Messages from 2023 on, with 4 photos, 3 voice notes, 2 files,
    two service messages, a sticker, a file the export left out, and "ok" on two days."""
    start = datetime(2023, 1, 1, 8, tzinfo=UTC)
    later = start + timedelta(days=400)
    extra = [
        service_message(9001, later),
        service_message(9002, later, "phone_call"),
        {**_msg(9003, later), "file": "stickers/s.webp", "media_type": "sticker", "text": ""},
        {**_msg(9004, later), "file": "(File not included. Change data exporting settings.)"},
        {**_msg(9005, later), "text": "ok"},
        {**_msg(9006, later + timedelta(days=1)), "text": "ok"},
        {**_msg(9007, later), "text": [{"type": "bold", "text": "Cabin"}, " key: blue pot"]},
    ]
    plan = ExportPlan(messages=120, photos=4, voices=3, files=2, extra=extra, days=365)
    write_export(tmp_path / "ChatExport", plan, photo=_photo, voice=_voice)
    return tmp_path / "ChatExport"


def _msg(number: int, when: datetime) -> dict[str, object]:
    return {**message_at(number, when), "from": "Ana", "text": ""}


def _services(data: Path) -> Services:
    return started(
        Settings(_env_file=None, data_dir=data, llm=str(data / "none.gguf"), fetch_links=False),
        embedder=FakeEmbedder(),
        sparse=FakeSparseEncoder(),
        store=MemoryVectorStore(),
        generator=ScriptedGenerator(),
        ocr=FakeOcr("RECEIPT 42 EUR"),
        transcriber=FakeTranscriber("buy milk and call the plumber"),
    )


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    built = _services(tmp_path / "data")
    yield built
    built.close()


def test_a_saved_messages_export_keeps_each_message_with_its_own_date(
    svc: Services, export: Path
) -> None:
    report = svc.keeping.importer.run(ME, export)

    # 120 generated + "Cabin" + "ok" twice + the words-less left-out file (failed)
    assert report.kind == "telegram"
    assert report.added == 123
    assert [why for _, why in report.failed] == ["the export did not include its file"]
    assert report.skipped == 3  # two service messages and a sticker without words
    docs = svc.memory.documents(ME)
    kinds = sorted({doc.kind for doc in docs})
    assert kinds == ["image", "note", "text", "voice"]
    assert all(doc.created_at.year in (2023, 2024) for doc in docs)
    raw = json.loads((export / "result.json").read_text())["messages"]
    first = datetime.fromtimestamp(int(raw[0]["date_unixtime"]), UTC)
    assert min(doc.created_at.replace(tzinfo=UTC) for doc in docs) == first
    with svc.engines.storage.read() as uow:
        notes = uow.notes.of_user(ME)
    assert sum(note.text == "ok" for note in notes) == 2  # keyed by message, not content
    assert any(note.text == "Cabin key: blue pot" for note in notes)  # entities as text
    assert any(note.origin == "Marta" for note in notes)  # forwarded_from
    assert any(note.text == "buy milk and call the plumber" for note in notes)  # transcribed


def test_the_same_export_twice_adds_nothing_and_a_newer_one_only_what_is_new(
    svc: Services, export: Path, tmp_path: Path
) -> None:
    first = svc.keeping.importer.run(ME, export)
    again = svc.keeping.importer.run(ME, export)
    assert again.added == 0
    assert again.already == first.added
    newer = json.loads((export / "result.json").read_text())
    newer["messages"].append(
        {**_msg(20000, datetime(2025, 2, 1, tzinfo=UTC)), "text": "New flat keys"}
    )
    (export / "result.json").write_text(json.dumps(newer))
    third = svc.keeping.importer.run(ME, export)
    assert third.added == 1
    assert svc.memory.stats(ME).notes + svc.memory.stats(ME).documents == first.added + 1


def test_search_finds_a_month_of_the_export_by_its_dates(svc: Services, export: Path) -> None:
    svc.keeping.importer.run(ME, export)
    march = svc.retriever.search(
        ME,
        "breakfast",
        k=100,
        since=datetime(2023, 3, 1, tzinfo=UTC),
        until=datetime(2023, 4, 1, tzinfo=UTC),
    )
    assert march
    assert all(hit.created_at and hit.created_at.month == 3 for hit in march)


def test_a_zipped_export_and_result_json_alone_import_the_same(
    tmp_path: Path, export: Path
) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in export.rglob("*"):
            packed.write(path, f"ChatExport_2024/{path.relative_to(export)}")
    zipped = _services(tmp_path / "a")
    alone = _services(tmp_path / "b")
    try:
        from_zip = zipped.keeping.importer.run(ME, archive)
        lone = tmp_path / "sent" / "result.json"  # sent to the bot alone: no files beside it
        lone.parent.mkdir()
        lone.write_bytes((export / "result.json").read_bytes())
        from_json = alone.keeping.importer.run(ME, lone)
    finally:
        zipped.close()
        alone.close()
    assert from_zip.added == 123
    assert from_json.added == 116  # the photos, voice notes and files are not beside it
    assert len(from_json.failed) == 1 + 7  # the left-out file; 7 files, their words kept


def test_a_full_account_export_keeps_only_the_users_own_messages(
    svc: Services, tmp_path: Path
) -> None:
    when = datetime(2023, 5, 1, 9, tzinfo=UTC)
    friend = {
        "name": "Marta",
        "type": "personal_chat",
        "id": 555,
        "messages": [
            {**_msg(1, when), "text": "Dinner at mine on Friday?"} | {"from_id": "user555"},
            {**_msg(2, when), "text": "Yes, I bring the wine"},
        ],
    }
    saved = {
        "name": "Saved Messages",
        "type": "saved_messages",
        "id": USER_ID,
        "messages": [{**_msg(1, when), "text": "Passport number ends in 4471"}],
    }
    result = full_account(tmp_path / "Export", [friend, saved])
    report = svc.keeping.importer.run(ME, result)
    assert (report.added, report.skipped) == (2, 1)
    with svc.engines.storage.read() as uow:
        texts = sorted(note.text for note in uow.notes.of_user(ME))
    assert texts == ["Passport number ends in 4471", "Yes, I bring the wine"]
    everyone = svc.keeping.importer.run(ME + 1, result, options=ImportOptions(all_senders=True))
    assert everyone.added == 3


def test_a_group_export_without_the_users_id_is_refused_clearly(
    svc: Services, tmp_path: Path
) -> None:
    when = datetime(2023, 5, 1, tzinfo=UTC)
    group = {
        "name": "Climbing",
        "type": "private_group",
        "id": 99,
        "messages": [{**_msg(1, when), "text": "Sunday 10:00?"} | {"from_id": "user1"}],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(group))
    with pytest.raises(ImportUnreadable, match="--me"):
        svc.keeping.importer.run(ME, path)
    assert svc.keeping.importer.run(ME, path, options=ImportOptions(me=1)).added == 1


def test_what_is_not_an_export_is_refused(svc: Services, tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ImportUnreadable):
        svc.keeping.importer.run(ME, path)
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("a.txt", "nothing")
    with pytest.raises(ImportUnreadable, match=r"result\.json"):
        svc.keeping.importer.run(ME, archive)


def test_an_unfinished_batch_left_by_a_crash_is_made_again(svc: Services, export: Path) -> None:
    svc.keeping.importer.run(ME, export)
    with svc.engines.storage.begin() as uow:  # what a kill -9 between rows and vectors leaves
        doc = next(d for d, _ in uow.documents.of_user(ME) if d.kind == "note")
        uow.chunks.remove(doc.id)
        uow.documents.set_derived_bytes(doc.id, 0)
    svc.store.delete_document(ME, doc.id)
    with svc.engines.storage.begin() as uow:
        session = uow.documents._session  # type: ignore[attr-defined]
        session.execute(update(Document).where(Document.id == doc.id).values(status="ingesting"))
    again = svc.keeping.importer.run(ME, export)
    assert again.added == 1
    assert svc.store.count(ME) == svc.memory.stats(ME).chunks


def _vault(root: Path) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text(json.dumps({"userIgnoreFilters": ["Templates/"]}))
    (root / ".obsidian" / "workspace.json").write_text("{}")
    (root / "Daily").mkdir()
    (root / "Daily" / "2024-03-05.md").write_text("Ran 5 km by the river. Met [[Marta|my sister]].")
    (root / "Cabin.md").write_text(
        "---\ndate: 2023-07-14\ntags: [trips, cabin]\n---\nThe key is under the blue pot.\n"
        "![[cabin-door.png]]\n"
    )
    (root / "Templates").mkdir()
    (root / "Templates" / "Daily.md").write_text("# {{date}}")
    (root / ".hidden.md").write_text("not me")
    (root / "cabin-door.png").write_bytes(b"")
    Image.new("RGB", (80, 60), "white").save(root / "cabin-door.png")
    return root


def test_a_vault_imports_with_its_dates_tags_and_links_as_text(
    svc: Services, tmp_path: Path
) -> None:
    vault = _vault(tmp_path / "Vault")
    report = svc.keeping.importer.run(ME, vault)
    assert (report.kind, report.added, report.failed) == ("folder", 3, [])
    docs = {doc.name: doc for doc in svc.memory.documents(ME)}
    assert set(docs) == {"2024-03-05.md", "Cabin.md", "cabin-door.png"}
    assert docs["Cabin.md"].created_at.date().isoformat() == "2023-07-14"
    assert docs["2024-03-05.md"].created_at.date().isoformat() == "2024-03-05"
    hits = svc.retriever.search(ME, "my sister river", k=3)
    assert "Met my sister" in hits[0].text and "[[" not in hits[0].text
    assert "Tags: trips, cabin" in svc.retriever.search(ME, "blue pot key", k=1)[0].text


def test_a_vault_synced_again_replaces_changed_files_and_lists_deleted_ones(
    svc: Services, tmp_path: Path
) -> None:
    vault = _vault(tmp_path / "Vault")
    svc.keeping.importer.run(ME, vault)
    unchanged = svc.keeping.importer.run(ME, vault)
    assert (unchanged.added, unchanged.already, unchanged.replaced) == (0, 3, 0)

    (vault / "Cabin.md").write_text("---\ndate: 2023-07-14\n---\nThe key moved to the shed.\n")
    (vault / "Daily" / "2024-03-05.md").unlink()
    synced = svc.keeping.importer.run(ME, vault)
    assert (synced.replaced, synced.gone, synced.pruned) == (1, ["Daily/2024-03-05.md"], 0)
    texts = " ".join(hit.text for hit in svc.retriever.search(ME, "key", k=10))
    assert "shed" in texts and "blue pot" not in texts  # the old chunks and vectors are gone
    assert len(svc.memory.documents(ME)) == 3

    pruned = svc.keeping.importer.run(ME, vault, prune=True)
    assert pruned.pruned == 1
    assert {doc.name for doc in svc.memory.documents(ME)} == {"Cabin.md", "cabin-door.png"}
    assert svc.store.count(ME) == svc.memory.stats(ME).chunks


def test_a_mnemo_export_is_read_back_into_another_install(
    svc: Services, export: Path, tmp_path: Path
) -> None:
    svc.keeping.importer.run(ME, export)
    zipped = svc.memory.export(ME, tmp_path / "mine.zip")
    elsewhere = _services(tmp_path / "elsewhere")
    try:
        report = elsewhere.keeping.importer.run(3, zipped)
        again = elsewhere.keeping.importer.run(3, zipped)
        moved = sorted((d.kind, d.created_at) for d in elsewhere.memory.documents(3))
    finally:
        elsewhere.close()
    assert report.kind == "mnemo-export"
    assert (report.added, report.failed) == (123, [])
    assert again.added == 0
    kept = sorted((d.kind, d.created_at) for d in svc.memory.documents(ME))
    assert moved == kept


def test_a_mnemo_exports_coming_reminders_come_back_once_and_its_history_does_not(
    svc: Services, export: Path, tmp_path: Path
) -> None:
    svc.keeping.importer.run(ME, export)
    note = next(d for d in svc.memory.documents(ME) if d.kind == "note")
    now = datetime.now(UTC)
    soon, daily_at = now + timedelta(days=2), now - timedelta(days=3, minutes=30)
    with svc.engines.storage.begin() as uow:
        add = uow.reminders.add
        add(ME, "call the dentist", soon, zone="Europe/Madrid")
        add(ME, "about the note", soon, zone="UTC", document_id=note.id)
        add(ME, "take the pill", daily_at, zone="Asia/Shanghai", every="daily")
        add(ME, "water the plants", now - timedelta(hours=1), zone="UTC")  # within the grace
        add(ME, "pay the rent", now - timedelta(days=2), zone="UTC")  # its time went by
        add(ME, "already done", soon, zone="UTC", status="done")
        add(ME, "never taken up", soon, zone="UTC", status="offered", document_id=note.id)
    zipped = svc.memory.export(ME, tmp_path / "mine.zip")
    elsewhere = _services(tmp_path / "elsewhere")
    try:
        report = elsewhere.keeping.importer.run(3, zipped)
        again = elsewhere.keeping.importer.run(3, zipped)
        coming = {r.text: r for r in elsewhere.reminders.coming(3)}
        moved_note = next(
            d for d in elsewhere.memory.documents(3) if d.id == coming["about the note"].document_id
        )
        assert elsewhere.reminders.coming(ME) == []  # the user it was imported for only
    finally:
        elsewhere.close()
    assert (report.reminders.added, report.reminders.past, report.reminders.failed) == (4, 1, [])
    assert (again.reminders.added, again.reminders.already) == (0, 4)
    assert set(coming) == {
        "call the dentist",
        "about the note",
        "take the pill",
        "water the plants",
    }
    dentist = coming["call the dentist"]
    assert (dentist.due_at, dentist.zone, dentist.every) == (soon, "Europe/Madrid", None)
    pill, shanghai = coming["take the pill"], ZoneInfo("Asia/Shanghai")
    assert pill.every == "daily" and pill.due_at is not None  # its next time, at its hour:
    assert now < pill.due_at <= now + timedelta(days=1)
    assert pill.due_at.astimezone(shanghai).time() == daily_at.astimezone(shanghai).time()
    assert moved_note.name == note.name and moved_note.created_at == note.created_at


def test_an_unreadable_reminder_in_a_mnemo_export_is_reported_and_the_rest_come_back(
    svc: Services, tmp_path: Path
) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    with svc.engines.storage.begin() as uow:
        uow.reminders.add(ME, "call mum", soon, zone="UTC")
    zipped = svc.memory.export(ME, tmp_path / "mine.zip")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(zipped) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "reminders.json":
                entries = json.loads(data)
                entries.append({**entries[0], "id": 99, "text": "odd zone", "zone": "Mars/Base"})
                entries.append({**entries[0], "id": 98, "text": "odd day", "every": "weekly:9"})
                entries.append(
                    {
                        **entries[0],
                        "id": 97,
                        "text": "was done",
                        "zone": "Mars/Base",
                        "status": "done",
                    }
                )  # history: not restored, not reported
                data = json.dumps(entries).encode()
            target.writestr(name, data)
    elsewhere = _services(tmp_path / "elsewhere")
    try:
        report = elsewhere.keeping.importer.run(3, damaged)
        coming = [r.text for r in elsewhere.reminders.coming(3)]
    finally:
        elsewhere.close()
    assert coming == ["call mum"]
    assert report.reminders.added == 1
    assert [text for text, _ in report.reminders.failed] == ["odd zone", "odd day"]


def test_an_item_marked_outdated_is_still_outdated_after_moving(
    svc: Services, tmp_path: Path
) -> None:
    old = svc.keeping.ingestor.add_note(ME, "Gym locker 118")
    svc.keeping.ingestor.add_note(ME, "Switched gym lockers, I'm in 204 now")
    marked = svc.outdated.mark(ME, old.doc_id)
    zipped = svc.memory.export(ME, tmp_path / "mine.zip")
    elsewhere = _services(tmp_path / "elsewhere")
    try:
        elsewhere.keeping.importer.run(3, zipped)
        with elsewhere.engines.storage.read() as uow:
            moved = {doc.name: doc.outdated_at for doc, _ in uow.documents.of_user(3)}
    finally:
        elsewhere.close()
    assert len(moved) == 2
    assert sorted(moved.values(), key=lambda at: at is None) == [marked.outdated_at, None]


@pytest.mark.parametrize("mark", ["0001-01-01T00:00+05:00", "x", True, 7, "9999-12-31T23:59-05:00"])
def test_an_unreadable_outdated_mark_in_an_export_is_no_mark(
    svc: Services, tmp_path: Path, mark: object
) -> None:
    """An export is from outside: a mark (or a date) UTC cannot hold, or garbage, neither
    stops the import nor marks anything."""
    svc.keeping.ingestor.add_note(ME, "Gym locker 118")
    zipped = svc.memory.export(ME, tmp_path / "mine.zip")
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(zipped) as source, zipfile.ZipFile(crafted, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "documents.json":
                docs = json.loads(data)
                docs[0]["outdated_at"] = mark
                docs[0]["created_at"] = "0001-01-01T00:00+05:00"
                data = json.dumps(docs).encode()
            target.writestr(info, data)
    elsewhere = _services(tmp_path / "elsewhere")
    try:
        report = elsewhere.keeping.importer.run(3, crafted)
        with elsewhere.engines.storage.read() as uow:
            kept = [doc for doc, _ in uow.documents.of_user(3)]
    finally:
        elsewhere.close()
    assert report.added == 1 and len(kept) == 1
    assert kept[0].outdated_at is None
