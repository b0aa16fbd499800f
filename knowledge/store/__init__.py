"""Vector stores: Qdrant Edge embedded in-process (default) or a Qdrant server."""

from __future__ import annotations

import re

from knowledge.ports import VectorStore
from knowledge.settings import Settings

# Bumped when what a point carries changes (2: the chunk's language); a new space is then
# filled from the chunks kept in SQL at the next start.
PAYLOAD_VERSION = 2


def vector_space(embedder: str) -> str:
    """Vectors of different embedders never mix: each embedder has its own folder/collection."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder).strip("_.") or "default"
    return f"{slug}-v{PAYLOAD_VERSION}"


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
