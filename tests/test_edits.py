"""What an edited message changes, a photo label written all or nothing, the quota counting
what is derived from each item, the doctor clearing temp uploads, and exports in parts
(fakes: no model files)."""

from __future__ import annotations

import json
import os
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.domain.errors import QuotaExceeded
from knowledge.domain.model import NamedDay
from knowledge.services.keeping.memory import EXPORT_FORMAT
from tests.samples import make_photo

SOURCE = "tg:5:17"


def _texts(services: Services, user: int, query: str) -> list[str]:
    return [hit.text for hit in services.retriever.search(user, query, k=5)]


def test_an_edited_note_replaces_the_note_everywhere(services: Services) -> None:
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False):
        first = services.keeping.ingestor.add_note(5, "Meeting with Ana on Tuesday", source=SOURCE)
    services.digests.set_timezone(5, "UTC")
    edited = services.keeping.rewriting.edit(5, SOURCE, "Meeting with Ana moved to Thursday")
    assert edited is not None and (edited.doc_id, edited.what) == (first.doc_id, "note")
    assert any("Thursday" in text for text in _texts(services, 5, "meeting Ana Thursday"))
    assert not any("Tuesday" in text for text in _texts(services, 5, "meeting Ana Tuesday"))
    [doc] = services.memory.documents(5)
    assert doc.name == "Meeting with Ana moved to Thursday" and doc.chunks == 1
    assert services.store.count(5, first.doc_id) == 1
    items = services.digests.items(5, date(2026, 11, 20), ZoneInfo("UTC"))
    assert [item.line for item in items] == ["Meeting with Ana moved to Thursday"]
    with services.engines.storage.read() as uow:
        named = uow.named_days.of_documents(5, [first.doc_id])
    assert named[first.doc_id] == [NamedDay(date(2026, 11, 26))], "the day it names now"


def test_an_edited_question_or_unknown_message_changes_nothing(services: Services) -> None:
    services.keeping.ingestor.add_note(5, "The spare key is under the blue pot", source=SOURCE)
    assert services.keeping.rewriting.edit(5, "tg:5:99", "Where is the key?") is None
    assert services.keeping.rewriting.edit(6, SOURCE, "someone else's message id") is None
    assert any("blue pot" in text for text in _texts(services, 5, "spare key blue pot"))


def test_an_edit_to_words_another_note_holds_keeps_both(services: Services) -> None:
    services.keeping.ingestor.add_note(5, "Buy oat milk")
    services.keeping.ingestor.add_note(5, "Buy cow milk", source=SOURCE)
    assert services.keeping.rewriting.edit(5, SOURCE, "Buy oat milk") is not None
    assert [d.name for d in services.memory.documents(5)] == ["Buy oat milk", "Buy oat milk"]


def test_an_edited_caption_replaces_the_caption(services: Services, tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "plate.jpg", "")
    kept = services.keeping.ingestor.ingest_file(5, photo, caption="lunch: pasta", source=SOURCE)
    edited = services.keeping.rewriting.edit(5, SOURCE, "lunch: borscht with sour cream")
    assert edited is not None and edited.what == "caption" and edited.doc_id == kept.doc_id
    texts = _texts(services, 5, "borscht sour cream")
    assert any("borscht" in text for text in texts)
    assert not any("pasta" in text for text in _texts(services, 5, "pasta lunch"))


def test_a_label_whose_embedding_fails_leaves_the_photo_as_it_was(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = services.keeping.ingestor.ingest_file(5, make_photo(tmp_path / "plate.jpg", ""))
    vectors = services.store.count(5, photo.doc_id)

    def broken(texts: list[str]) -> list[list[float]]:
        raise RuntimeError("the embedder ran out of memory")

    monkeypatch.setattr(services.embedder, "embed_batch", broken)
    with pytest.raises(RuntimeError):
        services.keeping.rewriting.describe(5, photo.doc_id, "lunch: borscht with sour cream")
    monkeypatch.undo()
    assert services.store.count(5, photo.doc_id) == vectors, "its vectors are all there"
    with services.engines.storage.read() as uow:
        kept = uow.documents.get(5, photo.doc_id)
    assert kept is not None and "caption" not in kept.meta, "still without its label"
    services.keeping.rewriting.describe(5, photo.doc_id, "lunch: borscht with sour cream")
    assert any("borscht" in text for text in _texts(services, 5, "borscht sour cream"))


def test_the_quota_counts_the_text_and_vectors_derived_from_each_item(
    services: Services,
) -> None:
    note = "Plant the tulip bulbs along the south fence before the first frost. " * 3
    services.keeping.ingestor.add_note(5, note)
    with services.engines.storage.read() as uow:
        used = uow.documents.used_bytes(5)
    assert used > 3 * len(note.encode()), "the note, its chunk text and its vectors"
    assert services.memory.stats(5).storage_bytes == used
    services.keeping.ingestor._keeper._quota_bytes = (
        used + len(note.encode()) + 100
    )  # the text alone fits
    with pytest.raises(QuotaExceeded):
        services.keeping.ingestor.add_note(5, note.replace("tulip", "crocus"))


def test_the_doctor_clears_temp_uploads_no_process_is_using(services: Services) -> None:
    incoming = services.settings.incoming_dir
    old = incoming / "tmpold123"
    old.mkdir(parents=True)
    (old / "upload").write_bytes(b"half a download")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    fresh = incoming / "tmpnew456"
    fresh.mkdir()
    found = services.doctor.examine(repair=False)
    assert [f.action for f in found if "temp upload" in f.problem] == ["would delete it"]
    services.doctor.examine()
    assert not old.exists() and fresh.exists(), "one being downloaded now is left alone"
    services.doctor.examine(temp_older_than=timedelta(0))  # at the bot's start: all of them
    assert not fresh.exists()


def test_an_export_is_cut_into_parts_each_a_whole_zip(services: Services, tmp_path: Path) -> None:
    files = []
    for n in range(5):
        path = tmp_path / f"receipt{n}.txt"
        path.write_text(f"Receipt {n}: " + os.urandom(60_000).hex())  # 120 kB of text
        files.append(path)
        services.keeping.ingestor.ingest_file(5, path)
    services.keeping.ingestor.add_note(5, "Remember to buy oat milk")
    out = tmp_path / "out"
    out.mkdir()
    part_bytes = 300_000
    parts = services.memory.export_parts(5, out, part_bytes=part_bytes)
    assert len(parts) >= 3
    seen_docs, seen_notes = [], []
    for number, path in enumerate(parts, 1):
        assert path.stat().st_size <= part_bytes, path.name
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            manifest = json.loads(archive.read("manifest.json"))
            assert manifest["format"] == EXPORT_FORMAT
            assert (manifest["part"], manifest["parts"]) == (number, len(parts))
            documents = json.loads(archive.read("documents.json"))
            for entry in documents:
                if "file" in entry:
                    assert entry["file"] in archive.namelist()
            seen_docs += [entry["id"] for entry in documents]
            seen_notes += json.loads(archive.read("notes.json"))
    assert sorted(seen_docs) == [d.id for d in services.memory.documents(5)]
    assert [note["text"] for note in seen_notes] == ["Remember to buy oat milk"]
    bystander = tmp_path / "mnemo-export-5.zip"  # a file the user keeps there already
    bystander.write_bytes(b"mine")
    whole = services.memory.export(5, tmp_path / "all.zip")
    assert bystander.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".zip") == [
        "all.zip",
        "mnemo-export-5.zip",
    ]
    with zipfile.ZipFile(whole) as archive:
        assert len(json.loads(archive.read("documents.json"))) == 6
        assert json.loads(archive.read("manifest.json"))["parts"] == 1


def test_a_file_larger_than_a_part_gets_a_part_of_its_own(
    services: Services, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Boiler manual. " + os.urandom(200_000).hex())
    services.keeping.ingestor.add_note(5, "a small note first")
    services.keeping.ingestor.ingest_file(5, big)
    services.keeping.ingestor.add_note(5, "a small note after")
    out = tmp_path / "out"
    out.mkdir()
    parts = services.memory.export_parts(5, out, part_bytes=150_000)
    sizes = [len(json.loads(zipfile.ZipFile(p).read("documents.json"))) for p in parts]
    assert sizes == [1, 1, 1]
    assert [p.name for p in parts] == [f"mnemo-export-5-part{n}of3.zip" for n in (1, 2, 3)]
