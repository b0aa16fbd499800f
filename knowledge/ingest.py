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
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.chunking import Chunker
from knowledge.errors import EmptyFile, FileTooLarge, QuotaExceeded
from knowledge.extraction import DEFAULT_LIMITS, Progress, extract, no_progress
from knowledge.files import FileStore
from knowledge.language import guess_language
from knowledge.memory import human_size
from knowledge.model import Chunk, Extracted, ReadLimits, Section, StoredChunk
from knowledge.ports import Embedder, SparseEncoder, VectorStore
from knowledge.provision import sha256_of
from knowledge.records import ChunkRecord, Document, Note, User, utcnow
from knowledge.store.payload import point_id

log = logging.getLogger(__name__)

EMBED_BATCH = 32
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
        sessions: sessionmaker[Session],
        store: VectorStore,
        embedder: Embedder,
        sparse: SparseEncoder,
        chunker: Chunker,
        files: FileStore,
        max_file_bytes: int,
        ocr_languages: str,
        limits: ReadLimits = DEFAULT_LIMITS,
        quota_bytes: int | None = None,
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._embedder = embedder
        self._sparse = sparse
        self._chunker = chunker
        self._files = files
        self._max_file_bytes = max_file_bytes
        self._ocr_languages = ocr_languages
        self._limits = limits
        self._quota_bytes = quota_bytes

    def ingest_file(
        self,
        user_id: int,
        path: Path,
        *,
        name: str | None = None,
        caption: str | None = None,
        progress: Progress = no_progress,
    ) -> IngestResult:
        """Remember a file; `caption` (a photo's, say) is kept and searchable with it."""
        started = time.monotonic()
        size = path.stat().st_size
        if size > self._max_file_bytes:
            limit = self._max_file_bytes // (1 << 20)
            raise FileTooLarge(f"the file is over the {limit} MB limit")
        if size == 0:
            raise EmptyFile("the file is empty")
        sha256 = sha256_of(path)
        duplicate = self._find_ready(user_id, sha256)
        if duplicate:
            return duplicate
        self._check_quota(user_id, size)
        extracted = extract(
            path, ocr_languages=self._ocr_languages, progress=progress, limits=self._limits
        )
        if caption and caption.strip():
            extracted.sections.insert(0, Section(text=caption.strip(), heading="Caption"))
            extracted.meta["caption"] = caption.strip()
        chunks = self._chunker.chunk(extracted.sections)
        if not chunks:
            raise EmptyFile("no text could be read from the file")
        self._files.put(user_id, path, sha256)
        try:
            doc_id = self._begin(user_id, sha256, _clean_name(name or path.name), size, extracted)
            self._index(user_id, doc_id, chunks, progress)
        except BaseException:
            self._files.delete(user_id, sha256)
            raise
        return self._result(doc_id, chunks, started)

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
            raise EmptyFile("the note is empty")
        sha256 = hashlib.sha256(text.encode()).hexdigest()
        duplicate = self._find_ready(user_id, sha256)
        if duplicate:
            return duplicate
        self._check_quota(user_id, len(text.encode()))
        chunks = self._chunker.chunk([Section(text=text)])
        name = " ".join(text.split())[:NOTE_NAME_CHARS]
        extracted = Extracted(kind="note", mime="text/plain", sections=[Section(text=text)])
        doc_id = self._begin(
            user_id, sha256, name, len(text.encode()), extracted, created_at=created_at
        )
        with self._sessions.begin() as session:
            session.add(
                Note(
                    document_id=doc_id,
                    user_id=user_id,
                    text=text,
                    origin=origin,
                    created_at=created_at or utcnow(),
                )
            )
        self._index(user_id, doc_id, chunks, no_progress)
        return self._result(doc_id, chunks, started)

    def reindex_missing(self) -> int:
        """Re-embed, from the chunk texts kept in SQL, every user's memory the store lacks.

        This happens when the embedder changes (each embedder has its own vector space) or
        a store is lost. Returns the number of chunks indexed.
        """
        with self._sessions() as session:
            users = session.scalars(select(ChunkRecord.user_id).distinct()).all()
        done = 0
        for user_id in users:
            if self._store.count(user_id) > 0:
                continue
            with self._sessions() as session:
                docs = session.scalars(
                    select(Document.id).where(
                        Document.user_id == user_id, Document.status == "ready"
                    )
                ).all()
            done += sum(self.reindex_document(user_id, doc_id) for doc_id in docs)
        if done:
            log.info("re-indexed %d chunks into the %s vector space", done, self._embedder.name)
        return done

    def reindex_document(self, user_id: int, doc_id: int) -> int:
        """Replace a document's vectors with ones embedded from its chunks kept in SQL."""
        self._store.delete_document(user_id, doc_id)
        with self._sessions() as session:
            doc = session.scalar(
                select(Document).where(Document.id == doc_id, Document.user_id == user_id)
            )
            if doc is None:
                return 0
            chunks = [
                Chunk(record.number, record.text, record.page, record.heading)
                for record in sorted(doc.chunks, key=lambda record: record.number)
            ]
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start : start + EMBED_BATCH]
                self._store.upsert(user_id, self._embed(user_id, doc, batch))
        self._store.flush()
        return len(chunks)

    def _check_quota(self, user_id: int, size: int) -> None:
        if self._quota_bytes is None:
            return
        with self._sessions() as session:
            used = session.scalar(
                select(func.coalesce(func.sum(Document.size_bytes), 0)).where(
                    Document.user_id == user_id
                )
            )
        if used + size > self._quota_bytes:
            raise QuotaExceeded(
                f"your memory holds {human_size(used)} and this adds {human_size(size)}, "
                f"over your {human_size(self._quota_bytes)} quota; forget some documents first"
            )

    def _find_ready(self, user_id: int, sha256: str) -> IngestResult | None:
        """The ready document with this content, if any; an unfinished one is cleared."""
        with self._sessions.begin() as session:
            doc = session.scalar(
                select(Document).where(Document.user_id == user_id, Document.sha256 == sha256)
            )
            if doc is None:
                return None
            if doc.status == "ready":
                return IngestResult(
                    doc.id, doc.name, doc.kind, doc.pages, len(doc.chunks), 0.0, duplicate=True
                )
            log.warning("clearing unfinished document %s of user %s", doc.id, user_id)
            self._store.delete_document(user_id, doc.id)
            session.delete(doc)
        return None

    def _begin(
        self,
        user_id: int,
        sha256: str,
        name: str,
        size: int,
        extracted: Extracted,
        *,
        created_at: datetime | None = None,
    ) -> int:
        with self._sessions.begin() as session:
            if session.get(User, user_id) is None:
                session.add(User(id=user_id))
                session.flush()
            doc = Document(
                user_id=user_id,
                sha256=sha256,
                name=name,
                kind=extracted.kind,
                mime=extracted.mime,
                size_bytes=size,
                pages=extracted.pages,
                title=(extracted.title or "")[:500] or None,
                meta=extracted.meta,
                status="ingesting",
                created_at=created_at or utcnow(),
            )
            session.add(doc)
            session.flush()
            return doc.id

    def _index(
        self, user_id: int, doc_id: int, chunks: Sequence[Chunk], progress: Progress
    ) -> None:
        try:
            with self._sessions.begin() as session:
                doc = session.get_one(Document, doc_id)
                for start in range(0, len(chunks), EMBED_BATCH):
                    batch = chunks[start : start + EMBED_BATCH]
                    progress(f"Embedding {start + len(batch)}/{len(chunks)}", start, len(chunks))
                    stored = self._embed(user_id, doc, batch)
                    self._store.upsert(user_id, stored)
                    session.add_all(
                        ChunkRecord(
                            document_id=doc_id,
                            user_id=user_id,
                            number=item.chunk.number,
                            page=item.chunk.page,
                            heading=item.chunk.heading,
                            text=item.chunk.text,
                            point_id=item.point_id,
                        )
                        for item in stored
                    )
                self._store.flush()  # the vectors are on disk before the document is ready
                doc.status = "ready"
        except BaseException:
            log.exception("indexing document %s failed; removing it", doc_id)
            self._store.delete_document(user_id, doc_id)
            with self._sessions.begin() as session:
                doc = session.get(Document, doc_id)
                if doc is not None:
                    session.delete(doc)
            raise

    def _embed(self, user_id: int, doc: Document, batch: Sequence[Chunk]) -> list[StoredChunk]:
        texts = [_embedding_text(chunk) for chunk in batch]
        dense = self._embedder.embed_batch(texts)
        langs = [guess_language(chunk.text) for chunk in batch]
        sparse = self._sparse.encode_documents(texts, langs)
        return [
            StoredChunk(
                point_id=point_id(user_id, doc.id, chunk.number),
                user_id=user_id,
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

    def _result(self, doc_id: int, chunks: Sequence[Chunk], started: float) -> IngestResult:
        with self._sessions() as session:
            doc = session.get_one(Document, doc_id)
            return IngestResult(
                doc_id=doc.id,
                name=doc.name,
                kind=doc.kind,
                pages=doc.pages,
                chunks=len(chunks),
                seconds=time.monotonic() - started,
                excerpt=str(doc.meta.get("ocr_text", chunks[0].text if chunks else ""))[:300],
            )


def _embedding_text(chunk: Chunk) -> str:
    """The heading travels with the chunk text, so a chunk is found by its section's topic."""
    return f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text


def _clean_name(name: str) -> str:
    """A display name: the last path part, without control characters, at most 255 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return (printable or "unnamed")[:255]
