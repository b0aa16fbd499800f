"""Token-aware chunking (semantic-text-splitter) sized for the embedder, with overlap.

Each section (a page, or the text under one heading) is split on its own, so every chunk
keeps an exact page and heading reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from semantic_text_splitter import TextSplitter

from knowledge.domain.model import Chunk, Section
from knowledge.domain.ports import Embedder


class Chunker:
    def __init__(self, embedder: Embedder, overlap: int) -> None:
        # Leave room for the [CLS]/[SEP] style special tokens the embedder adds.
        capacity = max(16, embedder.max_tokens - 2)
        overlap = min(overlap, capacity // 4)
        if embedder.tokenizer is not None:
            self._splitter = TextSplitter.from_huggingface_tokenizer(
                embedder.tokenizer, capacity=capacity, overlap=overlap
            )
        else:
            self._splitter = TextSplitter.from_callback(
                embedder.count_tokens, capacity=capacity, overlap=overlap
            )

    def chunk(self, sections: Sequence[Section]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in sections:
            for text in self._splitter.chunks(section.text):
                if text.strip():
                    chunks.append(Chunk(len(chunks), text, section.page, section.heading))
        return chunks
