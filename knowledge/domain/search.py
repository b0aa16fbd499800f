"""The search plan: what a hybrid query asks of a vector store, decided once, here.

BM25 can only judge chunks written in the query's language, so a hybrid query in a known
language has three legs: dense over all chunks, BM25 over the chunks in the query's
language, and dense over the chunks in other languages, which stands in for the BM25 rank
they cannot have. The legs' rankings are fused by reciprocal rank (RRF). Every store
executes a plan as it is; none decides legs of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from knowledge.domain.model import QueryVectors

SearchMode = Literal["hybrid", "dense", "sparse"]
Vector = Literal["dense", "sparse"]
Languages = Literal["all", "same", "other"]  # chunks in any, the query's, or another language

FUSION_K = 60  # RRF's constant: a leg's rank r adds 1 / (FUSION_K + r)
PREFETCH_FACTOR = 4  # each leg of a fused query ranks this many times the results wanted


@dataclass(frozen=True)
class Leg:
    """One ranking: a vector compared over a subset of the user's chunks."""

    vector: Vector
    languages: Languages = "all"


@dataclass(frozen=True)
class SearchPlan:
    """One user's query: legs fused by RRF when there are several, else one ranking."""

    user_id: int
    query: QueryVectors
    legs: tuple[Leg, ...]
    limit: int
    since: datetime | None = None
    until: datetime | None = None

    @property
    def fused(self) -> bool:
        return len(self.legs) > 1

    @property
    def depth(self) -> int:
        """How many results each leg of a fused query ranks."""
        return self.limit * PREFETCH_FACTOR


def plan_search(
    user_id: int,
    query: QueryVectors,
    *,
    limit: int,
    mode: SearchMode = "hybrid",
    since: datetime | None = None,
    until: datetime | None = None,
) -> SearchPlan:
    """The plan for a query. A query with no BM25 terms (only stop words, say) falls back to
    dense; a BM25-only one then has no legs, and finds nothing."""
    legs: tuple[Leg, ...]
    if not query.sparse.indices and mode != "dense":
        legs = () if mode == "sparse" else (Leg("dense"),)
    elif mode == "dense":
        legs = (Leg("dense"),)
    elif mode == "sparse":
        legs = (Leg("sparse"),)
    elif query.lang is None:
        legs = (Leg("dense"), Leg("sparse"))
    else:
        legs = (Leg("dense"), Leg("sparse", "same"), Leg("dense", "other"))
    return SearchPlan(user_id, query, legs, limit, since, until)
