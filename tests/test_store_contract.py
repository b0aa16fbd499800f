"""One contract for every vector store: Qdrant Edge (embedded), a Qdrant server
(`QdrantClient(":memory:")` stands in for the server, which cannot be installed here), and
the in-memory store the fast tests use. Each executes the same search plans."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from qdrant_client import QdrantClient

from knowledge.adapters.embedding import Bm25Encoder
from knowledge.adapters.store.edge import EdgeVectorStore
from knowledge.adapters.store.memory import MemoryVectorStore
from knowledge.adapters.store.server import QdrantServerStore
from knowledge.domain.model import Chunk, Hit, QueryVectors, StoredChunk, point_id
from knowledge.domain.ports import VectorStore
from knowledge.domain.search import SearchMode, plan_search
from knowledge.services.words.language import guess_language
from tests.fakes import FakeEmbedder

TEXTS = [
    "The recommended supply voltage is 24 volts.",
    "Grandma's pancakes need two eggs and 300 ml of milk.",
    "Рекомендуемое напряжение питания составляет 24 вольта.",
    "北京烤鸭是一道著名的菜。",
    "El médico atiende los jueves a las nueve y media.",
]
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def encoder() -> FakeEmbedder:
    """Dense vectors that are word overlap: the contract is the stores', not a model's."""
    return FakeEmbedder()


@pytest.fixture(params=["edge", "server", "memory"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, encoder: FakeEmbedder
) -> Iterator[VectorStore]:
    if request.param == "edge":
        built: VectorStore = EdgeVectorStore(tmp_path / "edge", encoder.dim)
    elif request.param == "memory":
        built = MemoryVectorStore()
    else:
        built = QdrantServerStore(QdrantClient(":memory:"), "memory", encoder.dim)
    yield built
    built.close()


def _chunks(
    encoder: FakeEmbedder, user_id: int, doc_id: int, texts: list[str], when: datetime = T0
) -> list[StoredChunk]:
    dense = encoder.embed_batch(texts)
    langs = [guess_language(text) for text in texts]
    sparse = Bm25Encoder().encode_documents(texts, langs)
    return [
        StoredChunk(
            point_id(user_id, doc_id, n),
            user_id,
            doc_id,
            Chunk(n, text, n + 1, None),
            dense[n],
            sparse[n],
            when,
            "text",
            f"doc{doc_id}.txt",
            langs[n],
        )
        for n, text in enumerate(texts)
    ]


def _search(
    store: VectorStore,
    user_id: int,
    query: QueryVectors,
    *,
    limit: int,
    mode: str = "hybrid",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Hit]:
    """The store executing the plan the retriever would build."""
    plan = plan_search(
        user_id, query, limit=limit, mode=cast(SearchMode, mode), since=since, until=until
    )
    return store.search(plan)


def _query(encoder: FakeEmbedder, text: str) -> QueryVectors:
    lang = guess_language(text)
    return QueryVectors(encoder.embed_query(text), Bm25Encoder().encode_query(text, lang), lang)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "sparse"])
def test_search_finds_the_matching_chunk(
    store: VectorStore, encoder: FakeEmbedder, mode: str
) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    hits = _search(store, 1, _query(encoder, "pancakes eggs milk"), limit=3, mode=mode)
    assert hits[0].text == TEXTS[1]
    assert (hits[0].doc_id, hits[0].chunk, hits[0].page) == (10, 1, 2)
    assert hits[0].doc_name == "doc10.txt"


def test_bm25_segments_chinese(store: VectorStore, encoder: FakeEmbedder) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    hits = _search(store, 1, _query(encoder, "烤鸭"), limit=2, mode="sparse")
    assert [h.text for h in hits] == [TEXTS[3]]


def test_bm25_matches_russian_word_forms(store: VectorStore, encoder: FakeEmbedder) -> None:
    """The Russian stemmer: "напряжения питанию" finds "напряжение питания"."""
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    hits = _search(store, 1, _query(encoder, "напряжения питанию"), limit=2, mode="sparse")
    assert hits and hits[0].text == TEXTS[2]


def test_users_never_see_each_other(store: VectorStore, encoder: FakeEmbedder) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS[:2]))
    store.upsert(2, _chunks(encoder, 2, 20, TEXTS[2:]))
    for mode in ("hybrid", "dense", "sparse"):
        mine = _search(store, 1, _query(encoder, "voltage 24 volts"), limit=10, mode=mode)
        assert mine and all(h.doc_id == 10 for h in mine)
        assert _search(store, 3, _query(encoder, "voltage"), limit=10, mode=mode) == []
    assert (store.count(1), store.count(2), store.count(3)) == (2, 3, 0)


def test_upsert_refuses_points_of_another_user(store: VectorStore, encoder: FakeEmbedder) -> None:
    with pytest.raises(PermissionError):
        store.upsert(1, _chunks(encoder, 2, 20, TEXTS[:1]))
    assert store.count(1) == store.count(2) == 0


def test_delete_document_touches_only_that_users_document(
    store: VectorStore, encoder: FakeEmbedder
) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS[:2]))
    store.upsert(1, _chunks(encoder, 1, 11, TEXTS[2:]))
    store.upsert(2, _chunks(encoder, 2, 10, TEXTS[:2]))
    store.delete_document(1, 10)
    assert (store.count(1, 10), store.count(1, 11), store.count(2, 10)) == (0, 3, 2)
    store.delete_user(1)
    assert (store.count(1), store.count(2)) == (0, 2)


def test_upsert_is_idempotent(store: VectorStore, encoder: FakeEmbedder) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    assert store.count(1) == len(TEXTS)


def test_date_range(store: VectorStore, encoder: FakeEmbedder) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS[:1], when=T0 - timedelta(days=3)))
    store.upsert(1, _chunks(encoder, 1, 11, TEXTS[2:3], when=T0))
    query = _query(encoder, "voltage напряжение 24")
    recent = _search(store, 1, query, limit=5, since=T0 - timedelta(hours=1))
    assert [h.doc_id for h in recent] == [11]
    older = _search(store, 1, query, limit=5, until=T0 - timedelta(days=1))
    assert [h.doc_id for h in older] == [10]
    assert recent[0].created_at == T0


def test_query_of_only_unknown_words_still_searches_dense(
    store: VectorStore, encoder: FakeEmbedder
) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    empty_sparse = QueryVectors(encoder.embed_query("milk"), Bm25Encoder().encode_query(""))
    assert _search(store, 1, empty_sparse, limit=2, mode="hybrid")
    assert _search(store, 1, empty_sparse, limit=2, mode="sparse") == []


def test_edge_store_survives_reopen(tmp_path: Path, encoder: FakeEmbedder) -> None:
    store = EdgeVectorStore(tmp_path / "edge", encoder.dim)
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS))
    store.close()
    reopened = EdgeVectorStore(tmp_path / "edge", encoder.dim)
    try:
        assert reopened.count(1) == len(TEXTS)
        assert _search(reopened, 1, _query(encoder, "pancakes"), limit=1)[0].text == TEXTS[1]
    finally:
        reopened.close()


def _axis(dim: int, *weights: float) -> list[float]:
    """A unit vector whose first coordinates are `weights`, so similarities are set by hand."""
    vector = [*weights, *([0.0] * (dim - len(weights)))]
    norm = sum(w * w for w in vector) ** 0.5
    return [w / norm for w in vector]


def test_hybrid_lets_bm25_judge_only_chunks_in_the_query_language(
    store: VectorStore, encoder: FakeEmbedder
) -> None:
    """A Chinese chunk the dense leg ranks first is not buried by English chunks that share
    the English query's words: BM25 cannot judge it, so its dense rank stands in."""
    dim, bm25 = encoder.dim, Bm25Encoder()
    english = ["the meeting moved to friday", "meeting notes from friday", "friday meeting room"]
    points = [(0, "会议改到星期五了", "zh", _axis(dim, 1.0, 0.2))] + [
        (n + 1, text, "en", _axis(dim, 0.8 - 0.1 * n, 0.6 + 0.1 * n))
        for n, text in enumerate(english)
    ]
    sparse = bm25.encode_documents([text for _, text, _, _ in points])
    store.upsert(
        1,
        [
            StoredChunk(
                point_id(1, 10 + n, 0),
                1,
                10 + n,
                Chunk(0, text, None, None),
                dense,
                sparse[i],
                T0,
                "note",
                f"note {n}",
                lang,
            )
            for i, (n, text, lang, dense) in enumerate(points)
        ],
    )
    query = QueryVectors(_axis(dim, 1.0, 0.2), bm25.encode_query("meeting friday"), "en")
    assert _search(store, 1, query, limit=4, mode="dense")[0].doc_id == 10
    unaware = _search(store, 1, replace(query, lang=None), limit=4, mode="hybrid")
    assert unaware[0].doc_id != 10  # the old two-leg fusion buries it
    hits = _search(store, 1, query, limit=4, mode="hybrid")
    assert hits[0].doc_id == 10
    assert {hit.doc_id for hit in hits} == {10, 11, 12, 13}


def test_documents_and_users_are_listed_per_tenant(
    store: VectorStore, encoder: FakeEmbedder
) -> None:
    store.upsert(1, _chunks(encoder, 1, 10, TEXTS[:3]))
    store.upsert(1, _chunks(encoder, 1, 11, TEXTS[3:]))
    store.upsert(2, _chunks(encoder, 2, 20, TEXTS[:1]))
    assert store.documents(1) == {10: 3, 11: 2}
    assert store.documents(2) == {20: 1}
    assert store.documents(3) == {}
    assert store.users() == {1, 2}
    store.delete_user(2)
    assert store.users() == {1}
