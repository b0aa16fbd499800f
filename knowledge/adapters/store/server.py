"""The scale-out store: a Qdrant server (or `QdrantClient(":memory:")` in tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from qdrant_client import QdrantClient, models

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
from knowledge.domain.model import Hit, StoredChunk
from knowledge.domain.search import FUSION_K, Leg, SearchPlan


class QdrantServerStore:
    """A `VectorStore` over one collection of a Qdrant server, tenants split by user_id."""

    def __init__(self, client: QdrantClient, collection: str, dim: int) -> None:
        self._client = client
        self._collection = collection
        if not client.collection_exists(collection):
            client.create_collection(
                collection,
                vectors_config={
                    DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={
                    SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
                # Qdrant's multitenancy guide: no graph over everyone's points (m=0), one
                # per user instead (payload_m, over the is_tenant index), built by the
                # server's background optimizer; searches are always one user's.
                hnsw_config=models.HnswConfigDiff(m=0, payload_m=PER_USER_M),
            )
            # Graph links over the user's index only: with payload_m the server would also
            # build graphs for every large block of the other fields (edge_index.py).
            for field, schema in (
                (USER, models.KeywordIndexParams(type="keyword", is_tenant=True)),
                (
                    DOC,
                    models.IntegerIndexParams(
                        type="integer", lookup=True, range=False, enable_hnsw=False
                    ),
                ),
                (CREATED, models.DatetimeIndexParams(type="datetime", enable_hnsw=False)),
                (LANG, models.KeywordIndexParams(type="keyword", enable_hnsw=False)),
            ):
                client.create_payload_index(collection, field, schema)

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        check_owner(user_id, tuple(chunks))
        points = [
            models.PointStruct(
                id=item.point_id,
                vector={
                    DENSE: item.dense,
                    SPARSE: models.SparseVector(
                        indices=item.sparse.indices, values=item.sparse.values
                    ),
                },
                payload=to_payload(item),
            )
            for item in chunks
        ]
        self._client.upsert(self._collection, points=points, wait=True)

    def flush(self) -> None:
        """Nothing to do: the server has applied each upsert when it returns (wait=True)."""

    def search(self, plan: SearchPlan) -> list[Hit]:
        if not plan.legs:
            return []
        scope = models.Filter(
            must=_user_conditions(plan.user_id, since=plan.since, until=plan.until)
        )
        if plan.fused:
            response = self._client.query_points(
                self._collection,
                prefetch=[
                    models.Prefetch(
                        query=_vector(plan, leg),
                        using=_using(leg),
                        limit=plan.depth,
                        filter=_where(plan, leg),
                    )
                    for leg in plan.legs
                ],
                query=models.RrfQuery(rrf=models.Rrf(k=FUSION_K)),
                query_filter=scope,
                limit=plan.limit,
                with_payload=True,
            )
        else:
            leg = plan.legs[0]
            response = self._client.query_points(
                self._collection,
                query=_vector(plan, leg),
                using=_using(leg),
                query_filter=scope,
                limit=plan.limit,
                with_payload=True,
            )
        return [to_hit(point.payload or {}, point.score, plan.user_id) for point in response.points]

    def delete_document(self, user_id: int, doc_id: int) -> None:
        self._delete(models.Filter(must=_user_conditions(user_id, doc_id)))

    def delete_user(self, user_id: int) -> None:
        self._delete(models.Filter(must=_user_conditions(user_id)))

    def count(self, user_id: int, doc_id: int | None = None) -> int:
        scope = models.Filter(must=_user_conditions(user_id, doc_id))
        result = self._client.count(self._collection, count_filter=scope, exact=True)
        return result.count

    def documents(self, user_id: int) -> dict[int, int]:
        response = self._client.facet(
            self._collection,
            key=DOC,
            facet_filter=models.Filter(must=_user_conditions(user_id)),
            limit=FACET_LIMIT,
            exact=True,
        )
        return {int(hit.value): hit.count for hit in response.hits}

    def users(self) -> set[int]:
        response = self._client.facet(self._collection, key=USER, limit=FACET_LIMIT, exact=True)
        return {int(hit.value) for hit in response.hits}

    def close(self) -> None:
        self._client.close()

    def _delete(self, scope: models.Filter) -> None:
        self._client.delete(
            self._collection, points_selector=models.FilterSelector(filter=scope), wait=True
        )


def _vector(plan: SearchPlan, leg: Leg) -> list[float] | models.SparseVector:
    if leg.vector == "dense":
        return plan.query.dense
    sparse = plan.query.sparse
    return models.SparseVector(indices=sparse.indices, values=sparse.values)


def _using(leg: Leg) -> str:
    return DENSE if leg.vector == "dense" else SPARSE


def _where(plan: SearchPlan, leg: Leg) -> models.Filter:
    """The leg's chunks: the plan's scope, narrowed to a language when the leg says so."""
    conditions = _user_conditions(plan.user_id, since=plan.since, until=plan.until)
    if leg.languages == "all":
        return models.Filter(must=conditions)
    same = models.FieldCondition(key=LANG, match=models.MatchValue(value=plan.query.lang))
    if leg.languages == "same":
        return models.Filter(must=[*conditions, same])
    return models.Filter(must=conditions, must_not=[same])


def _user_conditions(
    user_id: int,
    doc_id: int | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[models.Condition]:
    must: list[models.Condition] = [
        models.FieldCondition(key=USER, match=models.MatchValue(value=tenant(user_id)))
    ]
    if doc_id is not None:
        must.append(models.FieldCondition(key=DOC, match=models.MatchValue(value=doc_id)))
    if since or until:
        window = models.DatetimeRange(
            gte=iso(since) if since else None, lte=iso(until) if until else None
        )
        must.append(models.FieldCondition(key=CREATED, range=window))
    return must
