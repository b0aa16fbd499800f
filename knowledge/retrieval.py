"""Hybrid retrieval, always scoped to one user, fused by Qdrant with RRF.

BM25 can only judge chunks written in the query's language, so the hybrid query has three
legs: dense over all chunks, BM25 over chunks in the query's language, and dense over the
chunks in other languages, which stands in for the BM25 rank they cannot have.
"""

from __future__ import annotations

from datetime import datetime

from knowledge.language import guess_language
from knowledge.model import Hit, QueryVectors
from knowledge.ports import Embedder, SearchMode, SparseEncoder, VectorStore


class Retriever:
    def __init__(self, *, store: VectorStore, embedder: Embedder, sparse: SparseEncoder) -> None:
        self._store = store
        self._embedder = embedder
        self._sparse = sparse

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
        lang = guess_language(query)
        vectors = QueryVectors(
            dense=self._embedder.embed_query(query),
            sparse=self._sparse.encode_query(query, lang),
            lang=lang,
        )
        return self._store.search(user_id, vectors, limit=k, mode=mode, since=since, until=until)
