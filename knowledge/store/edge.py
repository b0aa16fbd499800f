"""The embedded store: one Qdrant Edge shard in the data dir, WAL on."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from qdrant_edge import (
    CountRequest,
    DatetimeIndexParams,
    Distance,
    EdgeConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    EdgeVectorParams,
    FacetRequest,
    FieldCondition,
    Filter,
    Fusion,
    IntegerIndexParams,
    KeywordIndexParams,
    MatchValue,
    Modifier,
    Point,
    Prefetch,
    Query,
    QueryRequest,
    RangeDateTime,
    SparseVector,
    UpdateOperation,
)

from knowledge.errors import StoreBusy
from knowledge.model import Hit, QueryVectors, StoredChunk
from knowledge.ports import SearchMode
from knowledge.store import payload as p


class EdgeVectorStore:
    """A `VectorStore` over an in-process Qdrant Edge shard."""

    def __init__(self, path: Path, dim: int) -> None:
        config = EdgeConfig(
            vectors={p.DENSE: EdgeVectorParams(size=dim, distance=Distance.Cosine)},
            sparse_vectors={p.SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)},
            wal_enabled=True,
        )
        self._lock = threading.Lock()
        self._closed = False
        if (path / "edge_config.json").is_file():
            try:
                self._shard = EdgeShard.load(str(path), config)
            except Exception as exc:
                if "WouldBlock" in str(exc):
                    raise StoreBusy(
                        f"the memory in {path} is open in another mnemo process "
                        "(the bot?); stop it, or set MNEMO_QDRANT_URL to share a Qdrant server"
                    ) from exc
                raise
        else:
            path.mkdir(parents=True, exist_ok=True)
            self._shard = EdgeShard.create(str(path), config)
            for field, schema in (
                (p.USER, KeywordIndexParams(is_tenant=True)),
                (p.DOC, IntegerIndexParams(lookup=True, range=False)),
                (p.CREATED, DatetimeIndexParams()),
                (p.LANG, KeywordIndexParams()),
            ):
                self._shard.update(UpdateOperation.create_field_index(field, schema))

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        p.check_owner(user_id, tuple(chunks))
        points = [
            Point(
                id=item.point_id,
                vector={
                    p.DENSE: item.dense,
                    p.SPARSE: SparseVector(item.sparse.indices, item.sparse.values),
                },
                payload=p.to_payload(item),
            )
            for item in chunks
        ]
        with self._lock:
            self._shard.update(UpdateOperation.upsert_points(points))

    def flush(self) -> None:
        with self._lock:
            self._shard.flush()

    def search(
        self,
        user_id: int,
        query: QueryVectors,
        *,
        limit: int,
        mode: SearchMode = "hybrid",
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Hit]:
        mode = p.effective_mode(mode, query)
        if mode is None:
            return []
        conditions = _user_conditions(user_id, since=since, until=until)
        scope = Filter(must=conditions)
        dense = Query.Nearest(query.dense, using=p.DENSE)
        sparse = Query.Nearest(
            SparseVector(query.sparse.indices, query.sparse.values), using=p.SPARSE
        )
        if mode == "hybrid":
            depth = limit * p.PREFETCH_FACTOR
            if query.lang is None:
                legs = [(dense, scope), (sparse, scope)]
            else:
                same = FieldCondition(key=p.LANG, match=MatchValue(query.lang))
                legs = [
                    (dense, scope),
                    (sparse, Filter(must=[*conditions, same])),
                    (dense, Filter(must=conditions, must_not=[same])),
                ]
            request = QueryRequest(
                limit=limit,
                prefetches=[Prefetch(limit=depth, query=leg, filter=where) for leg, where in legs],
                query=Fusion.Rrf(k=p.FUSION_K),
                filter=scope,
                with_payload=True,
            )
        else:
            single = dense if mode == "dense" else sparse
            request = QueryRequest(limit=limit, query=single, filter=scope, with_payload=True)
        found = self._shard.query(request)
        return [p.to_hit(point.payload or {}, point.score, user_id) for point in found]

    def delete_document(self, user_id: int, doc_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id, doc_id)))

    def delete_user(self, user_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id)))

    def count(self, user_id: int, doc_id: int | None = None) -> int:
        scope = Filter(must=_user_conditions(user_id, doc_id))
        return self._shard.count(CountRequest(exact=True, filter=scope))

    def documents(self, user_id: int) -> dict[int, int]:
        request = FacetRequest(
            p.DOC, limit=p.FACET_LIMIT, exact=True, filter=Filter(must=_user_conditions(user_id))
        )
        hits = self._shard.facet(request).hits
        return {int(hit.value): hit.count for hit in hits if hit.count > 0}

    def users(self) -> set[int]:
        request = FacetRequest(p.USER, limit=p.FACET_LIMIT, exact=True)
        return {int(hit.value) for hit in self._shard.facet(request).hits if hit.count > 0}

    def optimize(self) -> None:
        """Build the HNSW and sparse indexes; until then new points are searched exhaustively."""
        with self._lock:
            self._shard.optimize()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._shard.flush()
            self._shard.close()

    def _delete(self, scope: Filter) -> None:
        with self._lock:
            self._shard.update(UpdateOperation.delete_points_by_filter(scope))
            self._shard.flush()


def _user_conditions(
    user_id: int,
    doc_id: int | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FieldCondition]:
    must: list[FieldCondition] = [FieldCondition(key=p.USER, match=MatchValue(p.tenant(user_id)))]
    if doc_id is not None:
        must.append(FieldCondition(key=p.DOC, match=MatchValue(doc_id)))
    if since or until:
        window = RangeDateTime(
            gte=p.iso(since) if since else None, lte=p.iso(until) if until else None
        )
        must.append(FieldCondition(key=p.CREATED, range=window))
    return must
