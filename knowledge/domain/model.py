"""Plain data that flows through the core."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Section:
    """A run of text with its place in the source: a page, a heading, or both."""

    text: str
    page: int | None = None
    heading: str | None = None


@dataclass
class Extracted:
    """What an extractor read from one file."""

    kind: str
    mime: str
    sections: list[Section]
    pages: int | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadLimits:
    """What one file may cost to read; over a limit, the file is refused before it is read."""

    max_pages: int = 2000
    max_megapixels: int = 60
    max_unpacked_mb: int = 200  # DOCX and EPUB are zip archives: their unpacked size


@dataclass(frozen=True)
class Chunk:
    """One embeddable piece of a document."""

    number: int
    text: str
    page: int | None
    heading: str | None


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


_POINT_NAMESPACE = uuid.UUID("0b9c3f52-4b8e-4b63-9a4e-5d6f0e8e7a11")


def point_id(user_id: int, doc_id: int, chunk: int) -> str:
    """A chunk's id in the vector store; deterministic, so re-ingesting a document
    overwrites its points rather than duplicating them."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{user_id}:{doc_id}:{chunk}"))


@dataclass(frozen=True)
class StoredChunk:
    """A chunk with its vectors and the payload the vector store keeps."""

    point_id: str
    user_id: int
    doc_id: int
    chunk: Chunk
    dense: list[float]
    sparse: SparseVec
    created_at: datetime
    source_kind: str
    doc_name: str
    lang: str | None = None  # en/ru/es/zh; None: unknown, so only the dense leg judges it


@dataclass(frozen=True)
class QueryVectors:
    dense: list[float]
    sparse: SparseVec
    lang: str | None = None  # the query's language: its BM25 leg sees only chunks in it


@dataclass(frozen=True)
class Hit:
    """A search result, always belonging to the user who searched."""

    doc_id: int
    chunk: int
    page: int | None
    heading: str | None
    text: str
    score: float
    doc_name: str
    source_kind: str
    created_at: datetime | None
    outdated_at: datetime | None = None  # its document was marked outdated by its owner

    def label(self) -> str:
        if self.source_kind in ("note", "voice"):
            what = "note" if self.source_kind == "note" else "voice note"
            return f"{what} of {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else what
        where = f" p.{self.page}" if self.page is not None else ""
        if self.page is None and self.heading:
            where = f" § {self.heading}"
        return f"{self.doc_name}{where}"


@dataclass(frozen=True)
class Citation:
    """A source backing an answer, under the number it had in the prompt."""

    number: int
    hit: Hit

    def label(self) -> str:
        return f"[{self.number}] {self.hit.label()}"


@dataclass(frozen=True)
class GenerationParams:
    temperature: float
    top_k: int
    top_p: float
    max_tokens: int


@dataclass(frozen=True)
class UserSettings:
    """A user's row: preferences; None where the user kept the default."""

    user_id: int
    language: str | None = None
    answer_length: str = "normal"
    timezone: str | None = None
    digest_time: str | None = None  # "HH:MM"
    digest_enabled: bool = True
    weekly_digest: str | None = None  # "D HH:MM", D the weekday (Monday 0); None: off
    morning_brief: str | None = None  # "HH:MM": today's items and reminders; None: off


@dataclass(frozen=True)
class StoredDocument:
    """Anything remembered: an uploaded file or a note (kind "note")."""

    id: int
    user_id: int
    sha256: str
    name: str
    kind: str
    mime: str
    size_bytes: int
    pages: int | None
    title: str | None
    status: str  # "ingesting" until its vectors are durable, then "ready"
    meta: dict[str, Any]
    summary: str | None  # its line in the day's digest; None: not made (or not needed)
    created_at: datetime
    outdated_at: datetime | None = None  # its owner said it no longer holds; None: it holds


@dataclass(frozen=True)
class NamedDay:
    """A day an item's words name ("dinner on Saturday at 19:00"), with the hour if named."""

    day: date
    hour: int | None = None


@dataclass(frozen=True)
class Reminder:
    """Something to be reminded of: `text` in the user's words, due at `due_at` (UTC;
    None while an offered or asked one has no time yet), `every` its recurrence ("daily",
    "weekly:0,4"), read in `zone`. `status`: offered (waits for a tap), scheduled, sent,
    done, cancelled or missed; `document_id` the note whose date offered it."""

    id: int
    user_id: int
    text: str
    due_at: datetime | None
    zone: str
    every: str | None
    status: str
    document_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class NoteEntry:
    id: int
    document_id: int
    text: str
    origin: str | None
    created_at: datetime


@dataclass(frozen=True)
class Transcript:
    """What was said in a voice note or audio file."""

    text: str
    language: str
    seconds: float


@dataclass(frozen=True)
class ImportItem:
    """One item of an import (a chat message, a file of a note folder), before it is kept."""

    source: str  # its own key ("tg:CHAT:MESSAGE"): the same item imported again is found by it
    written: datetime  # when it was written (aware)
    text: str = ""  # a message's words; a file's caption
    origin: str | None = None  # whom a forwarded message came from
    file: Path | None = None
    name: str | None = None  # the file's display name
    spoken: bool = False  # a voice or video message: transcribed
    links: tuple[str, ...] = ()
    version: str | None = None  # a folder file's content hash: unchanged files are skipped
    meta: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # why it cannot be kept (a file the export left out)
    label: str = ""  # how a report names it ("message 42 of Saved Messages")
    outdated: datetime | None = None  # marked outdated by its owner (a mnemo export's)


@dataclass(frozen=True)
class ImportedReminder:
    """A reminder an export holds (a mnemo export's reminders.json), before it is restored:
    `source` its own key, `document_source` the key of the note whose date offered it."""

    source: str
    text: str
    due_at: datetime | None  # aware
    zone: str
    every: str | None = None
    status: str = "scheduled"
    document_source: str | None = None
    problem: str | None = None  # why it cannot be restored (its time or zone unreadable)


@dataclass(frozen=True)
class ImportOptions:
    """Whose messages an import keeps: the user's own (`me`, their Telegram id, when the
    export does not say), or everyone's."""

    me: int | None = None
    all_senders: bool = False
    limits: ImportLimits | None = None  # None: the reader's own (the command line's)


@dataclass(frozen=True)
class ImportLimits:
    """How much an import may unpack and parse, counted as read, whatever its files claim:
    every file taken out of a zip together, one JSON file, the files a zip lists."""

    unpacked_bytes: int
    json_bytes: int
    entries: int

    @classmethod
    def for_upload(cls, upload_bytes: int) -> ImportLimits:
        """An export sent through the bot (at most `upload_bytes`): proportionate to it."""
        return cls(unpacked_bytes=16 * upload_bytes, json_bytes=16 * upload_bytes, entries=20_000)


@dataclass(frozen=True)
class BackupWritten:
    """A backup archive, whole on disk."""

    path: Path
    size_bytes: int
    files: int
    seconds: float
    vectors: bool  # the vector store is in it (an embedded store; a server's is rebuilt)


@dataclass(frozen=True)
class ProbeResult:
    """The chat model tried once in a child process: whether it generated, and if not, why
    (the signal that killed the child, or what it said)."""

    ok: bool
    detail: str = ""
    signal: str | None = None  # "SIGILL": the build uses an instruction this CPU refuses
    system: str = ""  # llama.cpp's own account of the instruction sets it was built with
    seconds: float = 0.0
