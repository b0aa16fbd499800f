"""Dense embeddings through fastembed, and BM25 sparse vectors through Qdrant Edge's Bm25.

A preset name loads an offline model assembled by `knowledge.provision`; any other name is
passed to fastembed, which downloads it from its hub (for users with internet).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from fastembed import TextEmbedding
from fastembed.common.model_description import ModelSource, PoolingType
from qdrant_edge import Bm25, Bm25Config, TokenizerType
from tokenizers import Tokenizer

from knowledge.errors import ModelMissing
from knowledge.model import SparseVec
from knowledge.provision import EMBEDDER_PRESETS, MANIFEST

log = logging.getLogger(__name__)

_BATCH = 32
_HUB_MAX_TOKENS = 512


class FastEmbedEmbedder:
    """An `Embedder` over a fastembed TextEmbedding model."""

    def __init__(self, model: TextEmbedding, name: str, dim: int, max_tokens: int) -> None:
        self._model = model
        self.name = name
        self.dim = dim
        self.max_tokens = max_tokens
        self.tokenizer: Tokenizer = model.model.tokenizer  # type: ignore[attr-defined]

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.embed(list(texts), batch_size=_BATCH)
        return [vector.tolist() for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        return next(iter(self._model.query_embed(text))).tolist()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


def load_embedder(name: str, models_dir: Path, threads: int) -> FastEmbedEmbedder:
    preset = EMBEDDER_PRESETS.get(name)
    if preset is None:
        return _load_hub_model(name, models_dir, threads)
    folder = models_dir / "embedder" / preset.name
    if not (folder / MANIFEST).is_file():
        raise ModelMissing(f"embedder {name} is not installed: run `mnemo models install`")
    model_id = f"mnemo/{preset.name}"
    if model_id not in {m["model"] for m in TextEmbedding.list_supported_models()}:
        TextEmbedding.add_custom_model(
            model=model_id,
            pooling=PoolingType.MEAN,
            normalization=True,
            sources=ModelSource(hf=model_id),
            dim=preset.dim,
            model_file=preset.model_file,
        )
    model = TextEmbedding(model_id, specific_model_path=str(folder), threads=threads)
    return FastEmbedEmbedder(model, preset.name, preset.dim, preset.max_tokens)


def _load_hub_model(name: str, models_dir: Path, threads: int) -> FastEmbedEmbedder:
    """Any fastembed model by name; fastembed downloads it (needs internet the first time)."""
    known = {m["model"]: m for m in TextEmbedding.list_supported_models()}
    if name not in known:
        presets = ", ".join(EMBEDDER_PRESETS)
        raise ModelMissing(
            f"unknown embedder {name!r}: use a preset ({presets}) or a model fastembed supports"
        )
    try:
        model = TextEmbedding(name, cache_dir=str(models_dir / "fastembed"), threads=threads)
    except Exception as exc:  # fastembed raises plain errors when its download fails
        raise ModelMissing(f"embedder {name} could not be loaded or downloaded: {exc}") from exc
    return FastEmbedEmbedder(model, name, known[name]["dim"], _HUB_MAX_TOKENS)


class Bm25Encoder:
    """BM25 term weights with Qdrant's multilingual tokenizer (segments Chinese).

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
