"""The embedded store: one Qdrant Edge shard in the data dir, WAL on; its per-user HNSW
graphs are built in a child process (edge_index)."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qdrant_edge import (
    CountRequest,
    EdgeShard,
    FacetRequest,
    FieldCondition,
    Filter,
    Fusion,
    MatchValue,
    Point,
    Prefetch,
    Query,
    QueryRequest,
    RangeDateTime,
    SparseVector,
    UpdateOperation,
)

from knowledge.adapters.store.edge_index import (
    CHECK_SECONDS,
    INDEX_FROM_CHUNKS,
    ChildBuild,
    Generations,
    Indexer,
    index_payload,
    shard_config,
    wants_index,
)
from knowledge.adapters.store.payload import (
    CREATED,
    DENSE,
    DOC,
    FACET_LIMIT,
    LANG,
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

log = logging.getLogger(__name__)


class EdgeVectorStore:
    """A `VectorStore` over an in-process Qdrant Edge shard.

    Searches read the current shard without waiting for writes; writes take `_lock`. While an
    index build runs (`index`), writes are journalled too, to be replayed into the new shard.
    """

    def __init__(
        self,
        path: Path,
        dim: int,
        *,
        index_from: int = INDEX_FROM_CHUNKS,
        check_seconds: float | None = CHECK_SECONDS,
    ) -> None:
        self._generations = Generations(path)
        self._dim = dim
        self._index_from = index_from
        self._config = shard_config(dim, index_from)
        self._lock = threading.Lock()
        self._readers = threading.Condition()
        self._reading_now: Counter[int] = Counter()
        self._journal: list[UpdateOperation] | None = None
        self._building = threading.Lock()
        self._failed_at = 0  # points in the store when a build last failed
        self._builder = ChildBuild()
        self._closed = False
        self._claim = self._claim_space(path)
        try:
            self._folder = self._generations.current()
            self._shard = self._open(self._folder)
        except BaseException:
            os.close(self._claim)
            raise
        self._generations.settle()  # the space is ours: nobody else's build is removed
        self._indexer = Indexer(self.index, check_seconds) if check_seconds else None

    def _claim_space(self, path: Path) -> int:
        try:
            return self._generations.claim()
        except BlockingIOError as exc:
            raise StoreBusy(
                f"the memory in {path} is open in another mnemo process "
                "(the bot?); stop it, or set MNEMO_QDRANT_URL to share a Qdrant server"
            ) from exc

    def _open(self, folder: Path) -> EdgeShard:
        if (folder / "edge_config.json").is_file():
            shard = EdgeShard.load(str(folder), self._config)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            shard = EdgeShard.create(str(folder), self._config)
        index_payload(shard)
        return shard

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
        self._write(UpdateOperation.upsert_points(points))

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
        with self._reading() as shard:
            found = shard.query(request)
        return [to_hit(point.payload or {}, point.score, plan.user_id) for point in found]

    def delete_document(self, user_id: int, doc_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id, doc_id)))

    def delete_user(self, user_id: int) -> None:
        self._delete(Filter(must=_user_conditions(user_id)))

    def count(self, user_id: int, doc_id: int | None = None) -> int:
        scope = Filter(must=_user_conditions(user_id, doc_id))
        with self._reading() as shard:
            return shard.count(CountRequest(exact=True, filter=scope))

    def documents(self, user_id: int) -> dict[int, int]:
        return self._counts(DOC, Filter(must=_user_conditions(user_id)))

    def users(self) -> set[int]:
        return set(self._counts(USER))

    def optimize(self) -> None:
        """Build the indexes here and now, holding up this process (benches and tools; the
        bot builds with `index`, in a child process)."""
        with self._lock:
            self._shard.optimize()

    def copy_to(self, folder: Path) -> None:
        """The shard as it is now, flushed, copied into `folder` under this store's space
        name (a backup); writes wait meanwhile, searches do not."""
        with self._lock:
            self._shard.flush()
            shutil.copytree(self._folder, folder / self._generations.base.name)

    def index(self) -> bool:
        """Build the per-user HNSW graphs in a child process when a user passed `index_from`
        chunks and the store grew since the last build (see edge_index). Blocks the calling
        thread only; True when searches moved to the newly built shard."""
        if not self._building.acquire(blocking=False):
            return False
        try:
            largest = max(self._counts(USER).values(), default=0)
            with self._reading() as shard:
                points = shard.info().points_count
            indexed = max(self._generations.indexed_points(), self._failed_at)
            if not wants_index(largest, points, indexed, self._index_from):
                return False
            try:
                return self._build()
            except Exception:
                # E.g. the child ran out of memory: not again until the store grows more.
                self._failed_at = points
                raise
        finally:
            self._building.release()

    def close(self) -> None:
        if self._indexer is not None:
            self._indexer.stop()
        self._builder.cancel()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._shard.flush()
            self._shard.close()
            os.close(self._claim)

    def _build(self) -> bool:
        target = self._generations.next()
        if not self._copy_and_journal(target):
            return False
        log.info("building the search index in %s, off the request path", target.name)
        started = time.monotonic()
        try:
            built = self._builder.run(target, self._dim, self._index_from)
            fresh = EdgeShard.load(str(target), self._config) if built else None
        except BaseException:
            with self._lock:
                self._journal = None
            shutil.rmtree(target, ignore_errors=True)
            raise
        replayed = self._swap_in(target, fresh)
        if replayed is None:
            return False
        log.info(
            "search index built in %.0f s; %d writes made meanwhile replayed into it",
            time.monotonic() - started,
            replayed,
        )
        return True

    def _copy_and_journal(self, target: Path) -> bool:
        """Copy the flushed shard to `target` and journal every write from then on."""
        with self._lock:
            if self._closed:
                return False
            self._shard.flush()
            try:
                shutil.copytree(self._folder, target)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)  # e.g. the disk is full
                raise
            self._journal = []
        return True

    def _swap_in(self, target: Path, fresh: EdgeShard | None) -> int | None:
        """Replay the journal into the built shard, make it current (the pointer first, for a
        kill -9), retire the old one; the writes replayed, or None when nothing was built."""
        with self._lock:
            journal, self._journal = self._journal or [], None
            if fresh is None or self._closed:
                if fresh is not None:
                    fresh.close()
                elif not self._closed:  # nothing to build: not worth asking again soon
                    self._generations.switch(self._folder, self._shard.info().points_count)
                shutil.rmtree(target, ignore_errors=True)
                return None
            for operation in journal:
                fresh.update(operation)
            fresh.flush()
            self._generations.switch(target, fresh.info().points_count)
            old, old_folder = self._shard, self._folder
            with self._readers:
                self._shard, self._folder = fresh, target
        self._retire(old)
        shutil.rmtree(old_folder, ignore_errors=True)
        return len(journal)

    def _retire(self, shard: EdgeShard) -> None:
        """Close a shard no longer current once the searches still reading it are done."""
        with self._readers:
            self._readers.wait_for(lambda: self._reading_now[id(shard)] == 0)
            del self._reading_now[id(shard)]
        shard.close()

    @contextmanager
    def _reading(self) -> Iterator[EdgeShard]:
        with self._readers:
            shard = self._shard
            self._reading_now[id(shard)] += 1
        try:
            yield shard
        finally:
            with self._readers:
                self._reading_now[id(shard)] -= 1
                self._readers.notify_all()

    def _counts(self, field: str, scope: Filter | None = None) -> dict[int, int]:
        """Points per value of `field` (a user, a document), within `scope`."""
        request = FacetRequest(field, limit=FACET_LIMIT, exact=True, filter=scope)
        with self._reading() as shard:
            hits = shard.facet(request).hits
        return {int(hit.value): hit.count for hit in hits if hit.count > 0}

    def _write(self, operation: UpdateOperation, *, flush: bool = False) -> None:
        with self._lock:
            self._shard.update(operation)
            if self._journal is not None:
                self._journal.append(operation)
            if flush:
                self._shard.flush()

    def _delete(self, scope: Filter) -> None:
        self._write(UpdateOperation.delete_points_by_filter(scope), flush=True)


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
