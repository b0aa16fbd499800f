"""What the services keep, as repositories of domain types, and the unit of work that
groups them into one transaction: users, documents with their chunks, notes and named
days, chat turns and reminders here; the inbox, digests and deliveries in deliveries.py;
members and their codes in members.py. The SQL adapter implements them; no ORM row leaves
it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from knowledge.domain.deliveries import DeliveryLog, DigestLog, InboxItems
from knowledge.domain.members import Memberships
from knowledge.domain.model import (
    Chunk,
    Extracted,
    NamedDay,
    NoteEntry,
    Reminder,
    StoredChunk,
    StoredDocument,
    UserSettings,
)


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


@dataclass(frozen=True)
class NewDocument:
    """What `Documents.add_many` writes for each: as `add` takes it."""

    sha256: str
    name: str
    size_bytes: int
    extracted: Extracted
    created_at: datetime | None = None
    source: str | None = None
    days_read: bool = True  # False: the days it names are read later (DayReader.catch_up)


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
        source: str | None = None,
    ) -> StoredDocument:
        """A new document, "ingesting" until `mark_ready`; the user's row is made if needed.
        `source` names where it came from (a chat message), unique per user."""
        ...

    def add_many(self, user_id: int, new: Sequence[NewDocument]) -> list[StoredDocument]:
        """`add` for many at once (an import's notes), in one round of inserts."""
        ...

    def mark_ready_many(self, derived_bytes: dict[int, int]) -> None:
        """`set_derived_bytes` and `mark_ready` for many documents at once."""
        ...

    def from_source(self, user_id: int, source: str) -> StoredDocument | None:
        """The user's document made from that source (a chat message), if any."""
        ...

    def sources_among(self, user_id: int, sources: Sequence[str]) -> dict[str, StoredDocument]:
        """The user's documents made from any of these sources, by source."""
        ...

    def set_source(self, user_id: int, doc_id: int, source: str | None) -> None:
        """Name (or clear) where a document came from."""
        ...

    def set_content(
        self, user_id: int, doc_id: int, *, sha256: str, name: str, size_bytes: int
    ) -> None:
        """What a replaced note now is: its hash, display name and size."""
        ...

    def set_derived_bytes(self, doc_id: int, derived_bytes: int) -> None:
        """What the document's chunk texts and vectors take, counted against the quota."""
        ...

    def get(self, user_id: int, doc_id: int) -> StoredDocument | None: ...

    def by_id(self, doc_id: int) -> StoredDocument | None:
        """Any user's document (maintenance only: start-up catch-up work)."""
        ...

    def with_content(self, user_id: int, sha256: str) -> StoredDocument | None: ...

    def mark_ready(self, doc_id: int) -> None: ...

    def remove(self, doc_id: int) -> None:
        """Delete the document's row with its chunks and note."""
        ...

    def set_summary(self, user_id: int, doc_id: int, summary: str | None) -> None: ...

    def set_meta(self, user_id: int, doc_id: int, meta: dict[str, Any]) -> None: ...

    def of_user(self, user_id: int) -> list[tuple[StoredDocument, int]]:
        """Every document of the user, oldest first, with its number of chunks."""
        ...

    def ready_among(self, user_id: int, doc_ids: set[int]) -> set[int]: ...

    def set_outdated(self, user_id: int, doc_id: int, at: datetime | None) -> bool:
        """Mark the user's document outdated since `at` (None: it holds again); False when
        the user has no such document (another user's id changes nothing)."""
        ...

    def outdated_among(self, user_id: int, doc_ids: set[int]) -> dict[int, datetime]:
        """Which of these documents of the user are marked outdated, and since when."""
        ...

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

    def used_bytes(self, user_id: int | None) -> int:
        """What the user's memory takes (None: everyone's): originals (a note's text) plus
        what was derived from them (chunk texts and vectors), as the quota counts it."""
        ...

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

    def set_text(self, doc_id: int, text: str) -> None: ...

    def of_user(self, user_id: int) -> list[NoteEntry]: ...

    def count(self, user_id: int | None = None) -> int: ...


class NamedDays(Protocol):
    def replace_many(self, named: Mapping[int, tuple[int, Sequence[NamedDay]]]) -> None:
        """`replace` for many documents: doc id -> (its user, the days it names)."""
        ...

    def replace(self, user_id: int, doc_id: int, days: Sequence[NamedDay]) -> None:
        """The days the document's words name, in place of any read before; marks it read."""
        ...

    def naming(self, user_id: int, first: date, last: date) -> dict[int, list[NamedDay]]:
        """Ready documents that name a day in [first, last], with the days they name."""
        ...

    def of_documents(self, user_id: int, doc_ids: Iterable[int]) -> dict[int, list[NamedDay]]:
        """The days each of these documents names (absent: none)."""
        ...

    def unread(self, limit: int) -> list[int]:
        """Ready documents (any user's) whose named days were never read."""
        ...


class Turns(Protocol):
    def add(
        self, user_id: int, role: str, content: str, sources: list[dict[str, Any]] | None = None
    ) -> None: ...

    def last(self, user_id: int, limit: int) -> list[tuple[str, str]]:
        """(role, content) of the user's last turns, oldest first."""
        ...


class ReminderBook(Protocol):
    def add(
        self,
        user_id: int,
        text: str,
        due_at: datetime | None,
        *,
        zone: str,
        every: str | None = None,
        status: str = "scheduled",
        document_id: int | None = None,
        source: str | None = None,
    ) -> Reminder: ...

    def sources_among(self, user_id: int, sources: Sequence[str]) -> set[str]:
        """Those of `sources` (imported reminders' own keys) the user has already."""
        ...

    def get(self, user_id: int, reminder_id: int) -> Reminder | None:
        """Only the owner's: another user's id finds nothing."""
        ...

    def change(self, user_id: int, reminder_id: int, **fields: object) -> Reminder | None:
        """Set due_at, every, status or text of the owner's reminder; None if not theirs."""
        ...

    def coming(self, user_id: int) -> list[Reminder]:
        """Scheduled, soonest first."""
        ...

    def of_user(self, user_id: int) -> list[Reminder]: ...

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        """Everyone's scheduled reminders due by `now`, oldest first: one query."""
        ...

    def next_due(self) -> datetime | None: ...

    def between(self, user_id: int, start: datetime, end: datetime) -> list[Reminder]:
        """The user's scheduled reminders due in [start, end)."""
        ...

    def advance(self, changes: Mapping[int, tuple[str, datetime | None]]) -> None:
        """Many reminders at once: id -> (status, due_at)."""
        ...

    def prune_offered(self, before: datetime) -> int:
        """Offers never taken up, made before then, are forgotten."""
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
    def named_days(self) -> NamedDays: ...

    @property
    def turns(self) -> Turns: ...

    @property
    def inbox(self) -> InboxItems: ...

    @property
    def digests(self) -> DigestLog: ...

    @property
    def deliveries(self) -> DeliveryLog: ...

    @property
    def reminders(self) -> ReminderBook: ...

    @property
    def members(self) -> Memberships: ...


class Storage(Protocol):
    def begin(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work committed when the block ends, rolled back if it raises."""
        ...

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that only reads."""
        ...
