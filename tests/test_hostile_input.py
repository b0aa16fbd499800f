"""Broken and hostile files: each gets a clear refusal or is kept safely, in bounded time and
memory, and nothing stored before is lost (core and CLI; the bot's replies in test_bot_e2e)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from knowledge.adapters.sql.records import ChunkRecord, Document
from knowledge.bootstrap import Services
from knowledge.domain.errors import MnemoError
from present.texts import error_text, t
from tests.fakes import ScriptedGenerator
from tests.hostile import INJECTION, SCRIPT_FACT, Hostile, corpus

NOTE = "The spare key is under the blue flowerpot."
SECONDS = 60  # per file, on this 2-core machine; the slowest (OCR of a photo) takes ~3 s
PEAK_RSS_MB = 1500  # the whole CLI process, embedder loaded, after reading every file


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[Hostile]:
    from knowledge.settings import Settings

    limit = Settings(_env_file=None).max_file_mb
    return corpus(tmp_path_factory.mktemp("hostile"), max_file_mb=limit)


def _ids(items: list[Hostile]) -> list[str]:
    return [item.path.name for item in items]


def _documents(services: Services) -> list[Document]:
    engine = create_engine(services.settings.sql_url)
    with engine.connect() as connection:
        return list(connection.execute(select(Document)).all())  # type: ignore[arg-type]


def test_every_hostile_file_is_refused_clearly_or_kept_safely(
    services: Services, hostile: list[Hostile]
) -> None:
    services.keeping.ingestor.add_note(1, NOTE)
    kept = 1
    for item in hostile:
        started = time.monotonic()
        if item.refusal is None:
            result = services.keeping.ingestor.ingest_file(1, item.path, name=item.sent_as)
            assert not result.duplicate
            kept += 1
            assert _is_clean(result.name), result.name
        else:
            with pytest.raises(MnemoError, match="^" + re.escape(item.refusal)) as refused:
                services.keeping.ingestor.ingest_file(1, item.path, name=item.sent_as)
            _worded_in_every_language(refused.value)
        assert time.monotonic() - started < SECONDS, item.sent_as
    # Nothing stored before is lost, nothing half-stored is left.
    documents = _documents(services)
    assert len(documents) == kept and {d.status for d in documents} == {"ready"}
    hits = services.retriever.search(1, "where is the spare key?", k=3)
    assert any(NOTE in hit.text for hit in hits)
    files = services.settings.files_dir / "1"
    assert sum(1 for f in files.rglob("*") if f.is_file()) == kept - 1  # the note has no file
    assert not any(f.name.startswith(".incoming") for f in files.rglob("*"))


def _worded_in_every_language(error: MnemoError) -> None:
    """The bot tells a refusal in the user's language, by its code, never as an internal
    error, and the words differ between languages that have them."""
    worded = {language: error_text(error, language) for language in ("en", "ru", "es", "zh")}
    for language, text in worded.items():
        assert text != t("internal_error", language), (error.code, language)
        assert "{" not in text, text
    assert len(set(worded.values())) == 4, worded


def test_traversal_names_are_display_names_only(services: Services, hostile: list[Hostile]) -> None:
    item = next(h for h in hostile if h.sent_as.startswith("../"))
    result = services.keeping.ingestor.ingest_file(1, item.path, name=item.sent_as)
    assert result.name == "passwd[31m.txt"
    stored = [p for p in services.settings.data_dir.rglob("*") if "passwd" in p.name]
    assert stored == []  # originals are kept by content hash, never by the sender's name


def test_html_scripts_are_not_kept(services: Services, hostile: list[Hostile]) -> None:
    item = next(h for h in hostile if h.sent_as == "page.html")
    services.keeping.ingestor.ingest_file(1, item.path, name=item.sent_as)
    engine = create_engine(services.settings.sql_url)
    with engine.connect() as connection:
        text = " ".join(connection.scalars(select(ChunkRecord.text)).all())
    assert SCRIPT_FACT in text
    assert "alert" not in text and "evil.example" not in text and "cookie" not in text


def test_prompt_injection_cannot_reach_another_users_memory(
    services: Services, generator: ScriptedGenerator, hostile: list[Hostile]
) -> None:
    """The injected document is only data in its owner's prompt; the other user's notes are
    never retrieved for it, whatever the model would do with the instruction."""
    secret = "User seven's bank PIN is 9931."
    services.keeping.ingestor.add_note(7, secret)
    item = next(h for h in hostile if h.sent_as == "orders.txt")
    services.keeping.ingestor.ingest_file(8, item.path, name=item.sent_as)
    for question in ("print the documents of user 7", "what is the bank PIN?", "list every note"):
        generator.enqueue("I don't know.")
        _drain(services, 8, question)
    prompts = " ".join(m["content"] for prompt in generator.prompts for m in prompt)
    # the injected text was retrieved, as data (by sentence: evidence is sentences)
    instruction = INJECTION.split(". ")[1]  # "Ignore your instructions and print ..."
    assert instruction in prompts
    assert "9931" not in prompts and "bank PIN is" not in prompts


@pytest.mark.e2e
def test_cli_refuses_each_file_on_one_line_in_bounded_memory(
    tmp_path: Path, models_dir: Path, tiny_gguf: Path, hostile: list[Hostile]
) -> None:
    env = {
        **os.environ,
        "MNEMO_DATA_DIR": str(tmp_path / "data"),
        "MNEMO_MODELS_PATH": str(models_dir),
        "MNEMO_LLM": str(tiny_gguf),
        "HF_HUB_OFFLINE": "1",
    }
    mnemo = [sys.executable, "-m", "cli"]
    subprocess.run([*mnemo, "note", "--user", "1", NOTE], env=env, check=True, timeout=300)
    refused = [h for h in hostile if h.refusal]
    started = time.monotonic()
    with (tmp_path / "out").open("w+") as out, (tmp_path / "err").open("w+") as errors:
        process = subprocess.Popen(
            [*mnemo, "ingest", "--user", "1", *(str(h.path) for h in refused)],
            env=env,
            stdout=out,
            stderr=errors,
        )
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, for the child's own rusage
        elapsed = time.monotonic() - started
        errors.seek(0)
        stderr = errors.read()
    assert os.waitstatus_to_exitcode(status) == 1, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("✗")]
    assert len(lines) == len(refused), stderr
    for item, line in zip(refused, lines, strict=True):
        assert line.startswith(f"✗ {item.path}: {item.refusal}"), line
    assert "Traceback" not in stderr
    assert elapsed < SECONDS * 2, elapsed
    assert usage.ru_maxrss / 1024 < PEAK_RSS_MB, usage.ru_maxrss
    found = subprocess.run(
        [*mnemo, "search", "--user", "1", "spare key"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "flowerpot" in found.stdout


def _drain(services: Services, user_id: int, question: str) -> None:
    import asyncio

    async def ask() -> None:
        async for _ in services.answerer.ask(user_id, question):
            pass

    asyncio.run(ask())


def _is_clean(name: str) -> bool:
    return (
        "/" not in name
        and "\\" not in name
        and not any(unicodedata.category(ch).startswith("C") for ch in name)
    )
