"""The scale-out store: a Qdrant server (or `QdrantClient(":memory:")` in tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from qdrant_client import QdrantClient, models

from knowledge.model import Hit, QueryVectors, StoredChunk
from knowledge.ports import SearchMode
from knowledge.store import payload as p


class QdrantServerStore:
    """A `VectorStore` over one collection of a Qdrant server, tenants split by user_id."""

    def __init__(self, client: QdrantClient, collection: str, dim: int) -> None:
        self._client = client
        self._collection = collection
        if not client.collection_exists(collection):
            client.create_collection(
                collection,
                vectors_config={
                    p.DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={
                    p.SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
            )
            for field, schema in (
                (p.USER, models.KeywordIndexParams(type="keyword", is_tenant=True)),
                (p.DOC, models.IntegerIndexParams(type="integer", lookup=True, range=False)),
                (p.CREATED, models.DatetimeIndexParams(type="datetime")),
                (p.LANG, models.KeywordIndexParams(type="keyword")),
            ):
                client.create_payload_index(collection, field, schema)

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        p.check_owner(user_id, tuple(chunks))
        points = [
            models.PointStruct(
                id=item.point_id,
                vector={
                    p.DENSE: item.dense,
                    p.SPARSE: models.SparseVector(
                        indices=item.sparse.indices, values=item.sparse.values
                    ),
                },
                payload=p.to_payload(item),
            )
            for item in chunks
        ]
        self._client.upsert(self._collection, points=points, wait=True)

    def flush(self) -> None:
        """Nothing to do: the server has applied each upsert when it returns (wait=True)."""

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
        scope = models.Filter(must=conditions)
        sparse = models.SparseVector(indices=query.sparse.indices, values=query.sparse.values)
        if mode == "hybrid":
            depth = limit * p.PREFETCH_FACTOR
            dense_leg: tuple[models.Query | list[float], str] = (query.dense, p.DENSE)
            if query.lang is None:
                legs = [(dense_leg, scope), ((sparse, p.SPARSE), scope)]
            else:
                same = models.FieldCondition(key=p.LANG, match=models.MatchValue(value=query.lang))
                legs = [
                    (dense_leg, scope),
                    ((sparse, p.SPARSE), models.Filter(must=[*conditions, same])),
                    (dense_leg, models.Filter(must=conditions, must_not=[same])),
                ]
            response = self._client.query_points(
                self._collection,
                prefetch=[
                    models.Prefetch(query=leg, using=using, limit=depth, filter=where)
                    for (leg, using), where in legs
                ],
                query=models.RrfQuery(rrf=models.Rrf(k=p.FUSION_K)),
                query_filter=scope,
                limit=limit,
                with_payload=True,
            )
        else:
            single, using = (query.dense, p.DENSE) if mode == "dense" else (sparse, p.SPARSE)
            response = self._client.query_points(
                self._collection,
                query=single,
                using=using,
                query_filter=scope,
                limit=limit,
                with_payload=True,
            )
        return [p.to_hit(point.payload or {}, point.score, user_id) for point in response.points]

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
            key=p.DOC,
            facet_filter=models.Filter(must=_user_conditions(user_id)),
            limit=p.FACET_LIMIT,
            exact=True,
        )
        return {int(hit.value): hit.count for hit in response.hits}

    def users(self) -> set[int]:
        response = self._client.facet(self._collection, key=p.USER, limit=p.FACET_LIMIT, exact=True)
        return {int(hit.value) for hit in response.hits}

    def close(self) -> None:
        self._client.close()

    def _delete(self, scope: models.Filter) -> None:
        self._client.delete(
            self._collection, points_selector=models.FilterSelector(filter=scope), wait=True
        )


def _user_conditions(
    user_id: int,
    doc_id: int | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[models.Condition]:
    must: list[models.Condition] = [
        models.FieldCondition(key=p.USER, match=models.MatchValue(value=p.tenant(user_id)))
    ]
    if doc_id is not None:
        must.append(models.FieldCondition(key=p.DOC, match=models.MatchValue(value=doc_id)))
    if since or until:
        window = models.DatetimeRange(
            gte=p.iso(since) if since else None, lte=p.iso(until) if until else None
        )
        must.append(models.FieldCondition(key=p.CREATED, range=window))
    return must
