"""What a user has stored: listing, statistics, export, forgetting and wiping."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.ports import OriginalFiles, VectorStore
from knowledge.domain.repositories import Storage


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
        if doc.kind != "note":
            self._files.delete(user_id, doc.sha256)
        return doc.name

    def stats(self, user_id: int | None = None) -> Stats:
        """Counts for one user, or for everyone (admins)."""
        with self._storage.read() as uow:
            notes = uow.notes.count(user_id)
            return Stats(
                users=1 if user_id is not None else uow.users.count(),
                documents=uow.documents.count(user_id) - notes,
                notes=notes,
                chunks=uow.chunks.count(user_id),
                storage_bytes=self._files.usage(user_id),
            )

    def export(self, user_id: int, target: Path) -> Path:
        """A zip of the user's originals, notes and metadata (JSON)."""
        with self._storage.read() as uow:
            docs = [doc for doc, _ in uow.documents.of_user(user_id)]
            notes = uow.notes.of_user(user_id)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            metadata = []
            for doc in docs:
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
                original = self._files.path(user_id, doc.sha256)
                if doc.kind != "note" and original.is_file():
                    stored_as = f"originals/{doc.id}-{doc.name}"
                    entry["file"] = stored_as
                    archive.write(original, stored_as)
                metadata.append(entry)
            archive.writestr("documents.json", _json(metadata))
            archive.writestr(
                "notes.json",
                _json(
                    [
                        {
                            "id": n.id,
                            "document_id": n.document_id,
                            "text": n.text,
                            "origin": n.origin,
                            "created_at": n.created_at.isoformat(),
                        }
                        for n in notes
                    ]
                ),
            )
        return target

    def wipe(self, user_id: int) -> None:
        """Delete everything of one user: rows, history, inbox and profile, then vectors and
        files (in that order, for the reason `forget` gives)."""
        with self._storage.begin() as uow:
            uow.users.wipe(user_id)
        self._store.delete_user(user_id)
        self._files.delete_user(user_id)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def human_size(size: float) -> str:
    """Bytes as people read them: 512 B, 21.9 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
