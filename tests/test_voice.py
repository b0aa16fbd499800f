"""Voice notes through the core, on fakes: transcribed, kept with the recording, found,
in the day's digest; refused when too long, silent or broken, storing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.domain.errors import CorruptFile, EmptyFile, FileTooLarge
from knowledge.settings import Settings
from tests.audio import make_wav
from tests.core import started
from tests.fakes import FakeEmbedder, FakeSparseEncoder, FakeTranscriber, ScriptedGenerator

SAID = "Buy oat milk and two lemons on the way home."


def _stored(services: Services, user: int) -> int:
    return services.memory.stats(user).notes + services.memory.stats(user).documents


def test_a_voice_note_is_kept_found_and_in_the_digest(
    services: Services, transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    transcriber.text = SAID
    recording = make_wav(tmp_path / "note.wav", 3)
    services.digests.set_timezone(1, "UTC")
    with time_machine.travel(datetime(2026, 11, 20, 18, 5, tzinfo=UTC), tick=False):
        result = services.keeping.ingestor.ingest_file(1, recording, language="ru")
    assert (result.kind, result.excerpt) == ("voice", SAID)
    assert transcriber.heard == [("en", "ru", "es", "zh")]  # detected among ours
    hits = services.retriever.search(1, "oat milk lemons", k=1)
    assert hits and hits[0].text == SAID and hits[0].label().startswith("voice note of")
    items = services.digests.items(1, date(2026, 11, 20), ZoneInfo("UTC"))
    assert [(item.kind, item.line, f"{item.at:%H:%M}") for item in items] == [
        ("voice", SAID, "18:05")
    ]
    kept = services.settings.files_dir / "1"
    assert sum(1 for f in kept.rglob("*") if f.is_file()) == 1  # the recording itself
    services.memory.forget(1, result.doc_id)
    assert not any(f.is_file() for f in kept.rglob("*"))
    assert services.retriever.search(1, "oat milk lemons", k=1) == []


def test_too_long_is_refused_before_it_is_transcribed(
    services: Services, transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    transcriber.text = SAID
    long = make_wav(tmp_path / "long.wav", 11 * 60, silent=True, rate=4000)  # limit: 10 min
    with pytest.raises(FileTooLarge) as refused:
        services.keeping.ingestor.ingest_file(1, long)
    assert refused.value.code == "audio_too_long" and refused.value.params["limit"] == "10"
    assert transcriber.heard == [] and _stored(services, 1) == 0


def test_silence_and_broken_audio_store_nothing(
    services: Services, transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    silent = make_wav(tmp_path / "silent.wav", 2, silent=True)
    with pytest.raises(EmptyFile) as nothing:
        services.keeping.ingestor.ingest_file(1, silent)
    assert nothing.value.code == "no_speech"
    broken = tmp_path / "broken.wav"
    broken.write_bytes(make_wav(tmp_path / "whole.wav", 1).read_bytes()[:30])
    with pytest.raises((CorruptFile, EmptyFile)):
        services.keeping.ingestor.ingest_file(1, broken)
    assert _stored(services, 1) == 0
    assert not any(f.is_file() for f in services.settings.files_dir.rglob("*"))


def test_a_forced_language_is_the_only_one_heard(settings: Settings, tmp_path: Path) -> None:
    transcriber = FakeTranscriber(SAID)
    forced = settings.model_copy(update={"audio_language": "es"})
    built = started(
        forced,
        embedder=FakeEmbedder(),
        sparse=FakeSparseEncoder(),
        generator=ScriptedGenerator(),
        transcriber=transcriber,
    )
    try:
        built.keeping.ingestor.ingest_file(1, make_wav(tmp_path / "nota.wav", 2))
    finally:
        built.close()
    assert transcriber.heard == [("es",)]
