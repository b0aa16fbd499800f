"""Keeping an item once it has been read: the quota checked, a duplicate (or what a crash
left unfinished) found, then the original, its rows and its vectors written, all of it
undone if any step fails. Shared by files (services/keeping/ingest.py) and voice notes
(services/keeping/voice.py)."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from knowledge.domain.errors import EmptyFile, FileTooLarge, QuotaExceeded
from knowledge.domain.model import Chunk, Extracted, NamedDay, Section, StoredDocument
from knowledge.domain.names import safe_name
from knowledge.domain.ports import OriginalFiles, Progress, VectorStore
from knowledge.domain.repositories import NewDocument, Storage
from knowledge.services.keeping.indexing import Indexer
from knowledge.services.keeping.memory import human_size
from knowledge.services.words.named_dates import DayReader

log = logging.getLogger(__name__)
NOTE_NAME_CHARS = 48


@dataclass(frozen=True)
class IngestResult:
    doc_id: int
    name: str
    kind: str
    pages: int | None
    chunks: int
    seconds: float
    duplicate: bool = False
    excerpt: str = ""


@dataclass(frozen=True)
class NewNote:
    """A note to keep: its words, where they came from, when they were written."""

    text: str
    written: datetime
    origin: str | None = None
    source: str | None = None
    days: Sequence[NamedDay] | None = None  # the days it names, when already read
    meta: Mapping[str, Any] | None = None  # the document's (an imported sender's id)


class Keeper:
    def __init__(
        self,
        *,
        storage: Storage,
        store: VectorStore,
        indexer: Indexer,
        files: OriginalFiles,
        max_file_bytes: int,
        quota_bytes: int | None = None,
        days: DayReader | None = None,
    ) -> None:
        self.storage = storage
        self.indexer = indexer
        self.days = days
        self._store = store
        self._files = files
        self._quota_bytes = quota_bytes
        self._max_file_bytes = max_file_bytes

    def check_size(self, path: Path) -> int:
        """The file's size, refused when empty or over the limit."""
        size = path.stat().st_size
        if size > self._max_file_bytes:
            limit = self._max_file_bytes // (1 << 20)
            raise FileTooLarge(f"the file is over the {limit} MB limit", limit_mb=limit)
        if size == 0:
            raise EmptyFile("the file is empty", "file_empty")
        return size

    def keep(
        self,
        user_id: int,
        path: Path,
        sha256: str,
        name: str | None,
        extracted: Extracted,
        chunks: Sequence[Chunk],
        progress: Progress,
        source: str | None,
        transcript: str | None = None,
        created_at: datetime | None = None,
    ) -> StoredDocument:
        """Keep the original, then its row (and a voice note's transcript), then index it;
        if anything fails, the file goes again (the indexer removes what it wrote)."""
        self._files.put(user_id, path, sha256)
        zone = self.days.zone(user_id) if self.days else None
        try:
            with self.storage.begin() as uow:
                doc = uow.documents.add(
                    user_id,
                    sha256=sha256,
                    name=clean_name(name or path.name),
                    size_bytes=path.stat().st_size,
                    extracted=extracted,
                    source=source,
                    created_at=created_at,
                )
                if transcript is not None:
                    uow.notes.add(doc.id, user_id, transcript, None, doc.created_at)
                if self.days and zone:
                    words = transcript or str(extracted.meta.get("caption", ""))
                    self.days.record(uow, doc, words, zone)
            self.indexer.index(doc, chunks, progress)
        except BaseException:
            self._files.delete(user_id, sha256)
            raise
        return doc

    def keep_notes(
        self,
        user_id: int,
        notes: Sequence[tuple[NewNote, Sequence[Chunk]]],
        *,
        read_days: bool = True,
    ) -> list[StoredDocument]:
        """Keep notes (already chunked) in one transaction and index them together; all of
        them are kept or none (the indexer removes what it wrote). Without `read_days`
        the days they name are left for `DayReader.catch_up` (an import reads them after)."""
        size = sum(
            len(note.text.encode()) + self.indexer.derived_bytes(chunks) for note, chunks in notes
        )
        self.check_quota(user_id, size)
        zone = self.days.zone(user_id) if self.days else None
        new = [
            NewDocument(
                sha256=note_key(note.text),
                name=note_name(note.text),
                size_bytes=len(note.text.encode()),
                extracted=Extracted(
                    kind="note",
                    mime="text/plain",
                    sections=[Section(text=note.text)],
                    meta=dict(note.meta or {}),
                ),
                created_at=note.written,
                source=note.source,
                days_read=read_days or note.days is not None or self.days is None,
            )
            for note, _ in notes
        ]
        with self.storage.begin() as uow:
            docs = uow.documents.add_many(user_id, new)
            read: dict[int, tuple[int, Sequence[NamedDay]]] = {}
            for doc, (note, _) in zip(docs, notes, strict=True):
                uow.notes.add(doc.id, user_id, note.text, note.origin, note.written)
                if note.days is not None:
                    read[doc.id] = (user_id, note.days)
                elif self.days and zone and read_days:
                    self.days.record(uow, doc, note.text, zone)
            uow.named_days.replace_many(read)
        pairs = zip(docs, notes, strict=True)
        self.indexer.index_many([(doc, chunks) for doc, (_, chunks) in pairs])
        return docs

    def check_quota(self, user_id: int, size: int) -> None:
        if self._quota_bytes is None:
            return
        with self.storage.read() as uow:
            used = uow.documents.used_bytes(user_id)
        if used + size > self._quota_bytes:
            raise QuotaExceeded(
                f"your memory holds {human_size(used)} and this adds {human_size(size)}, "
                f"over your {human_size(self._quota_bytes)} quota; forget some documents first",
                used=human_size(used),
                adds=human_size(size),
                quota=human_size(self._quota_bytes),
            )

    def from_source(self, user_id: int, source: str) -> IngestResult | None:
        """The item a message already made (a redelivery), cleared when a crash left it
        unfinished so it is made again."""
        with self.storage.begin() as uow:
            doc = uow.documents.from_source(user_id, source)
        return self.duplicate_clearing_unfinished(user_id, doc.sha256) if doc else None

    def duplicate_clearing_unfinished(self, user_id: int, sha256: str) -> IngestResult | None:
        """The ready document with this content, if any. One with this content that a crash
        left unfinished is removed (its rows and vectors), so it is read again."""
        with self.storage.begin() as uow:
            doc = uow.documents.with_content(user_id, sha256)
            if doc is None:
                return None
            if doc.status == "ready":
                chunks = uow.chunks.count(doc_id=doc.id)
                return IngestResult(
                    doc.id, doc.name, doc.kind, doc.pages, chunks, 0.0, duplicate=True
                )
            log.warning("clearing unfinished document %s of user %s", doc.id, user_id)
            self._store.delete_document(user_id, doc.id)
            uow.documents.remove(doc.id)
        return None


def result_of(doc: StoredDocument, chunks: int, started: float, excerpt: str) -> IngestResult:
    return IngestResult(
        doc_id=doc.id,
        name=doc.name,
        kind=doc.kind,
        pages=doc.pages,
        chunks=chunks,
        seconds=time.monotonic() - started,
        excerpt=excerpt[:300],
    )


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def clean_name(name: str) -> str:
    """A display name: the one rule for outside names (domain/names.py)."""
    return safe_name(name, "unnamed")


def note_name(text: str) -> str:
    return " ".join(text.split())[:NOTE_NAME_CHARS]


def note_key(text: str) -> str:
    """A note's content key: its own, so the same words written twice are two items."""
    return hashlib.sha256(f"{uuid.uuid4()}\n{text.strip()}".encode()).hexdigest()
