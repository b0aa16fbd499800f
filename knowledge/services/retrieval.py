"""Hybrid retrieval, always scoped to one user: the search plan (knowledge.domain.search)
is built here and executed by the vector store.

Only chunks of documents SQL holds as ready are returned: vectors a crash left behind (a
document half-read, or half-forgotten) are never shown, even before `mnemo doctor` runs.
"""

from __future__ import annotations

from datetime import datetime

from knowledge.domain.model import Hit, QueryVectors
from knowledge.domain.ports import Embedder, SparseEncoder, VectorStore
from knowledge.domain.repositories import Storage
from knowledge.domain.search import SearchMode, plan_search
from knowledge.services.language import guess_language


class Retriever:
    def __init__(
        self,
        *,
        store: VectorStore,
        embedder: Embedder,
        sparse: SparseEncoder,
        storage: Storage,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._sparse = sparse
        self._storage = storage

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
        plan = plan_search(user_id, vectors, limit=k, mode=mode, since=since, until=until)
        return self._of_ready_documents(user_id, self._store.search(plan))

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
        with self._storage.read() as uow:
            ready = uow.documents.ready_among(user_id, {hit.doc_id for hit in hits})
        return [hit for hit in hits if hit.doc_id in ready]
