"""Voice notes: what a recording says, read on this machine (refused past the length limit,
the decoded audio being the authority), and the transcript kept with its recording."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from knowledge.domain.errors import EmptyFile, FileTooLarge
from knowledge.domain.languages import LANGUAGES
from knowledge.domain.model import Extracted, Section, Transcript
from knowledge.domain.ports import Progress, Transcriber, no_progress
from knowledge.services.keeping.keeper import IngestResult, Keeper, result_of, sha256_of


class VoiceNotes:
    def __init__(
        self,
        *,
        keeper: Keeper,
        transcriber: Transcriber,
        max_audio_seconds: float = 600.0,
        audio_language: str | None = None,
    ) -> None:
        self._keeper = keeper
        self._transcriber = transcriber
        self._max_audio_seconds = max_audio_seconds
        self._audio_language = audio_language

    def transcribe(
        self, path: Path, *, language: str = "en", progress: Progress = no_progress
    ) -> Transcript:
        """What is said in an audio file (`language`: the user's, when the spoken one is
        unsure); refused unread past the size and length limits."""
        self._keeper.check_size(path)
        seconds = self._transcriber.duration(path)
        limit = self._max_audio_seconds / 60
        if seconds > self._max_audio_seconds:
            raise FileTooLarge(
                f"the recording lasts {seconds / 60:.1f} minutes, over the {limit:g}-minute limit",
                "audio_too_long",
                minutes=round(seconds / 60, 1),
                limit=f"{limit:g}",
            )
        languages = [self._audio_language] if self._audio_language else list(LANGUAGES)
        # What the container claims may be missing or false (a live stream declares no
        # length): decoding itself stops at the limit.
        return self._transcriber.transcribe(
            path,
            languages=languages,
            fallback=language,
            max_seconds=self._max_audio_seconds,
            progress=progress,
        )

    def add_voice(
        self,
        user_id: int,
        path: Path,
        transcript: Transcript,
        *,
        name: str | None = None,
        mime: str = "audio/ogg",
        started: float | None = None,
        source: str | None = None,
        created_at: datetime | None = None,
    ) -> IngestResult:
        """Remember a voice note: its transcript, searchable, and its recording, kept;
        `created_at` when it was said (default: now)."""
        started = started if started is not None else time.monotonic()
        keeper = self._keeper
        sha256 = sha256_of(path)
        duplicate = keeper.duplicate_clearing_unfinished(user_id, sha256)
        if duplicate:
            return duplicate
        text = transcript.text
        chunks = keeper.indexer.chunker.chunk([Section(text=text)])
        if not chunks:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        keeper.check_quota(user_id, path.stat().st_size + keeper.indexer.derived_bytes(chunks))
        extracted = Extracted(
            kind="voice",
            mime=mime,
            sections=[Section(text=text)],
            meta={"language": transcript.language, "seconds": round(transcript.seconds, 1)},
        )
        doc = keeper.keep(
            user_id,
            path,
            sha256,
            name,
            extracted,
            chunks,
            no_progress,
            source,
            transcript=text,
            created_at=created_at,
        )
        return result_of(doc, len(chunks), started, text)
