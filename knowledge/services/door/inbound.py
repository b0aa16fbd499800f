"""What arrived, and what it means: the one call an entry point makes for a message.

A typed text, a recording, a forwarded message, a reply to "What's on this photo?", from a
private or a shared chat: `Inbound.receive` decides whether it is a question to answer (a
fact, or a gathering: a day, a subject, a count, a summary), a note to keep, a photo's
label, or refused, does it, and returns what to render. The bot and the command line both
call it, so a spoken question is answered from either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import Reminder, Transcript
from knowledge.domain.ports import Progress, Spawns, no_progress
from knowledge.services.answers.asking import AskEvent, AskService
from knowledge.services.answers.document_summaries import DocumentSummaries
from knowledge.services.door.lanes import Lanes
from knowledge.services.keeping.importing import Importer
from knowledge.services.keeping.ingest import Ingestor, IngestResult
from knowledge.services.keeping.links import Links, only_a_link, urls_in
from knowledge.services.keeping.rewriting import Rewriting
from knowledge.services.keeping.voice import VoiceNotes
from knowledge.services.llm.fair_queue import PositionCallback
from knowledge.services.sending.digest import Digests
from knowledge.services.sending.reminders import Asked, Reminders
from knowledge.services.upkeep.profiles import Profile, Profiles
from knowledge.services.words.planning import wants_answer

log = logging.getLogger(__name__)


class Meant(Enum):
    """What the sender said the message is: /ask, /note, or nothing (read from its words)."""

    EITHER = "either"
    QUESTION = "question"
    NOTE = "note"


@dataclass(frozen=True)
class Recording:
    """A recording to listen to; `name` is how its voice note is listed."""

    path: Path
    name: str | None = None
    mime: str = "audio/ogg"


@dataclass(frozen=True)
class Arrival:
    """What came in. `text` is a typed message's text, or what a recording was already
    heard to say (a kept question replayed); `labels` the photo whose "What's on it?" this
    replies to; `shared` that it came from a group (where only questions are admitted, and
    answered in private); `origin` whom a forward came from; `source` the chat message's
    own key, so a redelivery or an edit finds what it made."""

    user_id: int
    text: str = ""
    recording: Recording | None = None
    client_language: str | None = None
    meant: Meant = Meant.EITHER
    labels: int | None = None
    shared: bool = False
    origin: str | None = None
    source: str | None = None
    retimes: int | None = None  # the reminder whose "when?" this replies to

    def with_recording(self, recording: Recording) -> Arrival:
        return replace(self, recording=recording)


@dataclass(frozen=True)
class Question:
    """Something to answer: one fact, or a gathering (a day, a subject, a count, a sum, a
    summary), told apart by the planner when `answer` is iterated (its final event: an
    Answer, or a Gathered or Summarised). Nothing is asked, or read, before that, so the
    sender sees the bot react at once."""

    profile: Profile
    text: str
    heard: Transcript | None
    _ask: Callable[[PositionCallback | None], AsyncGenerator[AskEvent, None]]

    def answer(self, on_position: PositionCallback | None = None) -> AsyncGenerator[AskEvent, None]:
        """The answer's events: text pieces, then the final Answer (or Gathered, Summarised,
        Cancelled); `on_position` hears the question's place in the model's queue."""
        return self._ask(on_position)


@dataclass(frozen=True)
class Kept:
    """A note (typed, forwarded or spoken) in memory; `result.duplicate` when it was
    already there (the same message delivered again, the same recording)."""

    profile: Profile
    result: IngestResult
    origin: str | None = None
    heard: Transcript | None = None
    link: LinkRead | None = None
    offer: Reminder | None = None  # a reminder offered for the moment the note names


@dataclass(frozen=True)
class LinkRead:
    """The page a kept message's link points to: kept (`result`, its title its name), or
    not (`error`: refused or unreadable; the message is kept as a note all the same)."""

    url: str
    result: IngestResult | None = None
    error: MnemoError | None = None


@dataclass(frozen=True)
class Labelled:
    """A photo's description, from the reply to the question about it."""

    profile: Profile
    doc_id: int
    text: str
    heard: Transcript | None = None


@dataclass(frozen=True)
class Refused:
    """Nothing kept, nothing asked: `error` says why (too long, silent, over the quota...)."""

    profile: Profile
    error: MnemoError
    heard: Transcript | None = None


@dataclass(frozen=True)
class Reminded:
    """A request for a reminder ("remind me...", "напомни..."): set, or asked about."""

    profile: Profile
    asked: Asked
    heard: Transcript | None = None


Outcome = Question | Kept | Labelled | Refused | Reminded


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
    ) -> None:
        self._importer = importer
        self._lanes = lanes
        self._digests = digests
        self._summaries = summaries
        self._spawner = spawner
        self._links = links
        self._reminders = reminders
        self._profiles = profiles
        self._asking = asking
        self._ingestor = ingestor
        self._voice = voice
        self._rewriting = rewriting

    async def receive(
        self,
        arrival: Arrival,
        *,
        progress: Progress = no_progress,
        with_history: bool = True,
        condense_missing: bool = False,
    ) -> Outcome:
        """Decide what `arrival` is and do it. `progress` hears how listening goes;
        `with_history` puts the
        recent turns in the prompt; `condense_missing` writes a summary's missing parts
        before answering (the CLI: no background worker does it there)."""
        profile = await asyncio.to_thread(
            self._profiles.get_or_create, arrival.user_id, arrival.client_language
        )
        heard: Transcript | None = None
        text = arrival.text
        if arrival.recording is not None and not text:
            try:
                heard = await asyncio.to_thread(
                    self._voice.transcribe,
                    arrival.recording.path,
                    language=profile.language,
                    progress=progress,
                )
            except MnemoError as exc:
                log.info("a recording was refused (%s): %s", exc.code, exc)
                return Refused(profile, exc)
            text = heard.text
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
                    with_history=with_history,
                    max_tokens=profile.max_tokens,
                    condense_missing=condense_missing,
                )
                return Question(profile, text, heard, ask)
            result, link = await asyncio.to_thread(self._keep, arrival, text, heard)
        except MnemoError as exc:
            log.info("a message was refused (%s): %s", exc.code, exc)
            return Refused(profile, exc, heard)
        offer = None
        if not result.duplicate and not arrival.shared:
            offer = await asyncio.to_thread(
                self._reminders.offer_for, arrival.user_id, result.doc_id, text
            )
        return Kept(profile, result, arrival.origin, heard, link, offer)

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

    def _keep(
        self, arrival: Arrival, text: str, heard: Transcript | None
    ) -> tuple[IngestResult, LinkRead | None]:
        if heard is not None and arrival.recording is not None:
            recording = arrival.recording
            voice = self._voice.add_voice(
                arrival.user_id,
                recording.path,
                heard,
                name=recording.name,
                mime=recording.mime,
                source=arrival.source,
            )
            return voice, None
        urls = urls_in(text) if self._links.enabled else []
        link = only_a_link(text) if urls else None
        if link is not None:  # the message is the link: kept as its page
            read = self._read(arrival.user_id, link, arrival.source)
            if read.result is not None:
                return read.result, read
        note = self._ingestor.add_note(
            arrival.user_id, text, origin=arrival.origin, source=arrival.source
        )
        if link is not None:  # its page could not be read: kept as the note it was
            return note, read
        if not urls or note.duplicate:
            return note, None
        # a message holding a link: the words as a note, the page beside it
        source = f"{arrival.source}:link" if arrival.source else None
        return note, self._read(arrival.user_id, urls[0], source)

    def _read(self, user_id: int, url: str, source: str | None) -> LinkRead:
        try:
            return LinkRead(url, result=self._links.keep(user_id, url, source=source))
        except MnemoError as exc:
            log.info("link not read (%s): %s", exc.code, exc)
            return LinkRead(url, error=exc)
