"""The embedded store: one Qdrant Edge shard in the data dir, WAL on."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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
    HnswIndexConfig,
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

from knowledge.adapters.store.payload import (
    CREATED,
    DENSE,
    DOC,
    FACET_LIMIT,
    LANG,
    PER_USER_M,
    SPARSE,
    USER,
    check_owner,
    iso,
    tenant,
    to_hit,
    to_payload,
)
from knowledge.domain.errors import StoreBusy
from knowledge.domain.model import Hit, StoredChunk
from knowledge.domain.search import FUSION_K, Leg, SearchPlan

if TYPE_CHECKING:
    from qdrant_edge import ConditionType


class EdgeVectorStore:
    """A `VectorStore` over an in-process Qdrant Edge shard."""

    def __init__(self, path: Path, dim: int) -> None:
        config = EdgeConfig(
            vectors={DENSE: EdgeVectorParams(size=dim, distance=Distance.Cosine)},
            sparse_vectors={SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)},
            # As on the server (Qdrant's multitenancy guide): when `optimize()` builds HNSW,
            # one graph per user over the tenant index, none over everyone's points.
            hnsw_config=HnswIndexConfig(
                m=0, ef_construct=100, full_scan_threshold=10_000, payload_m=PER_USER_M
            ),
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
                (USER, KeywordIndexParams(is_tenant=True)),
                (DOC, IntegerIndexParams(lookup=True, range=False)),
                (CREATED, DatetimeIndexParams()),
                (LANG, KeywordIndexParams()),
            ):
                self._shard.update(UpdateOperation.create_field_index(field, schema))

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        check_owner(user_id, tuple(chunks))
        points = [
            Point(
                id=item.point_id,
                vector={
                    DENSE: item.dense,
                    SPARSE: SparseVector(item.sparse.indices, item.sparse.values),
                },
                payload=to_payload(item),
            )
            for item in chunks
        ]
        with self._lock:
            self._shard.update(UpdateOperation.upsert_points(points))

    def flush(self) -> None:
        with self._lock:
            self._shard.flush()

    def search(self, plan: SearchPlan) -> list[Hit]:
        if not plan.legs:
            return []
        conditions = _user_conditions(plan.user_id, since=plan.since, until=plan.until)
        scope = Filter(must=list(conditions))
        if plan.fused:
            request = QueryRequest(
                limit=plan.limit,
                prefetches=[
                    Prefetch(limit=plan.depth, query=_nearest(plan, leg), filter=_where(plan, leg))
                    for leg in plan.legs
                ],
                # The stub types Fusion.Rrf as a class apart from Fusion; the engine takes it.
                query=Fusion.Rrf(k=FUSION_K),  # type: ignore[arg-type]
                filter=scope,
                with_payload=True,
            )
        else:
            query = _nearest(plan, plan.legs[0])
            request = QueryRequest(limit=plan.limit, query=query, filter=scope, with_payload=True)
        found = self._shard.query(request)
        return [to_hit(point.payload or {}, point.score, plan.user_id) for point in found]

    def delete_document(self, user_id: int, doc_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id, doc_id)))

    def delete_user(self, user_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id)))

    def count(self, user_id: int, doc_id: int | None = None) -> int:
        scope = Filter(must=_user_conditions(user_id, doc_id))
        return self._shard.count(CountRequest(exact=True, filter=scope))

    def documents(self, user_id: int) -> dict[int, int]:
        request = FacetRequest(
            DOC, limit=FACET_LIMIT, exact=True, filter=Filter(must=_user_conditions(user_id))
        )
        hits = self._shard.facet(request).hits
        return {int(hit.value): hit.count for hit in hits if hit.count > 0}

    def users(self) -> set[int]:
        request = FacetRequest(USER, limit=FACET_LIMIT, exact=True)
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


def _nearest(plan: SearchPlan, leg: Leg) -> Query:
    if leg.vector == "dense":
        return Query.Nearest(plan.query.dense, using=DENSE)
    sparse = plan.query.sparse
    return Query.Nearest(SparseVector(sparse.indices, sparse.values), using=SPARSE)


def _where(plan: SearchPlan, leg: Leg) -> Filter:
    """The leg's chunks: the plan's scope, narrowed to a language when the leg says so."""
    conditions = _user_conditions(plan.user_id, since=plan.since, until=plan.until)
    if leg.languages == "all":
        return Filter(must=list(conditions))
    same = FieldCondition(key=LANG, match=MatchValue(plan.query.lang or ""))
    if leg.languages == "same":
        return Filter(must=[*conditions, same])
    return Filter(must=list(conditions), must_not=[same])


def _user_conditions(
    user_id: int,
    doc_id: int | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ConditionType]:
    must: list[ConditionType] = [FieldCondition(key=USER, match=MatchValue(tenant(user_id)))]
    if doc_id is not None:
        must.append(FieldCondition(key=DOC, match=MatchValue(doc_id)))
    if since or until:
        window = RangeDateTime(gte=iso(since) if since else None, lte=iso(until) if until else None)
        must.append(FieldCondition(key=CREATED, range=window))
    return must
