"""The engines the composition root (knowledge/bootstrap.py) builds the services over:
the SQL database (through a factory tests replace), the vector store, the models and
readers, and every thread pool, spawner and child process of the core. Building them
reaches no SQL database; it opens the vector store and loads the embedder."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

from knowledge.adapters.background import Background
from knowledge.adapters.embedding import Bm25Encoder, load_embedder
from knowledge.adapters.extraction import FileReader, TesseractOcr
from knowledge.adapters.files import FileStore
from knowledge.adapters.llama import LlamaGenerator
from knowledge.adapters.llm_server import ServerGenerator
from knowledge.adapters.model_probe import ChildProbe
from knowledge.adapters.permissions import private_umask
from knowledge.adapters.speech import WhisperTranscriber
from knowledge.adapters.sql.database import Database
from knowledge.adapters.store import open_store
from knowledge.adapters.web.pages import FETCHERS, GuardedWeb, web_pools
from knowledge.domain.model import ReadLimits
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
from knowledge.services.llm.llm_worker import LlmWorker, model_threads
from knowledge.services.llm.model_check import CheckedLoad
from knowledge.settings import Settings

DatabaseFactory = Callable[[Settings], Database]
LINK_WAITS = FETCHERS + 2  # messages' links read at once: every fetcher busy, two kept meanwhile


def open_database(settings: Settings) -> Database:
    """The database the settings name (a SQLite file in the data dir unless
    MNEMO_DATABASE_URL names a server)."""
    return Database(settings.sql_url, connect_seconds=settings.connect_seconds)


@dataclass
class Engines:
    """What the services run on: the SQL database, the vector store, the models and
    readers, and the thread pools, spawner and child processes of the core."""

    settings: Settings
    database: Database
    store: VectorStore
    embedder: Embedder
    sparse: SparseEncoder
    files: FileStore
    reader: FileReader
    transcriber: Transcriber
    web: ReadsLinks
    worker: LlmWorker
    background: Background
    link_waits: Executor  # where a message's link is waited for: never the default pool
    pools: list[Executor] = field(default_factory=list)  # shut down at close

    @property
    def storage(self) -> Storage:
        return self.database.storage

    def close(self) -> None:
        self.worker.close()
        self.store.close()
        for pool in self.pools:
            pool.shutdown(wait=False, cancel_futures=True)


def build_engines(
    settings: Settings,
    *,
    database: DatabaseFactory = open_database,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    sparse: SparseEncoder | None = None,
    generator: Generator | None = None,
    ocr: Ocr | None = None,
    transcriber: Transcriber | None = None,
    web: ReadsLinks | None = None,
    model_check: ChecksModel | None = None,
) -> Engines:
    private_umask()  # this process writes the data dir: owner-only (the stores' files too)
    embedder = embedder or load_embedder(
        settings.embedder, settings.models_dir, threads=settings.n_threads
    )
    store = store or open_store(settings, embedder.name, embedder.dim)

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
    threads = model_threads(slots)
    link_waits = ThreadPoolExecutor(LINK_WAITS, thread_name_prefix="link-wait")
    pools: list[Executor] = [threads, link_waits]
    if web is None:
        fetchers, resolvers = web_pools()
        pools += [fetchers, resolvers]
        web = GuardedWeb(
            max_bytes=settings.link_max_mb << 20,
            timeout_seconds=settings.link_timeout_seconds,
            pools=(fetchers, resolvers),
        )
    return Engines(
        settings=settings,
        database=database(settings),
        store=store,
        embedder=embedder,
        sparse=sparse or Bm25Encoder(),
        files=FileStore(settings.files_dir),
        reader=FileReader(
            ocr or TesseractOcr(settings.ocr_languages),
            ReadLimits(
                max_pages=settings.max_pages,
                max_megapixels=settings.max_image_megapixels,
                max_unpacked_mb=settings.max_unpacked_mb,
            ),
        ),
        transcriber=transcriber
        or WhisperTranscriber(settings.whisper, settings.models_dir, settings.n_threads),
        web=web,
        worker=LlmWorker(checked or load_generator, slots=slots, threads=threads),
        background=Background(),
        link_waits=link_waits,
        pools=pools,
    )
