"""The one door: the one call an entry point makes for whatever arrived.

A typed text, a recording, a file or photo, an export, an edit, a forwarded message, a
reply to "What's on this photo?", from a private or a shared chat, or the command line's
note, file or import: `Inbound.receive` decides whether it is a question to answer (a
fact, or a gathering: a day, a subject, a count, a summary), a note to keep, a file to
read, an export to import, a photo's label, an edit, or refused; does it; starts what
follows inside the core (the item's digest line, a document's sections, through the
spawner the composition root gives); and returns what to render, with what follows that
only an edge can do (services/door/arrival.py). The bot and the command line both call it,
so they behave alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import Any

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import Transcript
from knowledge.domain.ports import Progress, Spawns, no_progress
from knowledge.services.answers.asking import AskEvent, AskService
from knowledge.services.answers.document_summaries import DocumentSummaries
from knowledge.services.door.arrival import (
    Arrival,
    Edited,
    Kept,
    Labelled,
    LinkRead,
    Meant,
    Outcome,
    Question,
    Refused,
    Reminded,
    Stored,
    Upload,
)
from knowledge.services.door.lanes import Lane, Lanes
from knowledge.services.door.uploads import Uploads
from knowledge.services.keeping.importing import Importer
from knowledge.services.keeping.ingest import Ingestor, IngestResult
from knowledge.services.keeping.links import Links, only_a_link, urls_in
from knowledge.services.keeping.memory import Memory
from knowledge.services.keeping.rewriting import Rewriting
from knowledge.services.keeping.voice import VoiceNotes
from knowledge.services.llm.fair_queue import PositionCallback
from knowledge.services.sending.digest import Digests
from knowledge.services.sending.reminder_states import Asked
from knowledge.services.sending.reminders import Reminders
from knowledge.services.upkeep.profiles import Profile, Profiles
from knowledge.services.words.planning import wants_answer

log = logging.getLogger(__name__)

Accepted = Callable[[Profile], Awaitable[None]]


class Inbound:
    def __init__(
        self,
        *,
        profiles: Profiles,
        asking: AskService,
        ingestor: Ingestor,
        voice: VoiceNotes,
        rewriting: Rewriting,
        links: Links,
        reminders: Reminders,
        importer: Importer,
        lanes: Lanes,
        digests: Digests,
        summaries: DocumentSummaries,
        spawner: Spawns,
        memory: Memory,
        link_waits: Executor,
        incoming: Path,
        max_file_bytes: int,
        max_audio_seconds: float,
    ) -> None:
        """`link_waits`: the small pool a message's link is read on (it may wait there for
        the link's whole time limit), never the event loop's default one."""
        self._links = links
        self._memory = memory
        self._link_waits = link_waits
        self._reminders = reminders
        self._profiles = profiles
        self._asking = asking
        self._ingestor = ingestor
        self._voice = voice
        self._rewriting = rewriting
        self._digests = digests
        self._summaries = summaries
        self._spawner = spawner
        self._uploads = Uploads(
            ingestor=ingestor,
            importer=importer,
            reminders=reminders,
            lanes=lanes,
            incoming=incoming,
            max_file_bytes=max_file_bytes,
            max_audio_seconds=max_audio_seconds,
        )

    async def receive(
        self,
        arrival: Arrival,
        *,
        progress: Progress = no_progress,
        on_position: PositionCallback | None = None,
        on_accepted: Accepted | None = None,
        with_history: bool = True,
        condense_missing: bool = False,
    ) -> Outcome:
        """Decide what `arrival` is and do it. `on_accepted` hears the sender's profile once
        the arrival is taken in (a file: before it waits or is fetched); `on_position` its
        place in the lane it waits in; `progress` how reading, listening or importing goes;
        `with_history` puts the recent turns in a question's prompt; `condense_missing`
        writes a summary's missing parts before answering (the command line: no background
        work goes on there)."""
        profile = await asyncio.to_thread(
            self._profiles.get_or_create, arrival.user_id, arrival.client_language
        )
        upload = arrival.upload
        try:
            if arrival.edited:
                outcome: Outcome = await self._edit(arrival, profile)
                self._follow_up(arrival.user_id, outcome)
                return outcome
            if upload is not None:
                lane = Lane.ARCHIVES if arrival.imports is not None else Lane.FILES
                self._uploads.check(arrival.user_id, upload, lane)
        except MnemoError as exc:
            log.info("an arrival was refused (%s): %s", exc.code, exc)
            return Refused(profile, exc)
        if on_accepted is not None:
            await on_accepted(profile)
        options = {"with_history": with_history, "condense_missing": condense_missing}
        if upload is None:
            outcome = await self._decide(arrival, profile, arrival.text, None, options)
        elif await self._is_recording(upload):
            outcome = await self._hear(arrival, profile, upload, progress, on_position, options)
        else:
            outcome = await self._uploads.take(arrival, profile, progress, on_position)
        self._follow_up(arrival.user_id, outcome)
        return outcome

    async def wipe(self, user_id: int) -> None:
        """Everything of the user's gone: their memory, and an export held for them."""
        await asyncio.to_thread(self._memory.wipe, user_id)
        await asyncio.to_thread(self._uploads.drop_held, user_id)

    def sweep_held(self, every_seconds: float) -> int:
        """Exports held past their day removed, by a sweep run every `every_seconds`."""
        return self._uploads.sweep_held(ahead=every_seconds)

    async def _is_recording(self, upload: Upload) -> bool:
        """Said so, or (`recording` None: a file already here) audio by its content."""
        if upload.recording is None and upload.path is not None:
            try:
                return await asyncio.to_thread(self._ingestor.is_recording, upload.path)
            except MnemoError:
                return False  # refused when it is read, with the reason
        return bool(upload.recording)

    async def _edit(self, arrival: Arrival, profile: Profile) -> Edited:
        assert arrival.source is not None, "an edit names the message it changes"
        rewritten = await asyncio.to_thread(
            self._rewriting.edit, arrival.user_id, arrival.source, arrival.text
        )
        return Edited(profile, rewritten)

    async def _hear(
        self,
        arrival: Arrival,
        profile: Profile,
        upload: Upload,
        progress: Progress,
        on_position: PositionCallback | None,
        options: dict[str, Any],
    ) -> Outcome:
        """A recording, heard in its owner's turn in the files lane, then decided on as its
        words would be; a question is answered after the turn is given back."""
        async with self._uploads.fetched(arrival.user_id, upload, Lane.FILES, on_position) as path:
            try:
                heard = await asyncio.to_thread(
                    self._voice.transcribe, path, language=profile.language, progress=progress
                )
            except MnemoError as exc:
                log.info("a recording was refused (%s): %s", exc.code, exc)
                return Refused(profile, exc)
            recording = _Recording(path, upload.name, upload.mime)
            return await self._decide(arrival, profile, heard.text, (heard, recording), options)

    async def _decide(
        self,
        arrival: Arrival,
        profile: Profile,
        text: str,
        spoken: tuple[Transcript, _Recording] | None,
        options: dict[str, Any],
    ) -> Outcome:
        heard = spoken[0] if spoken else None
        try:
            if arrival.labels is not None and not arrival.shared:
                await asyncio.to_thread(
                    self._rewriting.describe, arrival.user_id, arrival.labels, text
                )
                return Labelled(profile, arrival.labels, text, heard)
            reminded = await asyncio.to_thread(self._reminder, arrival, text)
            if reminded is not None:
                return Reminded(profile, reminded, heard)
            if self._is_question(arrival, text):
                ask = partial(
                    self._ask_later,
                    arrival.user_id,
                    text,
                    max_tokens=profile.max_tokens,
                    **options,
                )
                return Question(profile, text, heard, ask)
            result, link = await self._keep(arrival, text, spoken)
        except MnemoError as exc:
            log.info("a message was refused (%s): %s", exc.code, exc)
            return Refused(profile, exc, heard)
        offer = None
        if not result.duplicate and not arrival.shared:
            offer = await asyncio.to_thread(
                self._reminders.offer_for, arrival.user_id, result.doc_id, text
            )
        return Kept(profile, result, arrival.origin, heard, link, offer)

    def _follow_up(self, user_id: int, outcome: Outcome) -> None:
        """What follows a kept item inside the core, beside the caller: its digest line made
        when the model is idle, then a document's sections condensed for its summary."""
        doc_id = None
        if isinstance(outcome, Kept | Stored) and not outcome.result.duplicate:
            doc_id = outcome.result.doc_id
        elif isinstance(outcome, Labelled):
            doc_id = outcome.doc_id
        elif isinstance(outcome, Edited) and outcome.rewritten is not None:
            doc_id = outcome.rewritten.doc_id
        if doc_id is None:
            return
        self._spawner.spawn(self._digests.summarise_later(user_id, doc_id), f"summary:{doc_id}")
        self._spawner.spawn(self._summaries.condense_later(user_id, doc_id), f"sections:{doc_id}")

    def _reminder(self, arrival: Arrival, text: str) -> Asked | None:
        """A reply to "when?" retimes its reminder; else a private message that asks for
        one ("remind me tomorrow at 9...") sets it. /ask, /note, a forward and a group
        never set one."""
        if arrival.shared or arrival.origin is not None or arrival.meant is not Meant.EITHER:
            return None
        if arrival.retimes is not None:
            return self._reminders.retime(arrival.user_id, arrival.retimes, text)
        request = self._reminders.read(arrival.user_id, text)
        return self._reminders.ask(arrival.user_id, request) if request else None

    def _ask_later(
        self,
        user_id: int,
        text: str,
        on_position: PositionCallback | None,
        **options: Any,
    ) -> AsyncGenerator[AskEvent, None]:
        return self._asking.ask(user_id, text, on_position=on_position, **options)

    @staticmethod
    def _is_question(arrival: Arrival, text: str) -> bool:
        """/ask and /note decide; else in a group whatever reached the bot asks it
        something (nothing of a group's is kept unasked); a forward is kept as it is;
        otherwise the words decide."""
        if arrival.meant is not Meant.EITHER:
            return arrival.meant is Meant.QUESTION
        if arrival.shared:
            return True
        if only_a_link(text):  # "https://site/what-is-x?" is a link to keep, not a question
            return False
        return arrival.origin is None and wants_answer(text)

    async def _keep(
        self, arrival: Arrival, text: str, spoken: tuple[Transcript, _Recording] | None
    ) -> tuple[IngestResult, LinkRead | None]:
        """The words kept as a note (a recording as its voice note), and a link in them read
        as its page, on the links' own pool."""
        if spoken is not None:
            heard, recording = spoken
            voice = await asyncio.to_thread(
                self._voice.add_voice,
                arrival.user_id,
                recording.path,
                heard,
                name=recording.name,
                mime=recording.mime,
                source=arrival.source,
            )
            return voice, None
        urls = urls_in(text) if self._links.enabled and arrival.fetch_links else []
        link = only_a_link(text) if urls else None
        if link is not None:  # the message is the link: kept as its page
            read = await self._read(arrival.user_id, link, arrival.source)
            if read.result is not None:
                return read.result, read
        note = await asyncio.to_thread(
            self._ingestor.add_note,
            arrival.user_id,
            text,
            origin=arrival.origin,
            source=arrival.source,
        )
        if link is not None:  # its page could not be read: kept as the note it was
            return note, read
        if not urls or note.duplicate:
            return note, None
        # a message holding a link: the words as a note, the page beside it
        source = f"{arrival.source}:link" if arrival.source else None
        return note, await self._read(arrival.user_id, urls[0], source)

    async def _read(self, user_id: int, url: str, source: str | None) -> LinkRead:
        """The link read and kept, waited for on the links' pool (a slow site holds one of
        its threads, up to the link's time limit, and none of the default pool's)."""
        loop = asyncio.get_running_loop()
        keep = partial(self._links.keep, user_id, url, source=source)
        try:
            return LinkRead(url, result=await loop.run_in_executor(self._link_waits, keep))
        except MnemoError as exc:
            log.info("link not read (%s): %s", exc.code, exc)
            return LinkRead(url, error=exc)


class _Recording:
    """A recording fetched for hearing: where it is, how its voice note is listed."""

    def __init__(self, path: Path, name: str, mime: str) -> None:
        self.path, self.name, self.mime = path, name, mime
