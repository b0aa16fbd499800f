"""Vector stores: Qdrant Edge embedded in-process (default) or a Qdrant server."""

from __future__ import annotations

from knowledge.ports import VectorStore
from knowledge.settings import Settings


def open_store(settings: Settings, dim: int) -> VectorStore:
    """The embedded Edge shard unless MNEMO_QDRANT_URL names a server."""
    if settings.qdrant_url:
        from qdrant_client import QdrantClient

        from knowledge.store.server import QdrantServerStore

        client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)
        return QdrantServerStore(client, settings.collection, dim)
    from knowledge.store.edge import EdgeVectorStore

    return EdgeVectorStore(settings.edge_dir, dim)
