"""Turn files and notes into searchable memory: extract, chunk, embed, store (kept by
services/keeping/keeper.py; a recording goes to services/keeping/voice.py).

Nothing is written until the content has been read successfully, and a failure after that
removes what this document wrote (points, rows, file), so a bad file never touches what the
user had stored before.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.domain.errors import EmptyFile
from knowledge.domain.model import Extracted, Section
from knowledge.domain.ports import Progress, Reader, no_progress
from knowledge.services.keeping.keeper import (
    IngestResult,
    Keeper,
    NewNote,
    result_of,
    sha256_of,
)
from knowledge.services.keeping.voice import VoiceNotes

__all__ = ["IngestResult", "Ingestor"]


class Ingestor:
    def __init__(
        self,
        *,
        keeper: Keeper,
        reader: Reader,
        voice: VoiceNotes,
    ) -> None:
        self._keeper = keeper
        self._reader = reader
        self._voice = voice

    def ingest_file(
        self,
        user_id: int,
        path: Path,
        *,
        name: str | None = None,
        caption: str | None = None,
        progress: Progress = no_progress,
        language: str = "en",
        source: str | None = None,
        created_at: datetime | None = None,
        meta: dict[str, Any] | None = None,
    ) -> IngestResult:
        """Remember a file; `caption` (a photo's, say) is kept and searchable with it. Audio
        is transcribed (`language`: the user's, when the spoken one is unsure) and kept as
        a voice note with its recording. `source` names the message it came in (an edit
        of its caption replaces the caption); `created_at`, when it was made (an
        imported item's own time; default: now); `meta` is kept with it."""
        started = time.monotonic()
        keeper = self._keeper
        size = keeper.check_size(path)
        kind, mime = self._reader.detect(path)
        if kind == "audio":
            transcript = self._voice.transcribe(path, language=language, progress=progress)
            return self._voice.add_voice(
                user_id,
                path,
                transcript,
                name=name,
                mime=mime,
                started=started,
                source=source,
                created_at=created_at,
            )
        sha256 = sha256_of(path)
        duplicate = keeper.duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        keeper.check_quota(user_id, size)
        extracted = self._reader.read(path, progress)
        if caption and caption.strip():
            extracted.sections.insert(0, Section(text=caption.strip(), heading="Caption"))
            extracted.meta["caption"] = caption.strip()
        extracted.meta.update(meta or {})
        return self.keep_read(
            user_id,
            path,
            sha256,
            extracted,
            name=name,
            progress=progress,
            source=source,
            created_at=created_at,
            started=started,
        )

    def keep_read(
        self,
        user_id: int,
        path: Path,
        sha256: str,
        extracted: Extracted,
        *,
        name: str | None,
        source: str | None,
        created_at: datetime | None,
        started: float,
        progress: Progress = no_progress,
    ) -> IngestResult:
        """Keep a file already read (an upload, a linked page): chunked, the quota checked
        with what its chunks add, then kept and indexed."""
        keeper = self._keeper
        chunks = keeper.indexer.chunker.chunk(extracted.sections)
        if not chunks:
            raise EmptyFile("no text could be read from the file")
        keeper.check_quota(user_id, path.stat().st_size + keeper.indexer.derived_bytes(chunks))
        doc = keeper.keep(
            user_id, path, sha256, name, extracted, chunks, progress, source, created_at=created_at
        )
        excerpt = str(doc.meta.get("ocr_text", chunks[0].text))
        return result_of(doc, len(chunks), started, excerpt)

    def is_recording(self, path: Path) -> bool:
        """Audio, told apart by content: listened to (services/keeping/voice.py), not read. An
        empty or too large file is refused first, as `ingest_file` refuses it."""
        self._keeper.check_size(path)
        return self._reader.detect(path)[0] == "audio"

    def add_note(
        self,
        user_id: int,
        text: str,
        *,
        origin: str | None = None,
        created_at: datetime | None = None,
        source: str | None = None,
    ) -> IngestResult:
        """Remember a note; `created_at` is when it was written (default: now); `source`
        the message it came in (an edit of that message replaces it: `edit`). The same
        words sent again are a new item ("Went jogging" on another day counts again); the
        same message delivered twice is not."""
        started = time.monotonic()
        keeper = self._keeper
        text = text.strip()
        if not text:
            raise EmptyFile("the note is empty", "note_empty")
        if source is not None and (again := keeper.from_source(user_id, source)):
            return again
        chunks = keeper.indexer.chunker.chunk([Section(text=text, heading=origin)])  # said by
        said = {"origin": origin} if origin else None  # services/keeping/said.py
        note = NewNote(text, created_at or datetime.now(UTC), origin, source, meta=said)
        [doc] = keeper.keep_notes(user_id, [(note, chunks)])
        return result_of(doc, len(chunks), started, chunks[0].text)
