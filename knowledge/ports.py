"""Narrow interfaces of the engines the core depends on; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Literal, Protocol

from tokenizers import Tokenizer

from knowledge.model import GenerationParams, Hit, QueryVectors, SparseVec, StoredChunk

SearchMode = Literal["hybrid", "dense", "sparse"]


class Embedder(Protocol):
    """Dense vectors; `tokenizer` is None for a model that tokenizes inside (chunked by count)."""

    name: str
    dim: int
    max_tokens: int
    tokenizer: Tokenizer | None

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def count_tokens(self, text: str) -> int: ...


class SparseEncoder(Protocol):
    """Term weights; `lang` (en/ru/es/zh) picks the stemmer, None a fixed default."""

    def encode_documents(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SparseVec]: ...

    def encode_query(self, text: str, lang: str | None = None) -> SparseVec: ...


class VectorStore(Protocol):
    """Every method takes the user id and touches only that user's points."""

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        """Write points; they are durable once `flush` returns."""
        ...

    def flush(self) -> None: ...

    def search(
        self,
        user_id: int,
        query: QueryVectors,
        *,
        limit: int,
        mode: SearchMode = "hybrid",
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Hit]: ...

    def delete_document(self, user_id: int, doc_id: int) -> None: ...

    def delete_user(self, user_id: int) -> None: ...

    def count(self, user_id: int, doc_id: int | None = None) -> int: ...

    def documents(self, user_id: int) -> dict[int, int]:
        """Points per document of this user: {doc_id: count}."""
        ...

    def users(self) -> set[int]:
        """Every user with points in the store (for the doctor's cross-check)."""
        ...

    def close(self) -> None: ...


class Generator(Protocol):
    """Streams a chat completion; llama.cpp is not thread-safe, so one worker thread calls it."""

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]: ...

    def prime(self, messages: list[dict[str, str]]) -> None:
        """Make prompts that start with `messages` cheap (their state evaluated or loaded)."""
        ...

    def count_tokens(self, text: str) -> int: ...
