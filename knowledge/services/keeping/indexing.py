"""A document's chunks made searchable: embedded (dense and BM25) and written to the vector
store and to SQL, in step.

Three ways in: a new document (`index`: removed again if anything fails), a document whose
text changed (`rewrite`: a photo's label, an edited note; the old text stays until the new
one is written), and vectors rebuilt from the chunk texts kept in SQL (`reindex_document`,
for the doctor and for a new embedder).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from knowledge.domain.model import Chunk, Section, StoredChunk, StoredDocument, point_id
from knowledge.domain.ports import Embedder, Progress, SparseEncoder, VectorStore, no_progress
from knowledge.domain.repositories import Storage, UnitOfWork
from knowledge.services.keeping.chunking import Chunker
from knowledge.services.words.language import guess_language

log = logging.getLogger(__name__)

EMBED_BATCH = 32
CHATTER_WORDS = 4  # a heading is indexed with a text of at least this many words
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
SPARSE_BYTES = 512  # what a chunk's BM25 terms take in the store, about


@dataclass(frozen=True)
class Rewrite:
    """A document's new text, and what else changes with it."""

    sections: list[Section]
    meta: dict[str, object] | None = None
    note_text: str | None = None  # a note's new text
    content: tuple[str, str, int] | None = None  # a note's (sha256, name, size_bytes)


class Indexer:
    def __init__(
        self,
        *,
        storage: Storage,
        store: VectorStore,
        embedder: Embedder,
        sparse: SparseEncoder,
        chunker: Chunker,
    ) -> None:
        self._storage = storage
        self._store = store
        self._embedder = embedder
        self._sparse = sparse
        self.chunker = chunker

    def derived_bytes(self, chunks: Sequence[Chunk]) -> int:
        """What the chunks will take once stored: their texts in SQL, their vectors."""
        vector = self._embedder.dim * 4 + SPARSE_BYTES
        return sum(len(chunk.text.encode()) + vector for chunk in chunks)

    def index(self, doc: StoredDocument, chunks: Sequence[Chunk], progress: Progress) -> None:
        """Write a new document's chunks and mark it ready; on any failure the document is
        removed (its vectors and rows), so earlier memory is untouched."""
        try:
            with self._storage.begin() as uow:
                self._write(uow, doc, self._embedded(doc, chunks, progress))  # batch by batch
                uow.documents.set_derived_bytes(doc.id, self.derived_bytes(chunks))
                uow.documents.mark_ready(doc.id)  # after the vectors are on disk
        except BaseException:
            log.exception("indexing document %s failed; removing it", doc.id)
            self._store.delete_document(doc.user_id, doc.id)
            with self._storage.begin() as uow:
                uow.documents.remove(doc.id)
            raise

    def index_many(self, pieces: Sequence[tuple[StoredDocument, Sequence[Chunk]]]) -> None:
        """New documents of one user indexed together (an import's notes): their chunks
        embedded in full batches across documents, the vectors flushed once, every document
        marked ready in one transaction after that. On any failure all of them are removed."""
        if not pieces:
            return
        user_id = pieces[0][0].user_id
        flat = [(doc, chunk) for doc, chunks in pieces for chunk in chunks]
        try:
            with self._storage.begin() as uow:
                for start in range(0, len(flat), EMBED_BATCH):
                    stored = self._embed_pairs(flat[start : start + EMBED_BATCH])
                    self._store.upsert(user_id, stored)
                    for doc_id in dict.fromkeys(item.doc_id for item in stored):
                        uow.chunks.add(doc_id, [item for item in stored if item.doc_id == doc_id])
                self._store.flush()
                uow.documents.mark_ready_many(
                    {doc.id: self.derived_bytes(chunks) for doc, chunks in pieces}
                )
        except BaseException:
            log.exception("indexing %d documents failed; removing them", len(pieces))
            with self._storage.begin() as uow:
                for doc, _ in pieces:
                    self._store.delete_document(user_id, doc.id)
                    uow.documents.remove(doc.id)
            raise

    def rewrite(self, doc: StoredDocument, change: Rewrite) -> None:
        """Replace a document's text. Everything that can fail (chunking, embedding) runs
        before anything is touched; then the vectors and the rows are replaced together. If
        writing fails, SQL rolls back to the old text and the vectors are rebuilt from it; a
        kill -9 in between leaves vectors the doctor rebuilds from SQL at the next start."""
        chunks = self.chunker.chunk(change.sections)
        embedded = list(self._embedded(doc, chunks, no_progress))  # all of it, first
        try:
            with self._storage.begin() as uow:
                uow.chunks.remove(doc.id)
                self._store.delete_document(doc.user_id, doc.id)
                self._write(uow, doc, embedded)
                uow.documents.set_derived_bytes(doc.id, self.derived_bytes(chunks))
                if change.meta is not None:
                    uow.documents.set_meta(doc.user_id, doc.id, dict(change.meta))
                if change.note_text is not None:
                    uow.notes.set_text(doc.id, change.note_text)
                if change.content is not None:
                    sha256, name, size = change.content
                    uow.documents.set_content(
                        doc.user_id, doc.id, sha256=sha256, name=name, size_bytes=size
                    )
                uow.documents.set_summary(doc.user_id, doc.id, None)  # made again
        except BaseException:
            log.exception("rewriting document %s failed; its old text is kept", doc.id)
            self.reindex_document(doc.user_id, doc.id)
            raise

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

    def _embedded(
        self, doc: StoredDocument, chunks: Sequence[Chunk], progress: Progress
    ) -> Iterator[list[StoredChunk]]:
        """The chunks embedded, a batch at a time (a long book is never all in memory)."""
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start : start + EMBED_BATCH]
            progress(f"Embedding {start + len(batch)}/{len(chunks)}", start, len(chunks))
            yield self._embed(doc, batch)

    def _write(
        self, uow: UnitOfWork, doc: StoredDocument, batches: Iterable[list[StoredChunk]]
    ) -> None:
        """Vectors to the store (flushed to disk at the end), chunk rows to the unit of work."""
        for stored in batches:
            self._store.upsert(doc.user_id, stored)
            uow.chunks.add(doc.id, stored)
        self._store.flush()

    def _embed(self, doc: StoredDocument, batch: Sequence[Chunk]) -> list[StoredChunk]:
        return self._embed_pairs([(doc, chunk) for chunk in batch])

    def _embed_pairs(self, batch: Sequence[tuple[StoredDocument, Chunk]]) -> list[StoredChunk]:
        texts = [_embedding_text(chunk) for _, chunk in batch]
        dense = self._embedder.embed_batch(texts)
        langs = [guess_language(chunk.text) for _, chunk in batch]
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
            for (doc, chunk), vector, terms, lang in zip(batch, dense, sparse, langs, strict=True)
        ]


def _embedding_text(chunk: Chunk) -> str:
    """The heading travels with the chunk text, so a chunk is found by its section's topic,
    and a message by who said it ("what did Anna say about the flight?"); but not a few
    words of chatter ("ok", "who's in?"), whose meaning would be the name alone: every
    question naming her would find it first (bench/chats.py)."""
    if not chunk.heading or _chatter(chunk.text):
        return chunk.text
    return f"{chunk.heading}\n{chunk.text}"


def _chatter(text: str) -> bool:
    """A few words only: under four (a Chinese character counts as half of one)."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk / 2 < CHATTER_WORDS
