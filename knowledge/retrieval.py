"""Hybrid retrieval, always scoped to one user, fused by Qdrant with RRF.

BM25 can only judge chunks written in the query's language, so the hybrid query has three
legs: dense over all chunks, BM25 over chunks in the query's language, and dense over the
chunks in other languages, which stands in for the BM25 rank they cannot have.

Only chunks of documents SQL holds as ready are returned: vectors a crash left behind (a
document half-read, or half-forgotten) are never shown, even before `mnemo doctor` runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.language import guess_language
from knowledge.model import Hit, QueryVectors
from knowledge.ports import Embedder, SearchMode, SparseEncoder, VectorStore
from knowledge.records import Document


class Retriever:
    def __init__(
        self,
        *,
        store: VectorStore,
        embedder: Embedder,
        sparse: SparseEncoder,
        sessions: sessionmaker[Session],
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._sparse = sparse
        self._sessions = sessions

    def search(
        self,
        user_id: int,
        query: str,
        *,
        k: int = 5,
        mode: SearchMode = "hybrid",
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Hit]:
        vectors = self.query_vectors(query)
        hits = self._store.search(user_id, vectors, limit=k, mode=mode, since=since, until=until)
        return self._of_ready_documents(user_id, hits)

    def query_vectors(self, query: str) -> QueryVectors:
        """What the store is asked with: dense and BM25 vectors, and the query's language."""
        lang = guess_language(query)
        return QueryVectors(
            dense=self._embedder.embed_query(query),
            sparse=self._sparse.encode_query(query, lang),
            lang=lang,
        )

    def _of_ready_documents(self, user_id: int, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        with self._sessions() as session:
            ready = set(
                session.scalars(
                    select(Document.id).where(
                        Document.user_id == user_id,
                        Document.status == "ready",
                        Document.id.in_({hit.doc_id for hit in hits}),
                    )
                )
            )
        return [hit for hit in hits if hit.doc_id in ready]
