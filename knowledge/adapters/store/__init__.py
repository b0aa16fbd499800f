"""Vector stores: Qdrant Edge embedded in-process (default) or a Qdrant server."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from knowledge.adapters.connect import reach
from knowledge.domain.ports import VectorStore
from knowledge.settings import Settings

log = logging.getLogger(__name__)

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
        from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

        from knowledge.adapters.store.server import QdrantServerStore

        client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)
        reach(
            f"the Qdrant server at {settings.qdrant_url}",
            client.get_collections,
            transient=(ResponseHandlingException,),
            fatal=(UnexpectedResponse,),  # e.g. 401 for a wrong API key: waiting won't help
            wait_seconds=settings.connect_seconds,
        )
        return QdrantServerStore(client, f"{settings.collection}-{space}", dim)
    from knowledge.adapters.store.edge import EdgeVectorStore

    store = EdgeVectorStore(
        settings.vectors_dir / space, dim, index_from=settings.index_from_chunks
    )
    _remove_other_spaces(settings.vectors_dir, keep=space)
    return store


def _remove_other_spaces(folder: Path, keep: str) -> None:
    """Spaces of an embedder no longer in use go: they are stale (they would still hold
    documents forgotten since), and are rebuilt from SQL if that embedder is chosen again."""
    from knowledge.adapters.store.edge_index import KEPT_BESIDE, belongs

    for space in folder.iterdir():
        if belongs(space.name, keep):
            continue
        if (space / "edge_config.json").is_file():
            log.warning("removing the vector space %s of an embedder no longer in use", space.name)
            shutil.rmtree(space)
        elif space.suffix.removeprefix(".") in KEPT_BESIDE:  # another space's pointer, lock
            space.unlink()
