"""What a user has stored: listing, statistics, export, forgetting and wiping."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.model import ImportItem, NoteEntry, StoredDocument
from knowledge.domain.ports import OriginalFiles, VectorStore
from knowledge.domain.repositories import Storage

EXPORT_FORMAT = "mnemo-export"
EXPORT_VERSION = 2


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    name: str
    kind: str
    pages: int | None
    chunks: int
    size_bytes: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Stats:
    users: int
    documents: int
    notes: int
    chunks: int
    storage_bytes: int


class Memory:
    def __init__(self, *, storage: Storage, store: VectorStore, files: OriginalFiles) -> None:
        self._storage = storage
        self._store = store
        self._files = files

    def documents(self, user_id: int) -> list[DocumentInfo]:
        with self._storage.read() as uow:
            listed = uow.documents.of_user(user_id)
        return [
            DocumentInfo(
                doc.id,
                doc.name,
                doc.kind,
                doc.pages,
                chunks,
                doc.size_bytes,
                doc.status,
                doc.created_at,
            )
            for doc, chunks in listed
        ]

    def forget(self, user_id: int, doc_id: int) -> str:
        """Delete one document everywhere; only its owner can name it.

        The rows go first: a crash after them leaves only vectors and a file that no document
        names, which search never shows and `mnemo doctor` removes, never a half-forgotten
        document that could come back.
        """
        with self._storage.begin() as uow:
            doc = uow.documents.get(user_id, doc_id)
            if doc is None:
                raise DocumentNotFound(f"no document {doc_id} in your memory", doc_id=doc_id)
            uow.documents.remove(doc.id)
        self._store.delete_document(user_id, doc_id)
        self.drop_original(user_id, doc)
        return doc.name

    def drop_original(self, user_id: int, doc: StoredDocument) -> None:
        """The kept file of a document whose rows are gone."""
        if doc.kind != "note":
            self._files.delete(user_id, doc.sha256)

    def stats(self, user_id: int | None = None) -> Stats:
        """Counts for one user, or for everyone (admins)."""
        with self._storage.read() as uow:
            notes = uow.notes.count(user_id)
            return Stats(
                users=1 if user_id is not None else uow.users.count(),
                documents=uow.documents.count(user_id) - notes,
                notes=notes,
                chunks=uow.chunks.count(user_id),
                storage_bytes=uow.documents.used_bytes(user_id),
            )

    def export(self, user_id: int, target: Path) -> Path:
        """Everything of the user in one zip at `target` (`mnemo export`); packed in a temp
        folder beside it, so no other file there is touched."""
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".mnemo-export-") as folder:
            written = self.export_parts(user_id, Path(folder), part_bytes=None)
            written[0].replace(target)
        return target

    def export_parts(self, user_id: int, folder: Path, *, part_bytes: int | None) -> list[Path]:
        """The user's originals, notes and metadata as zips of at most `part_bytes` each
        (None: one), written to `folder` one at a time, streamed from the kept files (never
        whole in memory). Each part is a valid zip on its own: `manifest.json` (part k of
        n), and `documents.json` and `notes.json` of the documents it holds, with their
        originals under `originals/`. A file larger than a part gets a part of its own."""
        entries = self._entries(user_id)
        groups = _packed(entries, part_bytes)
        paths = []
        for number, group in enumerate(groups, 1):
            suffix = f"-part{number}of{len(groups)}" if len(groups) > 1 else ""
            path = folder / f"mnemo-export-{user_id}{suffix}.zip"
            reminders = self._reminders(user_id) if number == 1 else None
            _write_part(path, user_id, group, number, len(groups), reminders)
            paths.append(path)
        return paths

    def _reminders(self, user_id: int) -> list[dict[str, object]]:
        with self._storage.read() as uow:
            found = uow.reminders.of_user(user_id)
        return [
            {
                "id": r.id,
                "text": r.text,
                "due_at": r.due_at.isoformat() if r.due_at else None,
                "zone": r.zone,
                "every": r.every,
                "status": r.status,
                "document_id": r.document_id,
                "created_at": r.created_at.isoformat(),
            }
            for r in found
        ]

    def _entries(self, user_id: int) -> list[_Entry]:
        with self._storage.read() as uow:
            docs = [doc for doc, _ in uow.documents.of_user(user_id)]
            notes = {note.document_id: note for note in uow.notes.of_user(user_id)}
        entries = []
        for doc in docs:
            original = self._files.path(user_id, doc.sha256)
            kept = original if doc.kind != "note" and original.is_file() else None
            entries.append(_Entry(doc, notes.get(doc.id), kept))
        return entries

    def wipe(self, user_id: int) -> None:
        """Delete everything of one user: rows, history, inbox and profile, then vectors and
        files (in that order, for the reason `forget` gives)."""
        with self._storage.begin() as uow:
            uow.users.wipe(user_id)
        self._store.delete_user(user_id)
        self._files.delete_user(user_id)


@dataclass(frozen=True)
class _Entry:
    """One document as exported: its row, its note, its original file."""

    doc: StoredDocument
    note: NoteEntry | None
    original: Path | None

    @property
    def archived_as(self) -> str:
        return f"originals/{self.doc.id}-{self.doc.name}"

    @property
    def size(self) -> int:
        """What it adds to a part, erring high: the file, its text, the zip's headers."""
        file = self.original.stat().st_size if self.original else 0
        text = len(self.note.text.encode()) if self.note else 0
        return file + file // 500 + text * 2 + ENTRY_OVERHEAD

    def metadata(self) -> dict[str, object]:
        doc = self.doc
        entry: dict[str, object] = {
            "id": doc.id,
            "name": doc.name,
            "kind": doc.kind,
            "mime": doc.mime,
            "sha256": doc.sha256,
            "size_bytes": doc.size_bytes,
            "pages": doc.pages,
            "title": doc.title,
            "status": doc.status,
            "meta": doc.meta,
            "created_at": doc.created_at.isoformat(),
        }
        if doc.outdated_at is not None:  # its owner said it no longer holds: moved with it
            entry["outdated_at"] = doc.outdated_at.isoformat()
        if self.original is not None:
            entry["file"] = self.archived_as
        return entry


# Already compressed (JPEG, PDF streams, Ogg, the zips DOCX and EPUB are): stored as they
# are, which costs no time and keeps a part's size predictable.
_STORED = ("image/", "audio/", "video/", "application/pdf", "application/epub", "application/vnd")
ENTRY_OVERHEAD = 1024  # zip headers, its line in documents.json
PART_RESERVE = 64 * 1024  # manifest.json and the JSON around the entries


def _packed(entries: list[_Entry], part_bytes: int | None) -> list[list[_Entry]]:
    """Entries in order, cut into parts that stay under `part_bytes`."""
    if part_bytes is None:
        return [entries]
    budget = max(part_bytes - PART_RESERVE, 1)
    parts: list[list[_Entry]] = [[]]
    used = 0
    for entry in entries:
        size = entry.size
        if parts[-1] and used + size > budget:
            parts.append([])
            used = 0
        parts[-1].append(entry)
        used += size
    return parts


def _write_part(
    path: Path,
    user_id: int,
    entries: list[_Entry],
    number: int,
    total: int,
    reminders: list[dict[str, object]] | None,
) -> None:
    """One part, written beside `path` and moved there when whole; the first part holds
    `reminders.json` too. The owner's alone (0600), whatever the umask."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    os.fchmod(fd, 0o600)
    with (
        os.fdopen(fd, "wb") as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        manifest = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "user_id": user_id,
            "part": number,
            "parts": total,
            "documents": len(entries),
            "created_at": datetime.now(UTC).isoformat(),
        }
        archive.writestr("manifest.json", _json(manifest))
        for entry in entries:
            if entry.original is not None:
                stored = entry.doc.mime.startswith(_STORED)
                method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.write(entry.original, entry.archived_as, compress_type=method)
        archive.writestr("documents.json", _json([entry.metadata() for entry in entries]))
        notes = [
            {
                "id": entry.note.id,
                "document_id": entry.note.document_id,
                "text": entry.note.text,
                "origin": entry.note.origin,
                "created_at": entry.note.created_at.isoformat(),
            }
            for entry in entries
            if entry.note is not None
        ]
        archive.writestr("notes.json", _json(notes))
        if reminders is not None:
            archive.writestr("reminders.json", _json(reminders))
    partial.replace(path)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def human_size(size: float) -> str:
    """Bytes as people read them: 512 B, 21.9 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def outdated_marks(
    storage: Storage, user_id: int, items: Sequence[ImportItem]
) -> Callable[[], None]:
    """For a batch of an import about to be kept: what marks those of its items that came
    marked outdated (a mnemo export's) and are new to memory, once they are kept; an item
    already here keeps its own mark or its owner's restore."""
    marks = {item.source: item.outdated for item in items if item.outdated is not None}
    if not marks:
        return lambda: None
    with storage.read() as uow:
        here = set(uow.documents.sources_among(user_id, list(marks)))

    def mark() -> None:
        fresh = {source: at for source, at in marks.items() if source not in here}
        if not fresh:
            return
        with storage.begin() as uow:
            for source, doc in uow.documents.sources_among(user_id, list(fresh)).items():
                uow.documents.set_outdated(user_id, doc.id, fresh[source])

    return mark
