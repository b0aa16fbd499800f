"""Narrow interfaces of the engines the core depends on; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from knowledge.domain.model import (
    BackupWritten,
    Extracted,
    GenerationParams,
    Hit,
    ImportedReminder,
    ImportItem,
    ImportLimits,
    ImportOptions,
    ProbeResult,
    SparseVec,
    StoredChunk,
    Transcript,
)
from knowledge.domain.search import SearchPlan

if TYPE_CHECKING:
    from PIL.Image import Image
    from tokenizers import Tokenizer


class Embedder(Protocol):
    """Dense vectors; `tokenizer` is None for a model that tokenizes inside (chunked by count)."""

    name: str
    dim: int
    max_tokens: int
    tokenizer: Tokenizer | None

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def count_tokens(self, text: str) -> int: ...


class SparseEncoder(Protocol):
    """Term weights; `lang` (en/ru/es/zh) picks the stemmer, None a fixed default."""

    def encode_documents(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SparseVec]: ...

    def encode_query(self, text: str, lang: str | None = None) -> SparseVec: ...


class VectorStore(Protocol):
    """Every method takes the user id and touches only that user's points."""

    def upsert(self, user_id: int, chunks: Sequence[StoredChunk]) -> None:
        """Write points; they are durable once `flush` returns."""
        ...

    def flush(self) -> None: ...

    def search(self, plan: SearchPlan) -> list[Hit]:
        """Execute the plan as it is: its legs, fused by RRF when there are several."""
        ...

    def delete_document(self, user_id: int, doc_id: int) -> None: ...

    def delete_user(self, user_id: int) -> None: ...

    def count(self, user_id: int, doc_id: int | None = None) -> int: ...

    def documents(self, user_id: int) -> dict[int, int]:
        """Points per document of this user: {doc_id: count}."""
        ...

    def users(self) -> set[int]:
        """Every user with points in the store (for the doctor's cross-check)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class BuildsIndexes(Protocol):
    """A store that builds its search indexes when asked (the embedded Qdrant Edge); a
    Qdrant server builds its own, the in-memory store needs none."""

    def index(self) -> bool:
        """Build the search indexes the store wants, without holding up searches or writes;
        True when a new index now serves searches."""
        ...


class Generator(Protocol):
    """Streams a chat completion. The in-process llama.cpp is not thread-safe, so one worker
    thread calls it; a model server takes as many calls at once as it has slots."""

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]: ...

    def prime(self, messages: list[dict[str, str]]) -> None:
        """Make prompts that start with `messages` cheap (their state evaluated or loaded)."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def problem(self) -> str | None:
        """None when the model can answer now; else what stands in the way (a server down)."""
        ...


class Progress(Protocol):
    """Where long work reports how far it got."""

    def __call__(self, message: str, done: int, total: int) -> None: ...


def no_progress(message: str, done: int, total: int) -> None:
    """A progress sink that ignores reports."""


class Reader(Protocol):
    """Text out of a file whose type is told from its content; raises a MnemoError
    (unsupported, damaged, empty, over a limit) for anything it cannot read."""

    def read(self, path: Path, progress: Progress = no_progress) -> Extracted: ...

    def detect(self, path: Path) -> tuple[str, str]:
        """(kind, mime): kind is pdf, docx, epub, html, markdown, text, image or audio;
        raises UnsupportedFile."""
        ...


class Transcriber(Protocol):
    """Speech to text, on this machine."""

    def duration(self, path: Path) -> float:
        """Seconds of audio, read from the container; raises CorruptFile when unreadable."""
        ...

    def transcribe(
        self,
        path: Path,
        *,
        languages: Sequence[str],
        fallback: str,
        max_seconds: float,
        progress: Progress = no_progress,
    ) -> Transcript:
        """The words spoken, in the detected language among `languages` (the first one
        alone forces it), or `fallback` when detection is unsure. Raises EmptyFile when
        nothing is said, CorruptFile when the audio cannot be decoded, and AudioTooLong as
        soon as decoding passes `max_seconds` (no more of it is decoded)."""
        ...


class Ocr(Protocol):
    """The text in a photo or scan; empty when there is none (or no OCR engine)."""

    def read_text(self, image: Image) -> str: ...


class OriginalFiles(Protocol):
    """The originals of uploaded files, kept per user under their content's sha256."""

    def path(self, user_id: int, sha256: str) -> Path: ...

    def put(self, user_id: int, source: Path, sha256: str) -> Path:
        """Keep a copy, durably (written, synced and renamed into place)."""
        ...

    def delete(self, user_id: int, sha256: str) -> None: ...

    def delete_user(self, user_id: int) -> None: ...

    def scan(self) -> Iterator[tuple[int, str | None, Path]]:
        """(user id, sha256 or None for a leftover temp file, path) of every file kept."""
        ...


@dataclass
class OpenedImport:
    """What an import holds, opened: its items (read lazily), how many, and what was left
    out (service messages, other senders' messages). `scope` names a note folder, whose
    files no longer there can be listed and forgotten; `reminders` are a mnemo export's."""

    kind: str  # "telegram", "folder", "mnemo-export"
    items: Iterable[ImportItem]
    total: int
    skipped: int = 0
    scope: str | None = None
    reminders: Sequence[ImportedReminder] = ()  # a mnemo export's
    others: int = 0  # of `skipped`: other senders' messages (kept when all senders are asked)


class ImportSources(Protocol):
    """Opens what `mnemo import` is given: a Telegram export (folder, zip or result.json),
    a note folder, a mnemo export zip."""

    def open(self, path: Path, options: ImportOptions) -> AbstractContextManager[OpenedImport]:
        """Raises ImportUnreadable for anything else."""
        ...

    def recognises(self, path: Path, limits: ImportLimits | None = None) -> bool:
        """Whether a file (one sent to the bot) is an export rather than a document, told
        within `limits` (the reader's own when not given)."""
        ...


@dataclass(frozen=True)
class Fetched:
    """A link read: an article's text, or a file it served (a PDF, an image)."""

    url: str  # after redirects
    extracted: Extracted | None = None
    file: Path | None = None


class ReadsLinks(Protocol):
    """Reads what a URL serves, guarded (no private addresses), into `folder`."""

    def fetch(self, url: str, folder: Path) -> Fetched:
        """Raises LinkRefused or LinkFailed."""
        ...


@runtime_checkable
class CopiesItself(Protocol):
    """A vector store that lives in the data dir (the embedded one) and can copy itself,
    consistently, while it is in use: for backups. A server's vectors are rebuilt instead."""

    def copy_to(self, folder: Path) -> None:
        """Write the store as it is now into `folder`, writes held meanwhile."""
        ...


class Archives(Protocol):
    """Writes a whole install's backup archive."""

    def write(
        self,
        dest: Path,
        *,
        copy_vectors: Callable[[Path], None] | None,
        about: dict[str, object],
    ) -> BackupWritten: ...


class ChecksModel(Protocol):
    """Runs the in-process chat model once where it cannot take the caller down (a child
    process), and says how it went."""

    def __call__(self) -> ProbeResult: ...


class Spawns(Protocol):
    """Runs work beside its caller (a digest line written when the model is idle, a
    document's sections condensed): the caller does not wait for it. Built at the
    composition root; the entry point stops it (cancelled work resumes at the next start)."""

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None: ...
