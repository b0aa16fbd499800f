"""The payload every store keeps with each point, and turning it back into a Hit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from knowledge.domain.model import Hit, StoredChunk, point_id

__all__ = ["point_id"]  # kept importable from here: it names the store's points

DENSE = "dense"
SPARSE = "bm25"
USER = "user_id"
DOC = "doc_id"
CREATED = "created_at"
LANG = "lang"
# HNSW links per point within one user's graph: searches are always one user's, so the
# index is built per user (Qdrant's multitenancy guide), never over everyone's points.
PER_USER_M = 16


def tenant(user_id: int) -> str:
    return str(user_id)


FACET_LIMIT = 10_000_000  # facets list every value: all of a user's documents, all users


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def to_payload(item: StoredChunk) -> dict[str, Any]:
    return {
        USER: tenant(item.user_id),
        DOC: item.doc_id,
        "chunk": item.chunk.number,
        "page": item.chunk.page,
        "heading": item.chunk.heading,
        "text": item.chunk.text,
        "doc_name": item.doc_name,
        "source_kind": item.source_kind,
        CREATED: iso(item.created_at),
        LANG: item.lang,
    }


def check_owner(user_id: int, items: list[StoredChunk] | tuple[StoredChunk, ...]) -> None:
    strangers = {item.user_id for item in items} - {user_id}
    if strangers:
        raise PermissionError(f"points of users {strangers} upserted as user {user_id}")


def to_hit(payload: dict[str, Any], score: float, user_id: int) -> Hit:
    if payload.get(USER) != tenant(user_id):
        raise PermissionError("the store returned a point of another user")
    created = payload.get(CREATED)
    return Hit(
        doc_id=int(payload[DOC]),
        chunk=int(payload["chunk"]),
        page=payload.get("page"),
        heading=payload.get("heading"),
        text=payload.get("text", ""),
        score=float(score),
        doc_name=payload.get("doc_name", ""),
        source_kind=payload.get("source_kind", ""),
        created_at=datetime.fromisoformat(created) if created else None,
    )
