"""The composition root: the one place that builds real engines from settings, then the
services over them.

`build_engines` (knowledge/engines.py) makes the engines (each a keyword argument, so
tests pass fakes through the same door; `database` a factory for the SQL database) and
every thread pool, spawner and child process the core runs on; `build_services` wires the
services over them; `bootstrap` does both. Building reaches no SQL database and migrates
nothing (it does open the vector store and load the embedder); `Services.start`, which
every entry point calls before its first call, does the start-up work. Nothing is built
at import time; the chat model loads on its worker thread at the first question.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from knowledge.adapters.background import Background
from knowledge.adapters.backup import TarArchives
from knowledge.adapters.backup import restore as unpack_backup
from knowledge.adapters.imports import ImportReader
from knowledge.adapters.permissions import make_private
from knowledge.domain.model import GenerationParams
from knowledge.domain.ports import (
    Embedder,
    VectorStore,
)
from knowledge.engines import Engines, build_engines
from knowledge.services.answers.answering import Answerer
from knowledge.services.answers.asking import AskService
from knowledge.services.answers.document_summaries import DocumentSummaries
from knowledge.services.answers.evidence import EvidencePicker
from knowledge.services.answers.gathering import Gatherer
from knowledge.services.answers.outdated import Outdated
from knowledge.services.answers.passages import Passages
from knowledge.services.answers.retrieval import Retriever
from knowledge.services.door.inbound import Inbound
from knowledge.services.door.lanes import Lanes
from knowledge.services.keeping.chunking import Chunker
from knowledge.services.keeping.importing import Importer
from knowledge.services.keeping.indexing import Indexer
from knowledge.services.keeping.ingest import Ingestor
from knowledge.services.keeping.keeper import Keeper
from knowledge.services.keeping.links import Links
from knowledge.services.keeping.memory import Memory
from knowledge.services.keeping.rewriting import Rewriting
from knowledge.services.keeping.voice import VoiceNotes
from knowledge.services.llm.fair_queue import FairQueue
from knowledge.services.llm.llm_worker import LlmWorker
from knowledge.services.llm.summaries import Summarizer
from knowledge.services.sending.delivery import Deliveries
from knowledge.services.sending.digest import Digests
from knowledge.services.sending.inbox import Inbox
from knowledge.services.sending.reminders import Reminders
from knowledge.services.upkeep.access import Access
from knowledge.services.upkeep.backups import Backups, SampleCheck
from knowledge.services.upkeep.doctor import Doctor
from knowledge.services.upkeep.profiles import Profiles
from knowledge.services.upkeep.readiness import Readiness
from knowledge.services.words.named_dates import DayReader
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Keeping:
    """The keeping room's services the door is built on. The entry points go through the
    door (`Services.inbound`); tests and benches reach these parts here."""

    ingestor: Ingestor
    voice: VoiceNotes
    rewriting: Rewriting
    links: Links
    importer: Importer


@dataclass
class Services:
    """What the entry points call (the bot, the command line, the benches), over
    `engines`: `start` before the first call, `close` at the end."""

    engines: Engines
    indexer: Indexer
    keeping: Keeping
    inbound: Inbound
    retriever: Retriever
    passages: Passages
    outdated: Outdated
    answerer: Answerer
    asking: AskService
    memory: Memory
    profiles: Profiles
    digests: Digests
    deliveries: Deliveries
    inbox: Inbox
    queue: FairQueue
    doctor: Doctor
    readiness: Readiness
    summaries: DocumentSummaries
    days: DayReader
    backups: Backups
    reminders: Reminders
    access: Access
    lanes: Lanes

    @property
    def settings(self) -> Settings:
        return self.engines.settings

    @property
    def store(self) -> VectorStore:
        return self.engines.store

    @property
    def embedder(self) -> Embedder:
        return self.engines.embedder

    @property
    def worker(self) -> LlmWorker:
        return self.engines.worker

    @property
    def background(self) -> Background:
        """Work run beside its caller (the port `Spawns`): the bot's catch-up, its pacers,
        what follows a kept item; stopped when the bot stops."""
        return self.engines.background

    def start(self) -> None:
        """The start-up work, before the first call: the data dir made owner-only (an
        older install's files tightened once), the database reached and migrated to head,
        then what the vector store lacks embedded again from SQL (a new embedder, a server
        that lost its points)."""
        make_private(self.settings.data_dir)
        self.engines.database.prepare()
        self.indexer.reindex_missing()

    async def catch_up(self) -> None:
        """The start-up work a long-running entry point (the bot) runs in the background:
        what earlier versions did not do, the days older items name, and document summaries
        a restart interrupted (at the lowest priority)."""
        try:
            await asyncio.to_thread(self.days.catch_up)
            await self.summaries.resume_all()
        except Exception:
            log.exception(
                "catching up on earlier items failed; it is tried again at the next start"
            )

    def close(self) -> None:
        self.engines.close()


def bootstrap(settings: Settings, **engines: Any) -> Services:
    """The services over the engines `build_engines` makes (its keyword arguments), not
    started yet."""
    return build_services(build_engines(settings, **engines))


def build_services(engines: Engines) -> Services:
    settings, storage, store = engines.settings, engines.storage, engines.store
    embedder, sparse, worker = engines.embedder, engines.sparse, engines.worker
    files = engines.files
    chunker = Chunker(embedder, settings.chunk_overlap)

    def zone_of(user_id: int) -> ZoneInfo:
        return digests.schedule(user_id).zone  # digests is built below, before any call

    retriever = Retriever(
        store=store, embedder=embedder, sparse=sparse, storage=storage, zone_of=zone_of
    )
    picker = EvidencePicker(embedder=embedder, sparse=sparse)
    params = GenerationParams(
        temperature=settings.temperature,
        top_k=settings.top_k,
        top_p=settings.top_p,
        max_tokens=settings.max_tokens,
    )
    queue = FairQueue(worker.slots)

    days = DayReader(storage=storage, zone_of=zone_of)
    indexer = Indexer(
        storage=storage, store=store, embedder=embedder, sparse=sparse, chunker=chunker
    )
    keeper = Keeper(
        storage=storage,
        store=store,
        indexer=indexer,
        files=files,
        max_file_bytes=settings.max_file_mb << 20,
        quota_bytes=settings.quota_mb << 20 if settings.quota_mb else None,
        days=days,
    )
    voice = VoiceNotes(
        keeper=keeper,
        transcriber=engines.transcriber,
        max_audio_seconds=settings.max_audio_minutes * 60,
        audio_language=settings.audio_language,
    )
    ingestor = Ingestor(keeper=keeper, voice=voice, reader=engines.reader)
    links = Links(
        reader=engines.web,
        keeper=keeper,
        ingestor=ingestor,
        folder=settings.incoming_dir,
        enabled=settings.fetch_links,
    )
    memory = Memory(storage=storage, store=store, files=files)
    summarizer = Summarizer(worker=worker, params=params, terms=picker.terms)
    digests = Digests(
        storage=storage,
        queue=queue,
        summarizer=summarizer,
        default_timezone=settings.default_tz,
        default_time=settings.default_digest_time,
    )
    answerer = Answerer(
        retriever=retriever,
        picker=picker,
        worker=worker,
        params=params,
        chunks=settings.answer_sources,
        evidence_tokens=settings.evidence_tokens,
        thresholds=(settings.evidence_threshold, settings.evidence_threshold_other_language),
        zone_of=zone_of,
        storage=storage,
    )
    gatherer = Gatherer(
        storage=storage,
        retriever=retriever,
        embedder=embedder,
        terms=picker.terms,
        zone_of=zone_of,
    )
    summaries = DocumentSummaries(
        storage=storage, queue=queue, summarizer=summarizer, retriever=retriever
    )
    profiles = Profiles(storage)
    reminders = Reminders(
        storage=storage,
        zone_of=zone_of,
        lead=timedelta(minutes=settings.reminder_lead_minutes),
        grace=timedelta(minutes=settings.reminder_grace_minutes),
        max_scheduled=settings.max_reminders,
    )
    rewriting = Rewriting(storage=storage, indexer=indexer, days=days)
    asking = AskService(
        answerer=answerer,
        queue=queue,
        storage=storage,
        history_turns=settings.history_turns,
        gatherer=gatherer,
        summaries=summaries,
        zone_of=zone_of,
        max_waiting=settings.max_waiting_questions,
    )
    importer = Importer(
        sources=ImportReader(settings.incoming_dir, limits=settings.import_limits),
        keeper=keeper,
        ingestor=ingestor,
        voice=voice,
        memory=memory,
        store=store,
        links=links,
        days=days,
        reminders=reminders,
        links_seconds=settings.import_links_minutes * 60,
    )
    lanes = Lanes(max_waiting=settings.max_waiting_uploads)
    background = engines.background
    return Services(
        engines=engines,
        indexer=indexer,
        keeping=Keeping(
            ingestor=ingestor, voice=voice, rewriting=rewriting, links=links, importer=importer
        ),
        inbound=Inbound(
            profiles=profiles,
            asking=asking,
            ingestor=ingestor,
            voice=voice,
            rewriting=rewriting,
            links=links,
            reminders=reminders,
            importer=importer,
            lanes=lanes,
            digests=digests,
            summaries=summaries,
            spawner=background,
            memory=memory,
            link_waits=engines.link_waits,
            incoming=settings.incoming_dir,
            max_file_bytes=settings.max_file_mb << 20,
            max_audio_seconds=settings.max_audio_minutes * 60,
        ),
        retriever=retriever,
        passages=Passages(retriever=retriever, picker=picker),
        outdated=Outdated(storage=storage),
        answerer=answerer,
        asking=asking,
        summaries=summaries,
        days=days,
        memory=memory,
        profiles=profiles,
        digests=digests,
        deliveries=Deliveries(
            storage, first_retry=timedelta(seconds=settings.delivery_retry_seconds)
        ),
        inbox=Inbox(storage, retention=timedelta(hours=settings.inbox_retention_hours)),
        queue=queue,
        doctor=Doctor(
            storage=storage,
            store=store,
            files=files,
            indexer=indexer,
            incoming=settings.incoming_dir,
        ),
        readiness=Readiness(storage=storage, store=store, worker=worker),
        backups=Backups(
            storage=storage,
            store=store,
            embedder=embedder,
            retriever=retriever,
            archives=TarArchives(settings.data_dir, settings.database_url),
        ),
        reminders=reminders,
        access=Access(storage),
        lanes=lanes,
    )


@dataclass(frozen=True)
class Restored:
    """A backup brought back: what the doctor found (and repaired), the sample searches."""

    manifest: dict[str, object]
    findings: list[str]
    check: SampleCheck


def restore(archive: Path, settings: Settings, **engines: Any) -> Restored:
    """Unpack a verified backup into the settings' (empty) data dir, then start the install
    on it (vectors a server lacks rebuilt from SQL), run the doctor and sample searches."""
    manifest = unpack_backup(archive, settings.data_dir, database_url=settings.database_url)
    services = bootstrap(settings, **engines)
    try:
        services.start()
        findings = services.doctor.examine(repair=True)
        check = services.backups.sample_check()
    finally:
        services.close()
    return Restored(manifest, [f"{f.problem}: {f.action}" for f in findings], check)
