"""Turn files and notes into searchable memory: extract, chunk, embed, store.

Nothing is written until the content has been read successfully, and a failure after that
removes what this document wrote (points, rows, file), so a bad file never touches what the
user had stored before.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.domain.errors import EmptyFile, FileTooLarge, QuotaExceeded
from knowledge.domain.model import (
    Chunk,
    Extracted,
    Section,
    StoredDocument,
    Transcript,
)
from knowledge.domain.ports import (
    OriginalFiles,
    Progress,
    Reader,
    Transcriber,
    VectorStore,
    no_progress,
)
from knowledge.domain.repositories import Storage
from knowledge.services.indexing import Indexer
from knowledge.services.memory import human_size
from knowledge.services.named_dates import DayReader

log = logging.getLogger(__name__)

SPOKEN = ("en", "ru", "es", "zh")  # the languages a voice note is expected in
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


class Ingestor:
    def __init__(
        self,
        *,
        storage: Storage,
        store: VectorStore,
        indexer: Indexer,
        files: OriginalFiles,
        reader: Reader,
        transcriber: Transcriber,
        max_file_bytes: int,
        quota_bytes: int | None = None,
        max_audio_seconds: float = 600.0,
        audio_language: str | None = None,
        days: DayReader | None = None,
    ) -> None:
        self._days = days
        self._storage = storage
        self._store = store
        self._indexer = indexer
        self._chunker = indexer.chunker
        self._files = files
        self._reader = reader
        self._transcriber = transcriber
        self._max_audio_seconds = max_audio_seconds
        self._audio_language = audio_language
        self._max_file_bytes = max_file_bytes
        self._quota_bytes = quota_bytes

    def ingest_file(
        self,
        user_id: int,
        path: Path,
        *,
        name: str | None = None,
        caption: str | None = None,
        progress: Progress = no_progress,
        language: str = "en",
        source: str | None = None,
    ) -> IngestResult:
        """Remember a file; `caption` (a photo's, say) is kept and searchable with it. Audio
        is transcribed (`language`: the user's, when the spoken one is unsure) and kept as
        a voice note with its recording. `source` names the message it came in (an edit
        of its caption replaces the caption)."""
        started = time.monotonic()
        size = self._check_size(path)
        kind, mime = self._reader.detect(path)
        if kind == "audio":
            transcript = self.transcribe(path, language=language, progress=progress)
            return self.add_voice(
                user_id, path, transcript, name=name, mime=mime, started=started, source=source
            )
        sha256 = _sha256_of(path)
        duplicate = self._duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        self._check_quota(user_id, size)
        extracted = self._reader.read(path, progress)
        if caption and caption.strip():
            extracted.sections.insert(0, Section(text=caption.strip(), heading="Caption"))
            extracted.meta["caption"] = caption.strip()
        chunks = self._chunker.chunk(extracted.sections)
        if not chunks:
            raise EmptyFile("no text could be read from the file")
        self._check_quota(user_id, size + self._indexer.derived_bytes(chunks))
        doc = self._keep(user_id, path, sha256, name, extracted, chunks, progress, source)
        excerpt = str(doc.meta.get("ocr_text", chunks[0].text))
        return _result(doc, len(chunks), started, excerpt)

    def transcribe(
        self, path: Path, *, language: str = "en", progress: Progress = no_progress
    ) -> Transcript:
        """What is said in an audio file; refused unread past the length limit."""
        self._check_size(path)
        seconds = self._transcriber.duration(path)
        limit = self._max_audio_seconds / 60
        if seconds > self._max_audio_seconds:
            raise FileTooLarge(
                f"the recording lasts {seconds / 60:.1f} minutes, over the {limit:g}-minute limit",
                "audio_too_long",
                minutes=round(seconds / 60, 1),
                limit=f"{limit:g}",
            )
        languages = [self._audio_language] if self._audio_language else list(SPOKEN)
        # What the container claims may be missing or false (a live stream declares no
        # length): decoding itself stops at the limit.
        return self._transcriber.transcribe(
            path,
            languages=languages,
            fallback=language,
            max_seconds=self._max_audio_seconds,
            progress=progress,
        )

    def add_voice(
        self,
        user_id: int,
        path: Path,
        transcript: Transcript,
        *,
        name: str | None = None,
        mime: str = "audio/ogg",
        started: float | None = None,
        source: str | None = None,
    ) -> IngestResult:
        """Remember a voice note: its transcript, searchable, and its recording, kept."""
        started = started if started is not None else time.monotonic()
        sha256 = _sha256_of(path)
        duplicate = self._duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        size = path.stat().st_size
        text = transcript.text
        chunks = self._chunker.chunk([Section(text=text)])
        if not chunks:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        self._check_quota(user_id, size + self._indexer.derived_bytes(chunks))
        extracted = Extracted(
            kind="voice",
            mime=mime,
            sections=[Section(text=text)],
            meta={"language": transcript.language, "seconds": round(transcript.seconds, 1)},
        )
        doc = self._keep(
            user_id, path, sha256, name, extracted, chunks, no_progress, source, transcript=text
        )
        return _result(doc, len(chunks), started, text)

    def _keep(
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
    ) -> StoredDocument:
        """Keep the original, then its row (and a voice note's transcript), then index it;
        if anything fails, the file goes again (the indexer removes what it wrote)."""
        self._files.put(user_id, path, sha256)
        zone = self._days.zone(user_id) if self._days else None
        try:
            with self._storage.begin() as uow:
                doc = uow.documents.add(
                    user_id,
                    sha256=sha256,
                    name=_clean_name(name or path.name),
                    size_bytes=path.stat().st_size,
                    extracted=extracted,
                    source=source,
                )
                if transcript is not None:
                    uow.notes.add(doc.id, user_id, transcript, None, doc.created_at)
                if self._days and zone:
                    words = transcript or str(extracted.meta.get("caption", ""))
                    self._days.record(uow, doc, words, zone)
            self._indexer.index(doc, chunks, progress)
        except BaseException:
            self._files.delete(user_id, sha256)
            raise
        return doc

    def add_note(
        self,
        user_id: int,
        text: str,
        *,
        origin: str | None = None,
        created_at: datetime | None = None,
        source: str | None = None,
    ) -> IngestResult:
        """Remember a note; `created_at` is when it was written (default: now); `source`
        the message it came in (an edit of that message replaces it: `edit`). The same
        words sent again are a new item ("Went jogging" on another day counts again); the
        same message delivered twice is not."""
        started = time.monotonic()
        text = text.strip()
        if not text:
            raise EmptyFile("the note is empty", "note_empty")
        if source is not None and (again := self._from_source(user_id, source)):
            return again
        sha256 = note_key(text)
        chunks = self._chunker.chunk([Section(text=text)])
        self._check_quota(user_id, len(text.encode()) + self._indexer.derived_bytes(chunks))
        name = note_name(text)
        extracted = Extracted(kind="note", mime="text/plain", sections=[Section(text=text)])
        written = created_at or datetime.now(UTC)
        zone = self._days.zone(user_id) if self._days else None
        with self._storage.begin() as uow:
            doc = uow.documents.add(
                user_id,
                sha256=sha256,
                name=name,
                size_bytes=len(text.encode()),
                extracted=extracted,
                created_at=written,
                source=source,
            )
            uow.notes.add(doc.id, user_id, text, origin, written)
            if self._days and zone:
                self._days.record(uow, doc, text, zone)
        self._indexer.index(doc, chunks, no_progress)
        return _result(doc, len(chunks), started, chunks[0].text)

    def reindex_missing(self) -> int:
        return self._indexer.reindex_missing()

    def reindex_document(self, user_id: int, doc_id: int) -> int:
        return self._indexer.reindex_document(user_id, doc_id)

    def _check_size(self, path: Path) -> int:
        size = path.stat().st_size
        if size > self._max_file_bytes:
            limit = self._max_file_bytes // (1 << 20)
            raise FileTooLarge(f"the file is over the {limit} MB limit", limit_mb=limit)
        if size == 0:
            raise EmptyFile("the file is empty", "file_empty")
        return size

    def _check_quota(self, user_id: int, size: int) -> None:
        if self._quota_bytes is None:
            return
        with self._storage.read() as uow:
            used = uow.documents.used_bytes(user_id)
        if used + size > self._quota_bytes:
            raise QuotaExceeded(
                f"your memory holds {human_size(used)} and this adds {human_size(size)}, "
                f"over your {human_size(self._quota_bytes)} quota; forget some documents first",
                used=human_size(used),
                adds=human_size(size),
                quota=human_size(self._quota_bytes),
            )

    def _from_source(self, user_id: int, source: str) -> IngestResult | None:
        """The item a message already made (a redelivery), cleared when a crash left it
        unfinished so it is made again."""
        with self._storage.begin() as uow:
            doc = uow.documents.from_source(user_id, source)
        return self._duplicate_clearing_unfinished(user_id, doc.sha256) if doc else None

    def _duplicate_clearing_unfinished(self, user_id: int, sha256: str) -> IngestResult | None:
        """The ready document with this content, if any. One with this content that a crash
        left unfinished is removed (its rows and vectors), so it is read again."""
        with self._storage.begin() as uow:
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


def _result(doc: StoredDocument, chunks: int, started: float, excerpt: str) -> IngestResult:
    return IngestResult(
        doc_id=doc.id,
        name=doc.name,
        kind=doc.kind,
        pages=doc.pages,
        chunks=chunks,
        seconds=time.monotonic() - started,
        excerpt=excerpt[:300],
    )


def note_name(text: str) -> str:
    return " ".join(text.split())[:NOTE_NAME_CHARS]


def note_key(text: str) -> str:
    """A note's content key: its own, so the same words written twice are two items."""
    return hashlib.sha256(f"{uuid.uuid4()}\n{text.strip()}".encode()).hexdigest()


def _sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _clean_name(name: str) -> str:
    """A display name: the last path part, without control characters, at most 255 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return (printable or "unnamed")[:255]
