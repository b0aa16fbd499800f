"""Backups of a whole install and restores into a new data dir: on the embedded vector
store (Qdrant Edge) and SQLite, with the fake embedder; PostgreSQL in its tier."""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from PIL import Image

from knowledge.adapters.backup import verify
from knowledge.bootstrap import Services, restore
from knowledge.domain.errors import BackupRefused
from knowledge.settings import Settings
from tests.core import started
from tests.databases import fresh_postgres_database
from tests.fakes import FakeEmbedder, FakeOcr, FakeSparseEncoder, FakeTranscriber, ScriptedGenerator

NOTES = [
    "The spare key is under the blue flower pot.",
    "Пароль от wifi на даче: sosna2024",
    "Cita con el dentista el jueves a las 10",
    "明天早上八点交报告",
]


def _settings(data: Path, database_url: str | None = None) -> Settings:
    return Settings(
        _env_file=None, data_dir=data, llm=str(data / "none.gguf"), database_url=database_url
    )


def _engines() -> dict[str, object]:
    return {
        "embedder": FakeEmbedder(),
        "sparse": FakeSparseEncoder(),
        "generator": ScriptedGenerator(),
        "ocr": FakeOcr("PARKING LEVEL B3"),
        "transcriber": FakeTranscriber(),
    }


def _open(data: Path, database_url: str | None = None) -> Services:
    return started(_settings(data, database_url), **_engines())


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Services]:
    svc = _open(tmp_path / "old")
    for user, text in enumerate(NOTES, 1):
        svc.keeping.ingestor.add_note(user, text)
    photo = tmp_path / "ticket.png"
    Image.new("RGB", (120, 80), "white").save(photo)
    svc.keeping.ingestor.ingest_file(1, photo)
    with sqlite3.connect(tmp_path / "old" / "bot-prompts.sqlite3") as prompts:  # the bot's own
        prompts.execute("CREATE TABLE asked (user_id INTEGER, message_id INTEGER)")
        prompts.execute("INSERT INTO asked VALUES (1, 77)")
    yield svc
    svc.close()


def _answers(svc: Services) -> list[tuple[int, list[str]]]:
    return [
        (user, [h.text for h in svc.retriever.search(user, text, k=2)])
        for user, text in enumerate(NOTES, 1)
    ]


def test_a_backup_restored_into_a_new_data_dir_answers_the_same(
    install: Services, tmp_path: Path
) -> None:
    before = _answers(install)
    written = install.backups.create(tmp_path / "backups")
    assert written.vectors and written.path.parent == tmp_path / "backups"
    manifest = verify(written.path)
    names = set(manifest["files"])
    assert {"data/mnemo.sqlite3", "data/bot-prompts.sqlite3"} <= names
    assert any(name.startswith("data/vectors/") for name in names)
    assert sum(name.startswith("data/files/") for name in names) == 1
    install.close()

    new = tmp_path / "new"
    (new / "models").mkdir(parents=True)  # installed models may already be there
    restored = restore(written.path, _settings(new), **_engines())
    assert restored.findings == []
    assert restored.check.tried == 5 and restored.check.found == 5
    again = _open(new)
    try:
        assert _answers(again) == before
        assert len(again.memory.documents(1)) == 2
        assert again.memory.stats().chunks == manifest["chunks"]
    finally:
        again.close()
    with sqlite3.connect(new / "bot-prompts.sqlite3") as prompts:
        assert prompts.execute("SELECT * FROM asked").fetchall() == [(1, 77)]


def test_a_damaged_or_incomplete_backup_is_refused_before_anything_is_written(
    install: Services, tmp_path: Path
) -> None:
    written = install.backups.create(tmp_path / "b.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(written.path) as source, tarfile.open(damaged, "w") as target:
        for member in source:
            data = source.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "data/mnemo.sqlite3":
                body = body[:-1] + bytes([body[-1] ^ 1])
            import io

            target.addfile(member, io.BytesIO(body))
    with pytest.raises(BackupRefused, match="damaged"):
        restore(damaged, _settings(tmp_path / "new"), **_engines())
    assert not (tmp_path / "new").exists()
    not_a_backup = tmp_path / "x.tar"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(BackupRefused, match="not a mnemo backup"):
        restore(not_a_backup, _settings(tmp_path / "new"), **_engines())


def test_the_sample_searches_count_a_twin_as_found(install: Services, tmp_path: Path) -> None:
    for _ in range(30):  # the same words on many days: any of them answers
        install.keeping.ingestor.add_note(8, "ok")
    written = install.backups.create(tmp_path / "b.tar")
    restored = restore(written.path, _settings(tmp_path / "new"), **_engines())
    assert restored.check.tried == 20 and restored.check.found == 20


def test_restore_refuses_a_data_dir_that_is_not_empty(install: Services, tmp_path: Path) -> None:
    written = install.backups.create(tmp_path / "b.tar")
    with pytest.raises(BackupRefused, match="not empty"):
        restore(written.path, _settings(tmp_path / "old"), **_engines())


def test_only_the_newest_backups_are_kept(install: Services, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20261101-033000", "20261102-033000", "20261103-033000"):
        (folder / f"mnemo-backup-{stamp}.tar").write_bytes(b"old")
    with time_machine.travel(datetime(2026, 11, 20, 3, 30, tzinfo=UTC)):  # after the three
        written = install.backups.create(folder, keep=2)
    kept = sorted(path.name for path in folder.iterdir())
    assert kept == ["mnemo-backup-20261103-033000.tar", written.path.name]


def test_a_backup_taken_while_notes_keep_arriving_restores_consistent(
    install: Services, tmp_path: Path
) -> None:
    stop = threading.Event()

    def writing() -> None:
        n = 0
        while not stop.is_set():
            install.keeping.ingestor.add_note(9, f"note number {n} about the garden")
            n += 1

    writer = threading.Thread(target=writing)
    writer.start()
    try:
        written = install.backups.create(tmp_path / "b.tar")
    finally:
        stop.set()
        writer.join()
    restored = restore(written.path, _settings(tmp_path / "new"), **_engines())
    assert restored.check.found == restored.check.tried
    again = _open(tmp_path / "new")
    try:
        assert again.doctor.examine(repair=False) == []
        assert again.store.count(9) == again.memory.stats(9).chunks
    finally:
        again.close()


@pytest.mark.postgres
def test_a_postgresql_install_is_backed_up_with_pg_dump_and_restored(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("PostgreSQL's client tools are not installed")
    with fresh_postgres_database() as old_url, fresh_postgres_database() as new_url:
        svc = _open(tmp_path / "old", old_url)
        try:
            for user, text in enumerate(NOTES, 1):
                svc.keeping.ingestor.add_note(user, text)
            before = _answers(svc)
            written = svc.backups.create(tmp_path / "b.tar")
        finally:
            svc.close()
        assert "database.dump" in verify(written.path)["files"]
        restored = restore(written.path, _settings(tmp_path / "new", new_url), **_engines())
        assert restored.check.found == restored.check.tried == 4
        again = _open(tmp_path / "new", new_url)
        try:
            assert _answers(again) == before
        finally:
            again.close()


def _crafted_backup(path: Path, members: dict[str, bytes], links: dict[str, str]) -> Path:
    """A backup as a stranger makes one: every member in a manifest with its checksum, so
    it passes `verify`; `links` are symlink members (name: target)."""
    import hashlib
    import io
    import json

    files = {name: {"sha256": hashlib.sha256(body).hexdigest()} for name, body in members.items()}
    files |= {name: {"sha256": hashlib.sha256(b"").hexdigest()} for name in links}
    manifest = {"format": "mnemo-backup", "version": 1, "database": "sqlite", "files": files}
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        for name, body in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
        for name, target in links.items():
            link = tarfile.TarInfo(name)
            link.type, link.linkname = tarfile.SYMTYPE, target
            archive.addfile(link)
    return path


def test_a_crafted_backup_writes_nothing_outside_its_data_dir_nor_in_its_models(
    tmp_path: Path,
) -> None:
    from knowledge.adapters.backup import restore as unpack

    outside = tmp_path / "outside"
    outside.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(outside, target_is_directory=True)  # a shared models dir
    planted = {
        "data/models/embedder/model.onnx": b"planted",  # through the models symlink
        "data/files/../../outside/up.txt": b"climbs",
        "data/../outside/up2.txt": b"climbs",
        str(outside / "absolute.txt"): b"absolute",
        "elsewhere/x.txt": b"not under data/",
    }
    for name, body in planted.items():
        backup = _crafted_backup(tmp_path / "b.tar", {name: body}, {})
        with pytest.raises(BackupRefused):
            unpack(backup, data, database_url=None)
        assert list(outside.rglob("*")) == [] and sorted(data.iterdir()) == [data / "models"]
    (data / "models").unlink()
    (data / "models").mkdir()
    with pytest.raises(BackupRefused, match="models"):  # the installed models, a real folder
        unpack(_crafted_backup(tmp_path / "m.tar", planted, {}), data, database_url=None)
    assert list((data / "models").iterdir()) == []
    linked = _crafted_backup(tmp_path / "l.tar", {}, {"data/files/link": str(outside)})
    with pytest.raises(BackupRefused, match="not a plain file"):
        unpack(linked, data, database_url=None)
    assert not (data / "files").exists()
