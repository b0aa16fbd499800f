"""Search when memories grow large: a store of `total` chunks (1M by default) where one heavy
user owns 100k (a library of books), one light user 500, and the rest is spread over 98
others; hybrid, dense and BM25 p50/p95 for the heavy and the light user, on Qdrant Edge as
ingested and (with `optimize`) after the store's own background build (`index()`: a child
process builds a graph for each user past `index_from` chunks, then the store swaps it in),
with the hybrid searches both users made while that build ran.

Chunks are synthetic as in search.py (clustered unit vectors, Zipf-drawn words); to load a
million in minutes, the texts and their BM25 vectors are drawn from a pool made once, and
only the dense vectors are new for every chunk.
"""

from __future__ import annotations

import random
import resource
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.speed.search import BATCH, LANGUAGE_MIX, Synthetic, percentile, percentile_interval
from knowledge.adapters.store.edge import EdgeVectorStore
from knowledge.adapters.store.edge_index import INDEX_FROM_CHUNKS
from knowledge.domain.model import Chunk, StoredChunk, point_id
from knowledge.domain.search import SearchMode, plan_search

HEAVY, LIGHT = 1, 2
POOL = 5000
OTHERS = 98
PACE = 0.05  # seconds between searches while the index builds: a busy bot, not a flood
QUERIES = 500  # per user and mode: enough for a p95 interval a few ms wide


class Pooled(Synthetic):
    def __init__(self, dim: int, seed: int = 7) -> None:
        super().__init__(dim, seed)
        texts = [self.text(60) for _ in range(POOL)]
        self.pool = list(zip(texts, self.bm25.encode_documents(texts), strict=True))

    def chunks(self, user: int, doc: int, count: int, created: datetime) -> list[StoredChunk]:
        dense = self.vectors(count)
        picks = self.random.choices(self.pool, k=count)
        return [
            StoredChunk(
                point_id=point_id(user, doc, n),
                user_id=user,
                doc_id=doc,
                chunk=Chunk(n, text, None, None),
                dense=dense[n].tolist(),
                sparse=sparse,
                created_at=created,
                source_kind="document",
                doc_name=f"book {doc}",
                lang=self.random.choice(LANGUAGE_MIX),
            )
            for n, (text, sparse) in enumerate(picks)
        ]


def _load(store: EdgeVectorStore, data: Pooled, plan: list[tuple[int, int]]) -> float:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    doc = 0
    # Interleaved, as users add things over time: a batch of each in turn.
    remaining = dict(plan)
    while any(remaining.values()):
        for user in list(remaining):
            count = min(BATCH, remaining[user])
            if count:
                doc += 1
                store.upsert(user, data.chunks(user, doc, count, created))
                remaining[user] -= count
    store.flush()
    return time.perf_counter() - started


def _timed(store: EdgeVectorStore, data: Pooled, user: int, mode: SearchMode) -> float:
    plan = plan_search(user, data.query(), limit=5, mode=mode)
    started = time.perf_counter()
    store.search(plan)
    return time.perf_counter() - started


def _latencies(store: EdgeVectorStore, data: Pooled, user: int, mode: SearchMode) -> list[float]:
    _timed(store, data, user, mode)
    return [_timed(store, data, user, mode) for _ in range(QUERIES)]


def _during_build(
    store: EdgeVectorStore, data: Pooled, users: tuple[int, ...]
) -> tuple[bool, float, dict[int, list[float]]]:
    """`index()` in a thread, as the bot's indexer runs it, while both users search."""
    outcome: list[bool] = []
    builder = threading.Thread(target=lambda: outcome.append(store.index()))
    times: dict[int, list[float]] = {user: [] for user in users}
    started = time.perf_counter()
    builder.start()
    while builder.is_alive():
        for user in users:
            times[user].append(_timed(store, data, user, "hybrid"))
            time.sleep(PACE)
    builder.join()
    return bool(outcome and outcome[0]), time.perf_counter() - started, times


def _row(
    rows: list[tuple[object, ...]],
    figures: dict[str, float],
    owned: int,
    stage: str,
    mode: str,
    times: list[float],
) -> None:
    p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
    low, high = (value * 1000 for value in percentile_interval(times, 0.95))
    interval = f"{low:.1f}–{high:.1f}"
    rows.append((owned, stage, mode, p50, p95, interval, statistics.mean(times) * 1000))
    key = {"as ingested": "raw", "per-user HNSW": "hnsw", "during the build": "building"}[stage]
    figures[f"tenants_{owned}_{mode}_{key}_p50_ms"] = p50
    figures[f"tenants_{owned}_{mode}_{key}_p95_ms"] = p95
    figures[f"tenants_{owned}_{mode}_{key}_p95_low_ms"] = low
    figures[f"tenants_{owned}_{mode}_{key}_p95_high_ms"] = high


def run(
    total: int,
    heavy: int,
    light: int,
    dim: int,
    optimize: bool = False,
    index_from: int = INDEX_FROM_CHUNKS,
) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    rest = total - heavy - light
    plan = [(HEAVY, heavy), (LIGHT, light)]
    plan += [(3 + n, rest // OTHERS) for n in range(OTHERS)]
    data = Pooled(dim)
    random.seed(7)
    rows: list[tuple[object, ...]] = []
    figures: dict[str, float] = {}
    owners = {HEAVY: heavy, LIGHT: light}
    with tempfile.TemporaryDirectory(prefix="mnemo-tenants-") as tmp:
        store = EdgeVectorStore(Path(tmp) / "edge", dim, index_from=index_from, check_seconds=None)
        seconds = _load(store, data, plan)
        figures["tenants_total"] = float(sum(count for _, count in plan))
        figures["tenants_load_chunks_per_s"] = figures["tenants_total"] / seconds
        for stage in ("as ingested", "per-user HNSW") if optimize else ("as ingested",):
            if stage != "as ingested":
                built, took, during = _during_build(store, data, tuple(owners))
                figures["tenants_index_built"] = float(built)
                figures["tenants_index_build_s"] = took
                # The largest child this process has had: the build, when run alone.
                peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                figures["tenants_index_child_peak_rss_mb"] = peak_kb / 1024
                for user, times in during.items():
                    _row(rows, figures, owners[user], "during the build", "hybrid", times)
                figures["tenants_searches_during_build"] = float(sum(map(len, during.values())))
            for user, owned in owners.items():
                for mode in ("hybrid", "dense", "sparse"):
                    times = _latencies(store, data, user, mode)  # type: ignore[arg-type]
                    _row(rows, figures, owned, stage, mode, times)
        store.close()
    return rows, figures
