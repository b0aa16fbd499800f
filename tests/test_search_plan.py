"""The search plan: the legs every store executes, decided in one place."""

from __future__ import annotations

from knowledge.domain.model import QueryVectors, SparseVec
from knowledge.domain.search import PREFETCH_FACTOR, Leg, plan_search

TERMS = SparseVec([3, 7], [1.0, 1.0])
NO_TERMS = SparseVec([], [])


def test_hybrid_in_a_known_language_has_three_legs() -> None:
    plan = plan_search(1, QueryVectors([1.0], TERMS, "ru"), limit=5)
    assert plan.legs == (Leg("dense"), Leg("sparse", "same"), Leg("dense", "other"))
    assert plan.fused and plan.depth == 5 * PREFETCH_FACTOR


def test_hybrid_in_an_unknown_language_lets_bm25_judge_every_chunk() -> None:
    plan = plan_search(1, QueryVectors([1.0], TERMS, None), limit=5)
    assert plan.legs == (Leg("dense"), Leg("sparse"))


def test_single_modes_are_one_ranking() -> None:
    for mode in ("dense", "sparse"):
        plan = plan_search(1, QueryVectors([1.0], TERMS, "en"), limit=3, mode=mode)
        assert plan.legs == (Leg(mode),) and not plan.fused


def test_a_query_without_terms_falls_back_to_dense_or_finds_nothing() -> None:
    query = QueryVectors([1.0], NO_TERMS, "en")
    assert plan_search(1, query, limit=3).legs == (Leg("dense"),)
    assert plan_search(1, query, limit=3, mode="sparse").legs == ()
