"""What a user has stored: listing, statistics, export, forgetting and wiping."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import DocumentNotFound
from knowledge.files import FileStore
from knowledge.ports import VectorStore
from knowledge.records import ChatTurn, ChunkRecord, Document, InboxItem, Note, User


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
    def __init__(
        self, *, sessions: sessionmaker[Session], store: VectorStore, files: FileStore
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._files = files

    def documents(self, user_id: int) -> list[DocumentInfo]:
        chunk_counts = (
            select(ChunkRecord.document_id, func.count().label("n"))
            .where(ChunkRecord.user_id == user_id)
            .group_by(ChunkRecord.document_id)
            .subquery()
        )
        query = (
            select(Document, func.coalesce(chunk_counts.c.n, 0))
            .outerjoin(chunk_counts, chunk_counts.c.document_id == Document.id)
            .where(Document.user_id == user_id)
            .order_by(Document.id)
        )
        with self._sessions() as session:
            return [
                DocumentInfo(
                    doc.id,
                    doc.name,
                    doc.kind,
                    doc.pages,
                    n,
                    doc.size_bytes,
                    doc.status,
                    doc.created_at,
                )
                for doc, n in session.execute(query)
            ]

    def forget(self, user_id: int, doc_id: int) -> str:
        """Delete one document everywhere; only its owner can name it.

        The rows go first: a crash after them leaves only vectors and a file that no document
        names, which search never shows and `mnemo doctor` removes, never a half-forgotten
        document that could come back.
        """
        with self._sessions.begin() as session:
            doc = session.scalar(
                select(Document).where(Document.id == doc_id, Document.user_id == user_id)
            )
            if doc is None:
                raise DocumentNotFound(f"no document {doc_id} in your memory")
            name, sha256, kind = doc.name, doc.sha256, doc.kind
            session.delete(doc)
        self._store.delete_document(user_id, doc_id)
        if kind != "note":
            self._files.delete(user_id, sha256)
        return name

    def stats(self, user_id: int | None = None) -> Stats:
        """Counts for one user, or for everyone (admins)."""
        mine = (lambda column: column == user_id) if user_id is not None else None

        def count(model: type, column: object) -> int:
            query = select(func.count()).select_from(model)
            if mine is not None:
                query = query.where(mine(column))
            with self._sessions() as session:
                return int(session.scalar(query) or 0)

        return Stats(
            users=1 if user_id is not None else count(User, User.id),
            documents=count(Document, Document.user_id) - count(Note, Note.user_id),
            notes=count(Note, Note.user_id),
            chunks=count(ChunkRecord, ChunkRecord.user_id),
            storage_bytes=self._files.usage(user_id),
        )

    def export(self, user_id: int, target: Path) -> Path:
        """A zip of the user's originals, notes and metadata (JSON)."""
        with self._sessions() as session:
            docs = session.scalars(
                select(Document).where(Document.user_id == user_id).order_by(Document.id)
            ).all()
            notes = session.scalars(
                select(Note).where(Note.user_id == user_id).order_by(Note.id)
            ).all()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            metadata = []
            for doc in docs:
                entry = {
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
                    entry["file"] = f"originals/{doc.id}-{doc.name}"
                    archive.write(original, entry["file"])
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
        with self._sessions.begin() as session:
            for model, column in (
                (InboxItem, InboxItem.user_id),
                (ChatTurn, ChatTurn.user_id),
                (Note, Note.user_id),
                (ChunkRecord, ChunkRecord.user_id),
                (Document, Document.user_id),
                (User, User.id),
            ):
                session.execute(delete(model).where(column == user_id))
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
