"""What the services keep, as repositories of domain types, and the unit of work that
groups them into one transaction. The SQL adapter implements them; no ORM row leaves it."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from knowledge.domain.model import (
    Chunk,
    Extracted,
    NoteEntry,
    StoredChunk,
    StoredDocument,
    UserSettings,
)


class AlreadyRecorded(Exception):
    """The inbox already holds that update (a redelivery)."""


class Users(Protocol):
    def get(self, user_id: int) -> UserSettings | None: ...

    def all(self) -> list[UserSettings]: ...

    def ensure(self, user_id: int) -> None:
        """Create the user's row when it is not there yet."""
        ...

    def update(self, user_id: int, **fields: object) -> None:
        """Set fields of UserSettings, creating the row on first sight."""
        ...

    def count(self) -> int: ...

    def wipe(self, user_id: int) -> None:
        """Delete the user's row and every row they own: documents, chunks, notes, chat
        turns, digests and inbox items."""
        ...


class Documents(Protocol):
    def add(
        self,
        user_id: int,
        *,
        sha256: str,
        name: str,
        size_bytes: int,
        extracted: Extracted,
        created_at: datetime | None = None,
    ) -> StoredDocument:
        """A new document, "ingesting" until `mark_ready`; the user's row is made if needed."""
        ...

    def get(self, user_id: int, doc_id: int) -> StoredDocument | None: ...

    def with_content(self, user_id: int, sha256: str) -> StoredDocument | None: ...

    def mark_ready(self, doc_id: int) -> None: ...

    def remove(self, doc_id: int) -> None:
        """Delete the document's row with its chunks and note."""
        ...

    def set_summary(self, user_id: int, doc_id: int, summary: str | None) -> None: ...

    def set_meta(self, user_id: int, doc_id: int, meta: dict[str, Any]) -> None: ...

    def photo_awaiting_label(self, user_id: int, message_id: int) -> StoredDocument | None:
        """The user's photo whose label was asked for in that chat message."""
        ...

    def of_user(self, user_id: int) -> list[tuple[StoredDocument, int]]:
        """Every document of the user, oldest first, with its number of chunks."""
        ...

    def ready_among(self, user_id: int, doc_ids: set[int]) -> set[int]: ...

    def ready_ids(self, user_id: int) -> list[int]: ...

    def ready_between(self, user_id: int, start: datetime, end: datetime) -> list[StoredDocument]:
        """Ready documents created in [start, end), oldest first."""
        ...

    def unfinished(self) -> list[StoredDocument]:
        """Every user's documents a crash left unfinished."""
        ...

    def ready_chunk_counts(self) -> list[tuple[int, int, int]]:
        """(user id, document id, chunks) of every ready document."""
        ...

    def ready_originals(self) -> set[tuple[int, str]]:
        """(user id, sha256) of every ready document kept as a file."""
        ...

    def used_bytes(self, user_id: int) -> int: ...

    def count(self, user_id: int | None = None) -> int: ...


class Chunks(Protocol):
    def add(self, doc_id: int, chunks: Sequence[StoredChunk]) -> None: ...

    def of_document(self, doc_id: int) -> list[Chunk]:
        """The document's chunks in order."""
        ...

    def remove(self, doc_id: int) -> None:
        """Delete the document's chunks (to write new ones)."""
        ...

    def count(self, user_id: int | None = None, doc_id: int | None = None) -> int: ...

    def users(self) -> list[int]:
        """Every user with chunks."""
        ...


class Notes(Protocol):
    def add(
        self, doc_id: int, user_id: int, text: str, origin: str | None, created_at: datetime
    ) -> None: ...

    def text_of(self, doc_id: int) -> str: ...

    def of_user(self, user_id: int) -> list[NoteEntry]: ...

    def count(self, user_id: int | None = None) -> int: ...


class Turns(Protocol):
    def add(
        self, user_id: int, role: str, content: str, sources: list[dict[str, Any]] | None = None
    ) -> None: ...

    def last(self, user_id: int, limit: int) -> list[tuple[str, str]]:
        """(role, content) of the user's last turns, oldest first."""
        ...


@dataclass(frozen=True)
class InboxEntry:
    update_id: int
    handled: bool
    fingerprint: str  # "" for an entry recorded before fingerprints were kept


class InboxItems(Protocol):
    def add(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        """Record an update; raises AlreadyRecorded for one recorded before."""
        ...

    def seen(self, update_id: int) -> InboxEntry | None: ...

    def renew(
        self, update_id: int, user_id: int | None, payload: dict[str, Any], fingerprint: str
    ) -> None:
        """Record a new update under an id a handled one had (update ids restart)."""
        ...

    def prune(self, before: datetime) -> int:
        """Forget handled updates received before `before`; how many were forgotten."""
        ...

    def done(self, update_id: int) -> None:
        """Mark handled and drop the payload (only the id is kept, to skip redeliveries)."""
        ...

    def set_reply(self, update_id: int, message_id: int) -> None: ...

    def reply_of(self, update_id: int) -> int | None: ...

    def pending(self) -> list[dict[str, Any]]:
        """Payloads of updates received but never handled, oldest first."""
        ...


class DigestLog(Protocol):
    def ensure(self, user_id: int, day: date) -> None:
        """Make the day's row, so a claim in the next unit of work finds it."""
        ...

    def keep(self, user_id: int, day: date, text: str, items: int, last_item_id: int) -> None:
        """Store (or replace) the text of a user's digest of a local day."""
        ...

    def claim(self, user_id: int, day: date) -> bool:
        """Mark the day's digest sent; False when it already was. Atomic across processes."""
        ...


class UnitOfWork(Protocol):
    """The repositories of one transaction."""

    @property
    def users(self) -> Users: ...

    @property
    def documents(self) -> Documents: ...

    @property
    def chunks(self) -> Chunks: ...

    @property
    def notes(self) -> Notes: ...

    @property
    def turns(self) -> Turns: ...

    @property
    def inbox(self) -> InboxItems: ...

    @property
    def digests(self) -> DigestLog: ...


class Storage(Protocol):
    def begin(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work committed when the block ends, rolled back if it raises."""
        ...

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that only reads."""
        ...
