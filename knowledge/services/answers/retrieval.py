"""Hybrid retrieval, always scoped to one user: the search plan (knowledge.domain.search)
is built here and executed by the vector store.

Only chunks of documents SQL holds as ready are returned: vectors a crash left behind (a
document half-read, or half-forgotten) are never shown, even before `mnemo doctor` runs.
Each hit carries its document's outdated mark (its owner said it no longer holds).
Each hit's time is given in the user's zone, as every line that shows it writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from knowledge.domain.model import Hit, QueryVectors
from knowledge.domain.ports import Embedder, SparseEncoder, VectorStore
from knowledge.domain.repositories import Storage
from knowledge.domain.search import SearchMode, plan_search
from knowledge.services.words.language import guess_language


class Retriever:
    def __init__(
        self,
        *,
        store: VectorStore,
        embedder: Embedder,
        sparse: SparseEncoder,
        storage: Storage,
        zone_of: Callable[[int], ZoneInfo] | None = None,
    ) -> None:
        self._zone_of = zone_of
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
        hits = self._of_ready_documents(user_id, self._store.search(plan))
        if not hits or self._zone_of is None:
            return hits
        zone = self._zone_of(user_id)
        return [replace(hit, created_at=_in_zone(hit.created_at, zone)) for hit in hits]

    def query_vectors(self, query: str) -> QueryVectors:
        """What the store is asked with: dense and BM25 vectors, and the query's language."""
        lang = guess_language(query)
        return QueryVectors(
            dense=self._embedder.embed_query(query),
            sparse=self._sparse.encode_query(query, lang),
            lang=lang,
        )

    def _of_ready_documents(self, user_id: int, hits: list[Hit]) -> list[Hit]:
        """The hits of ready documents, each with its owner's outdated mark."""
        if not hits:
            return hits
        ids = {hit.doc_id for hit in hits}
        with self._storage.read() as uow:
            ready = uow.documents.ready_among(user_id, ids)
            outdated = uow.documents.outdated_among(user_id, ids)
        return [
            replace(hit, outdated_at=outdated.get(hit.doc_id))
            for hit in hits
            if hit.doc_id in ready
        ]


def _in_zone(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """The same moment on the user's clock (a naive one was stored in UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
