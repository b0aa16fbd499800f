"""Hybrid retrieval (dense + BM25, fused by Qdrant with RRF), always scoped to one user."""

from __future__ import annotations

from datetime import datetime

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
        vectors = QueryVectors(
            dense=self._embedder.embed_query(query), sparse=self._sparse.encode_query(query)
        )
        return self._store.search(user_id, vectors, limit=k, mode=mode, since=since, until=until)
