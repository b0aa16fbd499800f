"""Whisper base on this machine (faster-whisper, int8), on speech made here by espeak-ng:
through the transcriber, and a voice note through the `mnemo` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.adapters.speech import WhisperTranscriber
from knowledge.domain.errors import CorruptFile, EmptyFile
from tests.audio import make_wav, speak

OURS = ("en", "ru", "es", "zh")
SAID = "Remember to buy milk and eggs tomorrow morning."


@pytest.fixture(scope="module")
def whisper(models_dir: Path) -> WhisperTranscriber:
    return WhisperTranscriber("whisper-base", models_dir, threads=2)


def test_an_english_voice_note_is_transcribed(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    voice = speak(tmp_path / "note.ogg", SAID)
    reports: list[str] = []
    heard = whisper.transcribe(
        voice, languages=OURS, fallback="ru", progress=lambda m, d, t: reports.append(m)
    )
    assert heard.language == "en"
    words = set(heard.text.lower().replace(",", " ").replace(".", " ").split())
    assert {"buy", "milk", "tomorrow", "morning"} <= words, heard.text
    assert 2 < heard.seconds < 6 and reports and reports[-1].startswith("Transcribing 0:0")
    assert whisper.duration(voice) == pytest.approx(heard.seconds, abs=0.2)


def test_a_forced_language_is_used(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    voice = speak(tmp_path / "nota.ogg", "Mañana comprar leche y huevos.", voice="es")
    heard = whisper.transcribe(voice, languages=("es",), fallback="en")
    assert heard.language == "es" and heard.text


def test_silence_and_broken_audio_are_refused(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        whisper.transcribe(
            make_wav(tmp_path / "quiet.wav", 2, silent=True), languages=OURS, fallback="en"
        )
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(speak(tmp_path / "whole.ogg", SAID).read_bytes()[:200])
    with pytest.raises((CorruptFile, EmptyFile)):
        whisper.transcribe(broken, languages=OURS, fallback="en")


@pytest.mark.e2e
def test_the_cli_keeps_a_voice_note_and_finds_it(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    voice = speak(tmp_path / "groceries.ogg", SAID)
    assert "✓ groceries.ogg" in run("ingest", str(voice), "--user", "3").stdout
    found = run("search", "milk eggs", "--user", "3").stdout
    assert "voice note of" in found and "milk" in found.lower()
    assert "voice" in run("docs", "--user", "3").stdout
