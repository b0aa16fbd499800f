"""Shared fixtures: settings in a temp folder, the real small embedder, a tiny GGUF."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.adapters.embedding import load_embedder
from knowledge.adapters.store.memory import MemoryVectorStore
from knowledge.adapters.web.pages import GuardedWeb
from knowledge.bootstrap import Services
from knowledge.domain.ports import Embedder
from knowledge.settings import Settings
from tests.core import started
from tests.databases import fresh_postgres_database
from tests.fakes import (
    FakeEmbedder,
    FakeOcr,
    FakeSparseEncoder,
    FakeTranscriber,
    ScriptedGenerator,
)
from tests.llm_server import LlamaServer
from tests.samples import Sample, every_type
from tests.tiny_gguf import write_tiny_gguf

ROOT = Path(__file__).resolve().parent.parent
MODELS = Path(os.environ.get("MNEMO_MODELS_PATH", ROOT / "data" / "models")).resolve()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or data dir, or reaches a model hub."""
    for key in list(os.environ):
        if key.startswith("MNEMO_") or key == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(key)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def models_dir() -> Path:
    if not (MODELS / "embedder").is_dir():
        pytest.fail(f"models are not installed in {MODELS}: run scripts/setup.sh")
    return MODELS


@pytest.fixture(scope="session")
def embedder(models_dir: Path) -> Embedder:
    return load_embedder("minilm-l6-int8", models_dir, threads=2)


@pytest.fixture(scope="session")
def multilingual_embedder(models_dir: Path) -> Embedder:
    return load_embedder("use-multilingual", models_dir, threads=2)


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Sample]:
    return every_type(tmp_path_factory.mktemp("samples"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that set STORAGE_TESTS = True run each test on SQLite and on PostgreSQL."""
    if "database" in metafunc.fixturenames and getattr(metafunc.module, "STORAGE_TESTS", False):
        metafunc.parametrize("database", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The SQL URL a test's services use: None for the SQLite file in the data dir."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield None
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database: str | None) -> Settings:
    """Settings in a temp folder; the chat model is the test's `generator`, so no file is
    named (a test that runs llama.cpp asks for `tiny_gguf`)."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        models_path=MODELS,
        llm=str(tmp_path / "no-chat-model.gguf"),
        n_ctx=2048,
        max_tokens=64,
        database_url=database,
    )


@pytest.fixture
def generator() -> ScriptedGenerator:
    return ScriptedGenerator()


@pytest.fixture
def ocr() -> FakeOcr:
    return FakeOcr()


@pytest.fixture
def transcriber() -> FakeTranscriber:
    return FakeTranscriber()


@pytest.fixture
def services(
    request: pytest.FixtureRequest,
    settings: Settings,
    generator: ScriptedGenerator,
    ocr: FakeOcr,
    transcriber: FakeTranscriber,
) -> Iterator[Services]:
    """The core on fakes (fake embedder and BM25, in-memory vectors, scripted model, fake
    OCR; SQL and files real), or, in modules that set REAL_ENGINES = True, on the real
    small embedder, BM25, Qdrant Edge and tesseract (the generator stays scripted); started
    on a copy of the migrated schema (tests/core.py)."""
    if getattr(request.module, "REAL_ENGINES", False):
        real = request.getfixturevalue("embedder")
        built = started(settings, embedder=real, generator=generator)
    else:
        built = started(
            settings,
            embedder=FakeEmbedder(),
            sparse=FakeSparseEncoder(),
            store=MemoryVectorStore(),
            generator=generator,
            ocr=ocr,
            transcriber=transcriber,
            web=GuardedWeb(max_bytes=2 << 20, timeout_seconds=5, allow_loopback=True),
        )
    yield built
    built.close()


@pytest.fixture(scope="session")
def llm_server(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A llama.cpp server with 2 slots and an API key, shared by the tests that only ask."""
    server = LlamaServer(models_dir, tmp_path_factory.mktemp("llm") / "server.log", slots=2)
    server.start()
    yield server
    server.stop()


# Tiers. Unmarked tests are the fast tier: no model files, no servers, no processes.
_MODEL_FIXTURES = {"models_dir", "embedder", "multilingual_embedder", "tiny_gguf", "llm_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        needs_models = getattr(module, "REAL_ENGINES", False) and "services" in getattr(
            item, "fixturenames", ()
        )
        if needs_models or _MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.models)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def run(tmp_path: Path, models_dir: Path, tiny_gguf: Path):
    """`run("ingest", path, code=0)`: the `mnemo` command in a subprocess, on a data dir of
    its own, the installed models and the tiny GGUF; asserts its exit code."""
    env = {
        **os.environ,
        "MNEMO_DATA_DIR": str(tmp_path / "data"),
        "MNEMO_MODELS_PATH": str(models_dir),
        "MNEMO_LLM": str(tiny_gguf),
        "HF_HUB_OFFLINE": "1",
    }

    def mnemo(
        *args: str, code: int = 0, stdin: str = "", extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env={**env, **(extra or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == code, done.stdout + done.stderr
        return done

    mnemo.env = env  # type: ignore[attr-defined]  # for a test that starts `mnemo` itself
    return mnemo
