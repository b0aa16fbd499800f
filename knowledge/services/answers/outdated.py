"""Saying a note no longer holds: its owner marks it outdated (a button under an answer's
quote, `mnemo outdated ID`) or restores it.

An outdated item stays in memory, in its day's list and in /search; a question about the
current value passes it over (answers/versions.py), one about the past sees it as an
earlier value. `forget` still removes it. Only the owner can mark their own item: the
store's query names the user, so another user's id changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.model import StoredDocument
from knowledge.domain.repositories import Storage


class Outdated:
    def __init__(self, *, storage: Storage) -> None:
        self._storage = storage

    def mark(self, user_id: int, doc_id: int) -> StoredDocument:
        """Mark the user's item outdated from now; the item as it now is."""
        return self._set(user_id, doc_id, datetime.now(UTC))

    def restore(self, user_id: int, doc_id: int) -> StoredDocument:
        """The item holds again."""
        return self._set(user_id, doc_id, None)

    def _set(self, user_id: int, doc_id: int, at: datetime | None) -> StoredDocument:
        with self._storage.begin() as uow:
            if not uow.documents.set_outdated(user_id, doc_id, at):
                raise DocumentNotFound(f"no document {doc_id} in your memory", doc_id=doc_id)
            doc = uow.documents.get(user_id, doc_id)
        assert doc is not None
        return doc
