"""A `VectorStore` in a dict: the fast tests' store, and a reference for what a plan means.

It executes a SearchPlan as the Qdrant stores do: each leg ranks the user's points in its
scope (cosine for dense; BM25 term weights times IDF over the whole store for sparse), and
several legs are fused by reciprocal rank. It passes the same contract tests as Edge and
the server store; nothing is kept on disk.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from knowledge.adapters.store.payload import check_owner, to_hit, to_payload
from knowledge.domain.model import Hit, StoredChunk
from knowledge.domain.search import FUSION_K, Leg, SearchPlan


class MemoryVectorStore:
    def __init__(self) -> None:
        self._points: dict[str, StoredChunk] = {}
        self._lock = threading.Lock()

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        check_owner(user_id, tuple(chunks))
        with self._lock:
            self._points.update((item.point_id, item) for item in chunks)

    def flush(self) -> None:
        """Nothing to write: the points live only in this process."""

    def search(self, plan: SearchPlan) -> list[Hit]:
        if not plan.legs:
            return []
        with self._lock:
            points = list(self._points.values())
        if not plan.fused:
            ranked = self._rank(plan, plan.legs[0], points)[: plan.limit]
            return [_hit(point, score, plan.user_id) for point, score in ranked]
        fused: dict[str, float] = {}
        by_id: dict[str, StoredChunk] = {}
        for leg in plan.legs:
            for rank, (point, _) in enumerate(self._rank(plan, leg, points)[: plan.depth]):
                fused[point.point_id] = fused.get(point.point_id, 0.0) + 1 / (FUSION_K + rank + 1)
                by_id[point.point_id] = point
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[: plan.limit]
        return [_hit(by_id[point_id], score, plan.user_id) for point_id, score in best]

    def delete_document(self, user_id: int, doc_id: int) -> None:
        self._drop(lambda p: p.user_id == user_id and p.doc_id == doc_id)

    def delete_user(self, user_id: int) -> None:
        self._drop(lambda p: p.user_id == user_id)

    def count(self, user_id: int, doc_id: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for p in self._points.values()
                if p.user_id == user_id and (doc_id is None or p.doc_id == doc_id)
            )

    def documents(self, user_id: int) -> dict[int, int]:
        with self._lock:
            return dict(Counter(p.doc_id for p in self._points.values() if p.user_id == user_id))

    def users(self) -> set[int]:
        with self._lock:
            return {p.user_id for p in self._points.values()}

    def close(self) -> None:
        """Nothing to release."""

    def _rank(
        self, plan: SearchPlan, leg: Leg, points: list[StoredChunk]
    ) -> list[tuple[StoredChunk, float]]:
        scope = [p for p in points if _in_scope(plan, leg, p)]
        if leg.vector == "dense":
            scored = [(p, _cosine(plan.query.dense, p.dense)) for p in scope]
        else:
            idf = _idf(points)
            query = dict(zip(plan.query.sparse.indices, plan.query.sparse.values, strict=True))
            scored = []
            for p in scope:
                score = sum(
                    query[i] * value * idf.get(i, 0.0)
                    for i, value in zip(p.sparse.indices, p.sparse.values, strict=True)
                    if i in query
                )
                if score > 0:  # a point without a single query term is not a sparse match
                    scored.append((p, score))
        return sorted(scored, key=lambda item: (-item[1], item[0].point_id))

    def _drop(self, doomed: Callable[[StoredChunk], bool]) -> None:
        with self._lock:
            for point_id in [key for key, p in self._points.items() if doomed(p)]:
                del self._points[point_id]


def _in_scope(plan: SearchPlan, leg: Leg, point: StoredChunk) -> bool:
    if point.user_id != plan.user_id:
        return False
    created = point.created_at if point.created_at.tzinfo else point.created_at.replace(tzinfo=UTC)
    if plan.since and created < _aware(plan.since):
        return False
    if plan.until and created > _aware(plan.until):
        return False
    if leg.languages == "same":
        return point.lang == plan.query.lang
    if leg.languages == "other":
        return point.lang != plan.query.lang
    return True


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cosine(a: list[float], b: list[float]) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


def _idf(points: list[StoredChunk]) -> dict[int, float]:
    """Qdrant's IDF modifier: ln(1 + (N - n + 0.5) / (n + 0.5)) over every point stored."""
    holding = Counter(i for p in points for i in set(p.sparse.indices))
    total = len(points)
    return {i: math.log(1 + (total - n + 0.5) / (n + 0.5)) for i, n in holding.items()}


def _hit(point: StoredChunk, score: float, user_id: int) -> Hit:
    return to_hit(to_payload(point), score, user_id)
