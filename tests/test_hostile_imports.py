"""Exports a stranger can send (to the bot, or to `mnemo import`): each is refused or bounded
whatever it claims. A mnemo export naming where its originals go, a result.json of
spaces, a zip listing more files than an import may hold, a JSON entry of a million
fields, an import whose links would take all night."""

from __future__ import annotations

import asyncio
import json
import resource
import zipfile
from pathlib import Path
from typing import Any

import pytest

from knowledge.adapters.imports import looks_like_export
from knowledge.adapters.imports.archive import listed
from knowledge.bootstrap import Services
from knowledge.domain.errors import ImportUnreadable, TooManyUploads, UnsupportedFile
from knowledge.domain.model import ImportLimits, ImportOptions
from knowledge.services.door.lanes import Lane, Lanes
from tests.hostile_web import PNG

SMALL = ImportLimits(unpacked_bytes=1 << 20, json_bytes=1 << 20, entries=20)


def _mnemo_export(path: Path, documents: list[dict[str, object]], files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        manifest = {"format": "mnemo-export", "version": 1, "user_id": 9, "part": 1, "parts": 1}
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("documents.json", json.dumps(documents))
        archive.writestr("notes.json", "[]")
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_a_mnemo_export_never_chooses_where_an_original_goes(
    services: Services, tmp_path: Path
) -> None:
    escape = tmp_path / "escape"
    document: dict[str, object] = {
        "id": f"../../../../../../../../..{escape}/x",
        "name": "receipt.png",
        "kind": "image",
        "file": "originals/1-receipt.png",
        "created_at": "2026-11-02T10:00:00+00:00",
    }
    zipped = _mnemo_export(tmp_path / "export.zip", [document], {"originals/1-receipt.png": PNG})
    report = services.keeping.importer.run(3, zipped)
    assert report.added == 1, report.failed
    assert not escape.exists()
    strays = [p for p in tmp_path.rglob("*receipt*") if p != zipped]
    assert all(services.settings.files_dir in p.parents for p in strays), strays


def test_a_result_json_of_spaces_is_refused_after_its_first_megabyte(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    with (folder / "result.json").open("wb") as out:
        out.write(b"{")
        for _ in range(64):
            out.write(b" " * (1 << 20))
        out.write(b'"messages": []}')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImportUnreadable, match="holds a value over"):
        services.keeping.importer.run(3, folder)
    assert not looks_like_export(folder / "result.json", services.settings.import_limits)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 32, f"the process grew by {grown_mb:.0f} MB"


def test_a_result_json_over_its_cap_is_refused(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    messages = [{"id": n, "type": "message", "text": "x" * 500} for n in range(4000)]
    (folder / "result.json").write_text(
        json.dumps({"type": "saved_messages", "messages": messages})
    )
    with pytest.raises(ImportUnreadable, match="over 1 MB"):
        services.keeping.importer.run(3, folder, options=ImportOptions(limits=SMALL))


def test_a_zip_listing_too_many_files_is_refused_before_it_is_read(
    services: Services, tmp_path: Path
) -> None:
    zipped = tmp_path / "many.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("result.json", '{"messages": []}')
        for n in range(50):
            archive.writestr(f"files/{n}.txt", "")
    assert listed(zipped, 100) == 51
    with pytest.raises(ImportUnreadable, match="lists over 20 files"):
        services.keeping.importer.run(3, zipped, options=ImportOptions(limits=SMALL))


def test_a_zip_unpacking_past_its_cap_is_refused_and_leaves_nothing(
    services: Services, tmp_path: Path
) -> None:
    zipped = tmp_path / "big.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/result.json", '{"messages": []}')
        archive.writestr("export/files/zeros.bin", bytes(3 << 20))
    with pytest.raises(ImportUnreadable, match="unpacks to over 1 MB"):
        services.keeping.importer.run(3, zipped, options=ImportOptions(limits=SMALL))
    assert not any(services.settings.incoming_dir.rglob("*.bin"))


def test_one_entry_of_a_million_fields_is_refused(services: Services, tmp_path: Path) -> None:
    entry = {"id": 1, "kind": "note", "name": "n", "meta": {str(n): n for n in range(60_000)}}
    zipped = _mnemo_export(tmp_path / "fat.zip", [entry], {})
    with pytest.raises(ImportUnreadable, match="too large to be one item"):
        services.keeping.importer.run(3, zipped)


def test_an_upload_gets_limits_proportionate_to_it() -> None:
    limits = ImportLimits.for_upload(20 << 20)
    assert limits.unpacked_bytes == 320 << 20 and limits.json_bytes == 320 << 20
    assert limits.entries < 200_000


def test_a_streamed_export_still_imports_each_message_once(
    services: Services, tmp_path: Path
) -> None:
    chats: list[dict[str, object]] = [
        {"id": 11, "name": "Saved Messages", "type": "saved_messages", "messages": []},
        {"id": 12, "name": "Anna", "type": "personal_chat", "messages": []},
    ]
    chats[0]["messages"] = [
        {
            "id": n,
            "type": "message",
            "date_unixtime": str(1_700_000_000 + n),
            "from_id": "user5",
            "text": f"saved note number {n}",
        }
        for n in range(30)
    ]
    chats[1]["messages"] = [
        {
            "id": 1,
            "type": "message",
            "date_unixtime": "1700000000",
            "from_id": "user12",
            "text": "from Anna",
        },
        {
            "id": 2,
            "type": "message",
            "date_unixtime": "1700000001",
            "from_id": "user5",
            "text": "mine to Anna",
        },
    ]
    full = {"personal_information": {"user_id": 5}, "chats": {"about": "", "list": chats}}
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(full))
    report = services.keeping.importer.run(4, folder)
    assert (report.total, report.added, report.skipped) == (31, 31, 1)
    again = services.keeping.importer.run(4, folder)
    assert (again.added, again.already) == (0, 31)


def test_an_imports_links_share_one_budget(services: Services, tmp_path: Path) -> None:
    messages = [
        {
            "id": n,
            "type": "message",
            "date_unixtime": "1700000000",
            "from_id": "user1",
            "text_entities": [
                {"type": "plain", "text": "look "},
                {"type": "link", "text": f"https://example.invalid/{n}"},
            ],
        }
        for n in range(3)
    ]
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "result.json").write_text(
        json.dumps({"id": 1, "type": "saved_messages", "messages": messages})
    )
    services.keeping.importer._links_seconds = 0.0  # the budget is spent before the first link
    report = services.keeping.importer.run(4, folder)
    assert report.added == 3
    assert [why for _, why in report.links_failed] == ["the import's time for links ran out"] * 3


async def test_waiting_uploads_are_capped_per_user_and_imports_have_their_own_lane() -> None:
    lanes = Lanes(max_waiting=2)
    held = asyncio.Event()
    release = asyncio.Event()

    async def long_import() -> None:
        async with lanes.turn(1, Lane.ARCHIVES):
            held.set()
            await release.wait()

    importing = asyncio.create_task(long_import())
    await held.wait()
    async with asyncio.timeout(1):  # another user's photo does not wait for the import
        async with lanes.turn(2, Lane.FILES):
            pass

    async def photo() -> None:
        async with lanes.turn(3, Lane.FILES):
            await release.wait()

    first = asyncio.create_task(photo())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(photo()) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(TooManyUploads):
        lanes.check(3)
    lanes.check(4)  # another user is not refused
    release.set()
    await asyncio.gather(importing, first, *waiting)


def _zip_with(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_number_of_thousands_of_digits_is_no_crash(services: Services, tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    upload.write_bytes(b'{"x": ' + b"1" * 4301 + b"}")
    assert not services.keeping.importer.recognises(upload)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_bytes(b'{"messages": [{"id": ' + b"9" * 5000 + b"}]}")
    with pytest.raises(ImportUnreadable):  # a refusal, never a crash
        services.keeping.importer.run(3, folder)


def test_bzip2_and_lzma_members_are_refused_unread(services: Services, tmp_path: Path) -> None:
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        zipped = _zip_with(tmp_path / f"{method}.zip", {"result.json": b" " * (64 << 20)}, method)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert not services.keeping.importer.recognises(zipped)
        with pytest.raises(ImportUnreadable, match="compression"):
            services.keeping.importer.run(3, zipped)
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        assert grown_mb < 32, f"the process grew by {grown_mb:.0f} MB"


def test_deep_nesting_is_refused_before_it_is_parsed(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    nested = b'{"x": ' + b"[" * 8000 + b"]" * 8000 + b', "messages": []}'
    (folder / "result.json").write_bytes(nested)
    with pytest.raises(ImportUnreadable, match="nests deeper"):
        services.keeping.importer.run(3, folder)
    (folder / "result.json").write_bytes(b'{"x": ' + b"[" * 8000 + b"]" * 8000 + b"}")
    with pytest.raises(ImportUnreadable, match="nests deeper"):  # no quote after them
        services.keeping.importer.run(3, folder)
    keys = b'{"messages": [' + b'{"a":' * 100 + b"1" + b"}" * 100 + b"]}"
    (folder / "result.json").write_bytes(keys)
    with pytest.raises(ImportUnreadable, match="nests deeper"):
        services.keeping.importer.run(3, folder)


def test_one_object_is_capped_in_bytes_too(tmp_path: Path) -> None:
    import io

    from knowledge.adapters.imports.json_stream import objects

    entries = json.dumps([{"text": "a" * 3000}, {"text": "b"}]).encode()
    with pytest.raises(ImportUnreadable, match="too large"):
        list(objects(io.BytesIO(entries), ("item",), max_bytes=1000))
    assert len(list(objects(io.BytesIO(entries), ("item",), max_bytes=5000))) == 2


def test_a_zip_whose_end_record_lies_about_its_count_is_counted(tmp_path: Path) -> None:
    zipped = tmp_path / "lying.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for n in range(50):
            archive.writestr(f"f/{n}", b"")
    data = bytearray(zipped.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # "one file"
    zipped.write_bytes(bytes(data))
    with pytest.raises(ImportUnreadable, match="over 20 files"):
        listed(zipped, 20)


def test_damaged_members_and_odd_values_are_refusals_not_crashes(
    services: Services, tmp_path: Path
) -> None:
    zipped = _zip_with(tmp_path / "crc.zip", {"export/result.json": b'{"messages": []}' * 10})
    data = bytearray(zipped.read_bytes())
    at = data.find(b"PK\x03\x04")
    data[at + 14 : at + 18] = b"\0\0\0\0"  # a wrong CRC in the local header
    data[data.find(b"PK\x01\x02") + 16 : data.find(b"PK\x01\x02") + 20] = b"\0\0\0\0"
    zipped.write_bytes(bytes(data))
    with pytest.raises(ImportUnreadable):
        services.keeping.importer.run(3, zipped)
    folder = tmp_path / "odd"
    folder.mkdir()
    odd = [
        {
            "id": 1,
            "type": "message",
            "from_id": "user1",
            "date_unixtime": "99999999999999",
            "text": "far future",
            "photo": "a\u0000b",
        },
        {
            "id": 2,
            "type": "message",
            "from_id": "user1",
            "date_unixtime": "1700000000",
            "text": "long name",
            "file": "x" * 5000,
        },
    ]
    (folder / "result.json").write_text(
        json.dumps({"id": 1, "type": "saved_messages", "messages": odd})
    )
    report = services.keeping.importer.run(3, folder)
    assert report.added == 2, report.failed


def test_a_real_exports_long_file_names_are_found(services: Services, tmp_path: Path) -> None:
    long_name = "Отчёт о поездке на дачу и список того что нужно купить к зиме" * 2 + ".png"
    message = {
        "id": 7,
        "type": "message",
        "from_id": "user1",
        "date_unixtime": "1700000000",
        "text": "",
        "file": f"files/{long_name}",
        "file_name": long_name,
    }
    export = {"id": 1, "type": "saved_messages", "messages": [message]}
    zipped = _zip_with(
        tmp_path / "long.zip",
        {"Export/result.json": json.dumps(export).encode(), f"Export/files/{long_name}": PNG},
    )
    report = services.keeping.importer.run(3, zipped)
    assert (report.added, report.failed) == (1, [])


def _one_message_export(path: Path) -> Path:
    message = {"id": 1, "type": "message", "date_unixtime": "1700000000", "text": "hi"}
    export = {"id": 1, "type": "saved_messages", "messages": [message]}
    return _zip_with(path, {"Export/result.json": json.dumps(export).encode()})


async def test_an_import_gives_the_files_turn_back_before_it_waits_or_runs(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the door: one user's export, found in the files lane, is imported while
    another user's file is fetched and read; the import never holds the files turn."""
    import threading

    from knowledge.services.door.arrival import Arrival, Imported, Stored, Upload
    from knowledge.services.keeping.importing import ImportReport

    running, release = threading.Event(), threading.Event()

    def slow_import(*args: object, **kwargs: object) -> ImportReport:
        running.set()
        release.wait(30)
        return ImportReport(kind="telegram")

    monkeypatch.setattr(services.keeping.importer, "run", slow_import)
    export = _one_message_export(tmp_path / "export.zip")

    async def fetch_export(path: Path) -> None:
        path.write_bytes(export.read_bytes())

    async def fetch_note(path: Path) -> None:
        path.write_text("The bike lock code is 4512.")

    try:
        upload = Upload("export.zip", fetch_export)
        importing = asyncio.create_task(services.inbound.receive(Arrival(1, upload=upload)))
        assert await asyncio.to_thread(running.wait, 10), "the import never started"
        async with asyncio.timeout(10):  # not held up by the import running
            stored = await services.inbound.receive(
                Arrival(2, upload=Upload("lock.txt", fetch_note))
            )
        assert isinstance(stored, Stored) and not stored.result.duplicate
    finally:
        release.set()
    assert isinstance(await importing, Imported)


async def test_an_uploads_export_is_told_apart_within_the_uploads_limits(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip listing more files than an upload's export may hold (but fewer than the
    command line's) is not taken for an export through the bot: never imported."""
    from knowledge.services.door.arrival import Arrival, Refused, Upload

    upload_limits = ImportLimits.for_upload(services.settings.max_file_mb << 20)
    assert upload_limits.entries < services.settings.import_limits.entries
    zipped = tmp_path / "many.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("result.json", '{"messages": []}')
        for n in range(upload_limits.entries):
            archive.writestr(f"f/{n}", b"")
    assert services.keeping.importer.recognises(zipped)  # the command line's limits
    assert not services.keeping.importer.recognises(zipped, upload_limits)
    from knowledge.services.keeping.importing import ImportReport

    imported: list[object] = []

    def run(*args: object, **kwargs: object) -> ImportReport:
        imported.append(args)
        return ImportReport(kind="telegram")

    monkeypatch.setattr(services.keeping.importer, "run", run)

    async def fetch(path: Path) -> None:
        path.write_bytes(zipped.read_bytes())

    outcome = await services.inbound.receive(Arrival(3, upload=Upload("export.zip", fetch)))
    assert isinstance(outcome, Refused) and imported == [], outcome  # read as a document


def test_a_zipped_exports_members_that_climb_or_link_are_not_unpacked(tmp_path: Path) -> None:
    from knowledge.adapters.imports import _unpacked

    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("Export/result.json", '{"messages": []}')
        archive.writestr("Export/files/real.png", PNG)
        archive.writestr("Export/../../escape.png", PNG)
        archive.writestr("../escape2.png", PNG)
        link = zipfile.ZipInfo("Export/files/link.png")
        link.external_attr = (0o120777 << 16) | 0x20  # a symlink, as Info-ZIP stores one
        archive.writestr(link, str(tmp_path / "secret.txt"))
    folder = tmp_path / "unpacked"
    folder.mkdir()
    with zipfile.ZipFile(zipped) as archive:
        result, files = _unpacked(archive, folder, SMALL)
    assert result == folder / "result.json"
    assert set(files) == {"result.json", "files/real.png"}
    assert all(path.parent == folder and not path.is_symlink() for path in files.values())
    assert {p.name for p in tmp_path.rglob("escape*")} == set()


def test_a_vaults_symlinks_out_of_it_are_not_followed(services: Services, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.md").write_text("The safe combination is 31-07-44.")
    (outside / "private" / "diary.md").write_text("The vault key hides in the boot.")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "cabin.md").write_text("The cabin key is under the mat.")
    (vault / "secret.md").symlink_to(outside / "secret.md")
    (vault / "private").symlink_to(outside / "private", target_is_directory=True)
    (vault / "up.md").symlink_to(vault / ".." / "outside" / "secret.md")
    report = services.keeping.importer.run(5, vault)
    assert (report.total, report.added) == (1, 1), report.failed
    [doc] = services.memory.documents(5)
    assert "cabin" in doc.name


def test_a_document_zip_listing_too_many_files_is_refused_before_zipfile_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DOCX or EPUB holds a few dozen to a few thousand files; a 20 MB upload can list a
    quarter of a million, each an object zipfile builds (~1 KB). Counted first."""
    from knowledge.adapters.extraction import detect

    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(detect.DOCUMENT_ENTRIES):
            archive.writestr(f"{number}", "")
    built: list[Path] = []
    real = zipfile.ZipFile

    def counting(file: Path, *args: Any, **kwargs: Any) -> zipfile.ZipFile:
        built.append(file)
        return real(file, *args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipFile", counting)
    with pytest.raises(UnsupportedFile, match="lists over"):
        kind, _ = detect.detect_kind(path)
        detect.check_unpacked_size(path, 100, kind)  # as extraction does, for a DOCX
    assert built == []  # refused before zipfile built an entry for each
