"""Vector stores: Qdrant Edge embedded in-process (default) or a Qdrant server."""

from __future__ import annotations

import re

from knowledge.ports import VectorStore
from knowledge.settings import Settings


def vector_space(embedder: str) -> str:
    """Vectors of different embedders never mix: each embedder has its own folder/collection."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder).strip("_.") or "default"


def open_store(settings: Settings, embedder: str, dim: int) -> VectorStore:
    """The embedded Edge shard unless MNEMO_QDRANT_URL names a server."""
    space = vector_space(embedder)
    if settings.qdrant_url:
        from qdrant_client import QdrantClient

        from knowledge.store.server import QdrantServerStore

        client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)
        return QdrantServerStore(client, f"{settings.collection}-{space}", dim)
    from knowledge.store.edge import EdgeVectorStore

    return EdgeVectorStore(settings.vectors_dir / space, dim)
