"""BM25 term weights through Qdrant Edge's Bm25 with its multilingual tokenizer."""

from __future__ import annotations

from collections.abc import Sequence

from qdrant_edge import Bm25, Bm25Config, TokenizerType

from knowledge.model import SparseVec


class Bm25Encoder:
    """A `SparseEncoder`: term frequencies with Qdrant's multilingual tokenizer (segments Chinese).

    IDF is applied by the vector store (sparse vector modifier IDF), so both stores
    score BM25 the same way.
    """

    def __init__(self) -> None:
        self._bm25 = Bm25(Bm25Config(tokenizer=TokenizerType.Multilingual))

    def encode_documents(self, texts: Sequence[str]) -> list[SparseVec]:
        return [_sparse(self._bm25.embed_document(text)) for text in texts]

    def encode_query(self, text: str) -> SparseVec:
        return _sparse(self._bm25.embed_query(text))


def _sparse(vector: object) -> SparseVec:
    return SparseVec(list(vector.indices), list(vector.values))  # type: ignore[attr-defined]
