"""The composition root: the one place that builds real engines from settings.

Every engine is a keyword argument, so tests pass fakes through the same door. Nothing is
built at import time; the chat model loads on its worker thread at the first question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from knowledge.adapters.background import Background
from knowledge.adapters.backup import TarArchives
from knowledge.adapters.backup import restore as unpack_backup
from knowledge.adapters.embedding import Bm25Encoder, load_embedder
from knowledge.adapters.extraction import FileReader, TesseractOcr
from knowledge.adapters.files import FileStore
from knowledge.adapters.imports import ImportReader
from knowledge.adapters.llama import LlamaGenerator
from knowledge.adapters.llm_server import ServerGenerator
from knowledge.adapters.model_probe import ChildProbe
from knowledge.adapters.permissions import make_private, private_umask
from knowledge.adapters.speech import WhisperTranscriber
from knowledge.adapters.sql.database import (
    make_engine,
    migrate,
    session_factory,
    wait_until_reachable,
)
from knowledge.adapters.sql.repositories import SqlStorage
from knowledge.adapters.store import open_store
from knowledge.adapters.web.pages import GuardedWeb
from knowledge.domain.model import GenerationParams, ReadLimits
from knowledge.domain.ports import (
    ChecksModel,
    Embedder,
    Generator,
    Ocr,
    ReadsLinks,
    SparseEncoder,
    Transcriber,
    VectorStore,
)
from knowledge.domain.repositories import Storage
from knowledge.services.answers.answering import Answerer
from knowledge.services.answers.asking import AskService
from knowledge.services.answers.document_summaries import DocumentSummaries
from knowledge.services.answers.evidence import EvidencePicker
from knowledge.services.answers.gathering import Gatherer
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
from knowledge.services.llm.model_check import CheckedLoad
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


@dataclass
class Services:
    settings: Settings
    storage: Storage
    store: VectorStore
    embedder: Embedder
    indexer: Indexer
    ingestor: Ingestor
    voice: VoiceNotes
    rewriting: Rewriting
    inbound: Inbound
    retriever: Retriever
    picker: EvidencePicker
    passages: Passages
    answerer: Answerer
    asking: AskService
    memory: Memory
    profiles: Profiles
    digests: Digests
    deliveries: Deliveries
    inbox: Inbox
    queue: FairQueue
    worker: LlmWorker
    doctor: Doctor
    readiness: Readiness
    gatherer: Gatherer
    summaries: DocumentSummaries
    days: DayReader
    links: Links
    importer: Importer
    backups: Backups
    reminders: Reminders
    access: Access
    lanes: Lanes
    background: Background

    def close(self) -> None:
        self.worker.close()
        self.store.close()


def bootstrap(
    settings: Settings,
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    sparse: SparseEncoder | None = None,
    generator: Generator | None = None,
    ocr: Ocr | None = None,
    transcriber: Transcriber | None = None,
    web: ReadsLinks | None = None,
    model_check: ChecksModel | None = None,
) -> Services:
    private_umask()  # this process writes the data dir: owner-only (the stores' files too)
    make_private(settings.data_dir)  # 0700; an older install's files tightened once
    engine = make_engine(settings.sql_url)
    wait_until_reachable(engine, settings.connect_seconds)
    migrate(settings.sql_url)
    storage = SqlStorage(session_factory(engine))
    embedder = embedder or load_embedder(
        settings.embedder, settings.models_dir, threads=settings.n_threads
    )
    sparse = sparse or Bm25Encoder()
    store = store or open_store(settings, embedder.name, embedder.dim)
    files = FileStore(settings.files_dir)
    chunker = Chunker(embedder, settings.chunk_overlap)

    def load_generator() -> Generator:
        if generator is not None:
            return generator
        if settings.llm_url:
            return ServerGenerator(
                settings.llm_url,
                api_key=settings.llm_api_key,
                model=settings.llm_model,
                timeout_seconds=settings.llm_timeout_seconds,
            )
        return LlamaGenerator.load(
            settings.llm,
            settings.models_dir,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            state_dir=settings.cache_dir / "llm",
        )

    # llama.cpp in-process answers one at a time; a server as many as it has slots. The
    # in-process model is loaded only once a child process ran it (a build that dies on
    # this CPU takes the child down, not the bot); tests may give their own check.
    slots = settings.llm_slots if settings.llm_url or generator is not None else 1
    in_process = generator is None and not settings.llm_url
    if model_check is None and in_process:
        model_check = ChildProbe.for_settings(settings, cache=settings.cache_dir / "llm" / "probe")
    checked = CheckedLoad(load_generator, model_check) if model_check is not None else None
    worker = LlmWorker(checked or load_generator, slots=slots)

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
    queue = FairQueue(slots)

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
        transcriber=transcriber
        or WhisperTranscriber(settings.whisper, settings.models_dir, settings.n_threads),
        max_audio_seconds=settings.max_audio_minutes * 60,
        audio_language=settings.audio_language,
    )
    ingestor = Ingestor(
        keeper=keeper,
        voice=voice,
        reader=FileReader(
            ocr or TesseractOcr(settings.ocr_languages),
            ReadLimits(
                max_pages=settings.max_pages,
                max_megapixels=settings.max_image_megapixels,
                max_unpacked_mb=settings.max_unpacked_mb,
            ),
        ),
    )
    links = Links(
        reader=web
        or GuardedWeb(
            max_bytes=settings.link_max_mb << 20, timeout_seconds=settings.link_timeout_seconds
        ),
        keeper=keeper,
        ingestor=ingestor,
        folder=settings.incoming_dir,
        enabled=settings.fetch_links,
    )
    memory = Memory(storage=storage, store=store, files=files)
    indexer.reindex_missing()
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
    background = Background()
    return Services(
        settings=settings,
        storage=storage,
        store=store,
        embedder=embedder,
        indexer=indexer,
        ingestor=ingestor,
        voice=voice,
        rewriting=rewriting,
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
        ),
        retriever=retriever,
        picker=picker,
        passages=Passages(retriever=retriever, picker=picker),
        answerer=answerer,
        asking=asking,
        gatherer=gatherer,
        summaries=summaries,
        days=days,
        memory=memory,
        links=links,
        importer=importer,
        profiles=profiles,
        digests=digests,
        deliveries=Deliveries(
            storage, first_retry=timedelta(seconds=settings.delivery_retry_seconds)
        ),
        inbox=Inbox(storage, retention=timedelta(hours=settings.inbox_retention_hours)),
        queue=queue,
        worker=worker,
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
        background=background,
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
        findings = services.doctor.examine(repair=True)
        check = services.backups.sample_check()
    finally:
        services.close()
    return Restored(manifest, [f"{f.problem}: {f.action}" for f in findings], check)
