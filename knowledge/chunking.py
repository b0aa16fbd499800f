"""Token-aware chunking (semantic-text-splitter) sized for the embedder, with overlap.

Each section (a page, or the text under one heading) is split on its own, so every chunk
keeps an exact page and heading reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from semantic_text_splitter import TextSplitter
from tokenizers import Tokenizer

from knowledge.model import Chunk, Section


class Chunker:
    def __init__(self, tokenizer: Tokenizer, max_tokens: int, overlap: int) -> None:
        # Leave room for the [CLS]/[SEP] style special tokens the embedder adds.
        capacity = max(16, max_tokens - 2)
        self._splitter = TextSplitter.from_huggingface_tokenizer(
            tokenizer, capacity=capacity, overlap=min(overlap, capacity // 4)
        )

    def chunk(self, sections: Sequence[Section]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in sections:
            for text in self._splitter.chunks(section.text):
                if text.strip():
                    chunks.append(Chunk(len(chunks), text, section.page, section.heading))
        return chunks
