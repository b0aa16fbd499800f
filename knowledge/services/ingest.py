"""Turn files and notes into searchable memory: extract, chunk, embed, store.

Nothing is written until the content has been read successfully, and a failure after that
removes what this document wrote (points, rows, file), so a bad file never touches what the
user had stored before.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.domain.errors import DocumentNotFound, EmptyFile, FileTooLarge, QuotaExceeded
from knowledge.domain.model import (
    LABEL_ASKED_IN,
    Chunk,
    Extracted,
    Section,
    StoredChunk,
    StoredDocument,
    Transcript,
    point_id,
)
from knowledge.domain.ports import (
    Embedder,
    OriginalFiles,
    Progress,
    Reader,
    SparseEncoder,
    Transcriber,
    VectorStore,
    no_progress,
)
from knowledge.domain.repositories import Storage, UnitOfWork
from knowledge.services.chunking import Chunker
from knowledge.services.language import guess_language
from knowledge.services.memory import human_size

log = logging.getLogger(__name__)

EMBED_BATCH = 32
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
        embedder: Embedder,
        sparse: SparseEncoder,
        chunker: Chunker,
        files: OriginalFiles,
        reader: Reader,
        transcriber: Transcriber,
        max_file_bytes: int,
        quota_bytes: int | None = None,
        max_audio_seconds: float = 600.0,
        audio_language: str | None = None,
    ) -> None:
        self._storage = storage
        self._store = store
        self._embedder = embedder
        self._sparse = sparse
        self._chunker = chunker
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
    ) -> IngestResult:
        """Remember a file; `caption` (a photo's, say) is kept and searchable with it. Audio
        is transcribed (`language`: the user's, when the spoken one is unsure) and kept as
        a voice note with its recording."""
        started = time.monotonic()
        size = self._check_size(path)
        kind, mime = self._reader.detect(path)
        if kind == "audio":
            transcript = self.transcribe(path, language=language, progress=progress)
            return self.add_voice(user_id, path, transcript, name=name, mime=mime, started=started)
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
        self._files.put(user_id, path, sha256)
        try:
            doc = self._begin(user_id, sha256, _clean_name(name or path.name), size, extracted)
            self._index(doc, chunks, progress)
        except BaseException:
            self._files.delete(user_id, sha256)
            raise
        excerpt = str(doc.meta.get("ocr_text", chunks[0].text))
        return _result(doc, len(chunks), started, excerpt)

    def transcribe(
        self, path: Path, *, language: str = "en", progress: Progress = no_progress
    ) -> Transcript:
        """What is said in an audio file; refused unread past the length limit."""
        self._check_size(path)
        seconds = self._transcriber.duration(path)
        if seconds > self._max_audio_seconds:
            limit = self._max_audio_seconds / 60
            raise FileTooLarge(
                f"the recording lasts {seconds / 60:.1f} minutes, over the {limit:g}-minute limit",
                "audio_too_long",
                minutes=round(seconds / 60, 1),
                limit=f"{limit:g}",
            )
        languages = [self._audio_language] if self._audio_language else list(SPOKEN)
        return self._transcriber.transcribe(
            path, languages=languages, fallback=language, progress=progress
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
    ) -> IngestResult:
        """Remember a voice note: its transcript, searchable, and its recording, kept."""
        started = started if started is not None else time.monotonic()
        sha256 = _sha256_of(path)
        duplicate = self._duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        size = path.stat().st_size
        self._check_quota(user_id, size)
        text = transcript.text
        chunks = self._chunker.chunk([Section(text=text)])
        if not chunks:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        extracted = Extracted(
            kind="voice",
            mime=mime,
            sections=[Section(text=text)],
            meta={"language": transcript.language, "seconds": round(transcript.seconds, 1)},
        )
        self._files.put(user_id, path, sha256)
        try:
            with self._storage.begin() as uow:
                doc = uow.documents.add(
                    user_id,
                    sha256=sha256,
                    name=_clean_name(name or path.name),
                    size_bytes=size,
                    extracted=extracted,
                )
                uow.notes.add(doc.id, user_id, text, None, doc.created_at)
            self._index(doc, chunks, no_progress)
        except BaseException:
            self._files.delete(user_id, sha256)
            raise
        return _result(doc, len(chunks), started, text)

    def add_note(
        self,
        user_id: int,
        text: str,
        *,
        origin: str | None = None,
        created_at: datetime | None = None,
    ) -> IngestResult:
        """Remember a note; `created_at` is when it was written (default: now)."""
        started = time.monotonic()
        text = text.strip()
        if not text:
            raise EmptyFile("the note is empty", "note_empty")
        sha256 = hashlib.sha256(text.encode()).hexdigest()
        duplicate = self._duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        self._check_quota(user_id, len(text.encode()))
        chunks = self._chunker.chunk([Section(text=text)])
        name = " ".join(text.split())[:NOTE_NAME_CHARS]
        extracted = Extracted(kind="note", mime="text/plain", sections=[Section(text=text)])
        written = created_at or datetime.now(UTC)
        with self._storage.begin() as uow:
            doc = uow.documents.add(
                user_id,
                sha256=sha256,
                name=name,
                size_bytes=len(text.encode()),
                extracted=extracted,
                created_at=written,
            )
            uow.notes.add(doc.id, user_id, text, origin, written)
        self._index(doc, chunks, no_progress)
        return _result(doc, len(chunks), started, chunks[0].text)

    def ask_label(self, user_id: int, doc_id: int, message_id: int) -> None:
        """Remember that `message_id` asked the user what the photo shows."""
        with self._storage.begin() as uow:
            doc = uow.documents.get(user_id, doc_id)
            if doc is not None:
                uow.documents.set_meta(user_id, doc_id, {**doc.meta, LABEL_ASKED_IN: message_id})

    def photo_asked_in(self, user_id: int, message_id: int) -> int | None:
        """The photo a reply to `message_id` describes, if that message asked for one."""
        with self._storage.read() as uow:
            doc = uow.documents.photo_awaiting_label(user_id, message_id)
        return doc.id if doc else None

    def describe(self, user_id: int, doc_id: int, text: str) -> None:
        """Make `text` a photo's description, as a caption would be: searchable, and its
        line in the digest. Its vectors are written again with it."""
        text = text.strip()
        if not text:
            raise EmptyFile("the description is empty", "note_empty")
        with self._storage.read() as uow:
            doc = uow.documents.get(user_id, doc_id)
            old = uow.chunks.of_document(doc_id) if doc else []
        if doc is None:
            raise DocumentNotFound(f"no document {doc_id} in your memory", doc_id=doc_id)
        sections = [Section(text=text, heading="Caption")] + [
            Section(chunk.text, chunk.page, chunk.heading)
            for chunk in old
            if chunk.heading != "Caption"
        ]
        chunks = self._chunker.chunk(sections)
        meta = {k: v for k, v in doc.meta.items() if k != LABEL_ASKED_IN}
        meta["caption"] = text
        self._store.delete_document(user_id, doc_id)
        with self._storage.begin() as uow:
            uow.chunks.remove(doc_id)
            self._write_chunks(uow, doc, chunks, no_progress)
            uow.documents.set_meta(user_id, doc_id, meta)
            uow.documents.set_summary(user_id, doc_id, None)

    def reindex_missing(self) -> int:
        """Re-embed, from the chunk texts kept in SQL, every user's memory the store lacks.

        This happens when the embedder changes (each embedder has its own vector space) or
        a store is lost. Returns the number of chunks indexed.
        """
        with self._storage.read() as uow:
            users = uow.chunks.users()
        done = 0
        for user_id in users:
            if self._store.count(user_id) > 0:
                continue
            with self._storage.read() as uow:
                docs = uow.documents.ready_ids(user_id)
            done += sum(self.reindex_document(user_id, doc_id) for doc_id in docs)
        if done:
            log.info("re-indexed %d chunks into the %s vector space", done, self._embedder.name)
        return done

    def reindex_document(self, user_id: int, doc_id: int) -> int:
        """Replace a document's vectors with ones embedded from its chunks kept in SQL."""
        self._store.delete_document(user_id, doc_id)
        with self._storage.read() as uow:
            doc = uow.documents.get(user_id, doc_id)
            chunks = uow.chunks.of_document(doc_id) if doc else []
        if doc is None:
            return 0
        for start in range(0, len(chunks), EMBED_BATCH):
            self._store.upsert(user_id, self._embed(doc, chunks[start : start + EMBED_BATCH]))
        self._store.flush()
        return len(chunks)

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

    def _begin(
        self, user_id: int, sha256: str, name: str, size: int, extracted: Extracted
    ) -> StoredDocument:
        with self._storage.begin() as uow:
            return uow.documents.add(
                user_id, sha256=sha256, name=name, size_bytes=size, extracted=extracted
            )

    def _index(self, doc: StoredDocument, chunks: Sequence[Chunk], progress: Progress) -> None:
        try:
            with self._storage.begin() as uow:
                self._write_chunks(uow, doc, chunks, progress)
                uow.documents.mark_ready(doc.id)  # after the vectors are on disk
        except BaseException:
            log.exception("indexing document %s failed; removing it", doc.id)
            self._store.delete_document(doc.user_id, doc.id)
            with self._storage.begin() as uow:
                uow.documents.remove(doc.id)
            raise

    def _write_chunks(
        self, uow: UnitOfWork, doc: StoredDocument, chunks: Sequence[Chunk], progress: Progress
    ) -> None:
        """Embed the chunks in batches: vectors to the store (flushed to disk at the end),
        chunk rows to the unit of work."""
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start : start + EMBED_BATCH]
            progress(f"Embedding {start + len(batch)}/{len(chunks)}", start, len(chunks))
            stored = self._embed(doc, batch)
            self._store.upsert(doc.user_id, stored)
            uow.chunks.add(doc.id, stored)
        self._store.flush()

    def _embed(self, doc: StoredDocument, batch: Sequence[Chunk]) -> list[StoredChunk]:
        texts = [_embedding_text(chunk) for chunk in batch]
        dense = self._embedder.embed_batch(texts)
        langs = [guess_language(chunk.text) for chunk in batch]
        sparse = self._sparse.encode_documents(texts, langs)
        return [
            StoredChunk(
                point_id=point_id(doc.user_id, doc.id, chunk.number),
                user_id=doc.user_id,
                doc_id=doc.id,
                chunk=chunk,
                dense=vector,
                sparse=terms,
                created_at=doc.created_at,
                source_kind=doc.kind,
                doc_name=doc.name,
                lang=lang,
            )
            for chunk, vector, terms, lang in zip(batch, dense, sparse, langs, strict=True)
        ]


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


def _sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _embedding_text(chunk: Chunk) -> str:
    """The heading travels with the chunk text, so a chunk is found by its section's topic."""
    return f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text


def _clean_name(name: str) -> str:
    """A display name: the last path part, without control characters, at most 255 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return (printable or "unnamed")[:255]
