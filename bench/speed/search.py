"""Search latency at N chunks: one heavy user's searches in a store shared by 100 users.

Chunks are synthetic (clustered unit vectors of the default embedder's width, Zipf-drawn
words for BM25, and a language each), so 100k of them load in minutes; the store, filters
and fusion are mnemo's.
"""

from __future__ import annotations

import math
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from knowledge.adapters.embedding import Bm25Encoder
from knowledge.adapters.store.edge import EdgeVectorStore
from knowledge.domain.model import Chunk, QueryVectors, StoredChunk, point_id
from knowledge.domain.search import SearchMode, plan_search

USERS = 100
HEAVY_SHARE = 0.1  # the measured user owns 10% of all chunks
QUERIES = 200
BATCH = 1000
WORDS = [f"w{n}" for n in range(20_000)]
# Chunk languages: a mostly English memory with some of each other language; queries are
# English, so hybrid runs its three legs (dense, BM25 over English, dense over the rest).
LANGUAGE_MIX = ["en"] * 7 + ["ru", "es", "zh"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def percentile_interval(values: list[float], share: float) -> tuple[float, float]:
    """A distribution-free 95% interval for the quantile: the order statistics at
    n·q ± 1.96·sqrt(n·q·(1 - q))."""
    ordered = sorted(values)
    n = len(ordered)
    spread = 1.96 * math.sqrt(n * share * (1 - share))
    low = max(0, math.floor(n * share - spread))
    high = min(n - 1, math.ceil(n * share + spread))
    return ordered[low], ordered[high]


class Synthetic:
    def __init__(self, dim: int, seed: int = 7) -> None:
        self.dim = dim
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        self.centroids = self._unit(self.rng.normal(size=(256, dim)))
        self.weights = [1 / (rank + 1) for rank in range(len(WORDS))]
        self.bm25 = Bm25Encoder()

    @staticmethod
    def _unit(matrix: np.ndarray) -> np.ndarray:
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def vectors(self, count: int) -> np.ndarray:
        picks = self.centroids[self.rng.integers(0, len(self.centroids), count)]
        return self._unit(picks + 0.35 * self.rng.normal(size=(count, self.dim)))

    def text(self, words: int) -> str:
        return " ".join(self.random.choices(WORDS, weights=self.weights, k=words))

    def chunks(self, user: int, doc: int, count: int, created: datetime) -> list[StoredChunk]:
        texts = [self.text(60) for _ in range(count)]
        sparse = self.bm25.encode_documents(texts)
        dense = self.vectors(count)
        return [
            StoredChunk(
                point_id=point_id(user, doc, n),
                user_id=user,
                doc_id=doc,
                chunk=Chunk(n, texts[n], None, None),
                dense=dense[n].tolist(),
                sparse=sparse[n],
                created_at=created,
                source_kind="note",
                doc_name=f"doc {doc}",
                lang=self.random.choice(LANGUAGE_MIX),
            )
            for n in range(count)
        ]

    def query(self) -> QueryVectors:
        text = self.text(4)
        return QueryVectors(self.vectors(1)[0].tolist(), self.bm25.encode_query(text), "en")


def fill(store: EdgeVectorStore, data: Synthetic, total: int) -> tuple[int, float]:
    """Load `total` chunks: HEAVY_SHARE for user 1, the rest spread over users 2..100."""
    heavy = int(total * HEAVY_SHARE)
    plan = [(1, heavy)] + [(u, (total - heavy) // (USERS - 1)) for u in range(2, USERS + 1)]
    created = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    doc = 0
    for user, count in plan:
        for start in range(0, count, BATCH):
            doc += 1
            store.upsert(user, data.chunks(user, doc, min(BATCH, count - start), created))
    return heavy, time.perf_counter() - started


def latencies(store: EdgeVectorStore, data: Synthetic, mode: SearchMode) -> list[float]:
    queries = [data.query() for _ in range(QUERIES)]
    store.search(plan_search(1, queries[0], limit=5, mode=mode))  # warm caches
    times = []
    for query in queries:
        started = time.perf_counter()
        store.search(plan_search(1, query, limit=5, mode=mode))
        times.append(time.perf_counter() - started)
    return times


def run(sizes: list[int], dim: int) -> tuple[list[tuple[object, ...]], dict[str, object]]:
    rows: list[tuple[object, ...]] = []
    figures: dict[str, object] = {}
    for total in sizes:
        data = Synthetic(dim)
        with tempfile.TemporaryDirectory(prefix="mnemo-search-") as tmp:
            store = EdgeVectorStore(Path(tmp) / "edge", dim)
            heavy, load_seconds = fill(store, data, total)
            for stage in ("as ingested", "after optimize"):
                if stage == "after optimize":
                    started = time.perf_counter()
                    store.optimize()
                    figures[f"optimize_seconds_{total}"] = time.perf_counter() - started
                for mode in ("hybrid", "dense", "sparse"):
                    times = latencies(store, data, mode)  # type: ignore[arg-type]
                    p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
                    rows.append(
                        (total, heavy, stage, mode, p50, p95, statistics.mean(times) * 1000)
                    )
                    key = f"{total}_{mode}_{'optimized' if 'optimize' in stage else 'raw'}"
                    figures[f"search_p50_ms_{key}"] = p50
                    figures[f"search_p95_ms_{key}"] = p95
            figures[f"load_chunks_per_s_{total}"] = total / load_seconds
            store.close()
    return rows, figures
