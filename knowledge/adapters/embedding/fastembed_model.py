"""Dense embeddings through fastembed: an offline ONNX preset, or any model on fastembed's hub."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastembed import TextEmbedding
from fastembed.common.model_description import ModelSource, PoolingType
from tokenizers import Tokenizer

from knowledge.adapters.provision import EmbedderPreset
from knowledge.domain.errors import ModelMissing

_BATCH = 32
_HUB_MAX_TOKENS = 512


class FastEmbedEmbedder:
    """An `Embedder` over a fastembed TextEmbedding model."""

    def __init__(self, model: TextEmbedding, name: str, dim: int, max_tokens: int) -> None:
        self._model = model
        self.name = name
        self.dim = dim
        self.max_tokens = max_tokens
        # fastembed keeps its tokenizer on the inner ONNX model, which its types do not show.
        self.tokenizer: Tokenizer | None = model.model.tokenizer  # type: ignore[attr-defined]

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.embed(list(texts), batch_size=_BATCH)
        return [vector.tolist() for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = next(iter(self._model.query_embed(text))).tolist()
        return vector

    def count_tokens(self, text: str) -> int:
        assert self.tokenizer is not None
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


def load_preset(preset: EmbedderPreset, folder: Path, threads: int) -> FastEmbedEmbedder:
    """An ONNX file plus tokenizer files in `folder`, registered as a fastembed custom model."""
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


def load_hub_model(name: str, models_dir: Path, threads: int) -> FastEmbedEmbedder:
    """Any fastembed model by name; fastembed downloads it (needs internet the first time)."""
    known = {m["model"]: m for m in TextEmbedding.list_supported_models()}
    if name not in known:
        raise ModelMissing(f"unknown embedder {name!r}")
    try:
        model = TextEmbedding(name, cache_dir=str(models_dir / "fastembed"), threads=threads)
    except Exception as exc:  # fastembed raises plain errors when its download fails
        raise ModelMissing(f"embedder {name} could not be loaded or downloaded: {exc}") from exc
    return FastEmbedEmbedder(model, name, known[name]["dim"], _HUB_MAX_TOKENS)
