"""The composition root: the one place that builds real engines from settings.

Every engine is a keyword argument, so tests pass fakes through the same door. Nothing is
built at import time; the chat model loads on its worker thread at the first question.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.answering import Answerer
from knowledge.chunking import Chunker
from knowledge.database import make_engine, migrate, session_factory, wait_until_reachable
from knowledge.digest import Digests
from knowledge.doctor import Doctor
from knowledge.embedding import Bm25Encoder, load_embedder
from knowledge.evidence import EvidencePicker
from knowledge.fair_queue import FairQueue
from knowledge.files import FileStore
from knowledge.generation import LlamaGenerator, LlmWorker
from knowledge.inbox import Inbox
from knowledge.ingest import Ingestor
from knowledge.memory import Memory
from knowledge.model import GenerationParams, ReadLimits
from knowledge.ports import Embedder, Generator, SparseEncoder, VectorStore
from knowledge.profiles import Profiles
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
from knowledge.store import open_store
from knowledge.summaries import Summarizer


@dataclass
class Services:
    settings: Settings
    store: VectorStore
    embedder: Embedder
    ingestor: Ingestor
    retriever: Retriever
    picker: EvidencePicker
    answerer: Answerer
    memory: Memory
    profiles: Profiles
    digests: Digests
    inbox: Inbox
    queue: FairQueue
    worker: LlmWorker
    doctor: Doctor

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
) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sql_url)
    wait_until_reachable(engine, settings.connect_seconds)
    migrate(settings.sql_url)
    sessions = session_factory(engine)
    embedder = embedder or load_embedder(
        settings.embedder, settings.models_dir, threads=settings.n_threads
    )
    sparse = sparse or Bm25Encoder()
    store = store or open_store(settings, embedder.name, embedder.dim)
    files = FileStore(settings.files_dir)
    chunker = Chunker(embedder, settings.chunk_overlap)

    def load_generator() -> Generator:
        return generator or LlamaGenerator.load(
            settings.llm,
            settings.models_dir,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            state_dir=settings.cache_dir / "llm",
        )

    worker = LlmWorker(load_generator)
    retriever = Retriever(store=store, embedder=embedder, sparse=sparse, sessions=sessions)
    picker = EvidencePicker(embedder=embedder, sparse=sparse)
    params = GenerationParams(
        temperature=settings.temperature,
        top_k=settings.top_k,
        top_p=settings.top_p,
        max_tokens=settings.max_tokens,
    )
    queue = FairQueue()
    ingestor = Ingestor(
        sessions=sessions,
        store=store,
        embedder=embedder,
        sparse=sparse,
        chunker=chunker,
        files=files,
        max_file_bytes=settings.max_file_mb << 20,
        ocr_languages=settings.ocr_languages,
        limits=ReadLimits(
            max_pages=settings.max_pages,
            max_megapixels=settings.max_image_megapixels,
            max_unpacked_mb=settings.max_unpacked_mb,
        ),
        quota_bytes=settings.quota_mb << 20 if settings.quota_mb else None,
    )
    ingestor.reindex_missing()
    summarizer = Summarizer(worker=worker, params=params, terms=picker.terms)
    digests = Digests(sessions=sessions, queue=queue, summarizer=summarizer, settings=settings)
    return Services(
        settings=settings,
        store=store,
        embedder=embedder,
        ingestor=ingestor,
        retriever=retriever,
        picker=picker,
        answerer=Answerer(
            retriever=retriever,
            picker=picker,
            worker=worker,
            sessions=sessions,
            params=params,
            chunks=settings.answer_sources,
            evidence_tokens=settings.evidence_tokens,
            thresholds=(
                settings.evidence_threshold,
                settings.evidence_threshold_other_language,
            ),
            history_turns=settings.history_turns,
            zone_of=lambda user_id: digests.schedule(user_id).zone,
        ),
        memory=Memory(sessions=sessions, store=store, files=files),
        profiles=Profiles(sessions),
        digests=digests,
        inbox=Inbox(sessions),
        queue=queue,
        worker=worker,
        doctor=Doctor(sessions=sessions, store=store, files=files, ingestor=ingestor),
    )
