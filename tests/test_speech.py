"""Whisper base on this machine (faster-whisper, int8), on speech made here by espeak-ng:
through the transcriber, and a voice note through the `mnemo` command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from knowledge.adapters.speech import WhisperTranscriber, decode
from knowledge.domain.errors import AudioTooLong, CorruptFile, EmptyFile
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
        voice,
        languages=OURS,
        fallback="ru",
        max_seconds=600,
        progress=lambda m, d, t: reports.append(m),
    )
    assert heard.language == "en"
    words = set(heard.text.lower().replace(",", " ").replace(".", " ").split())
    assert {"buy", "milk", "tomorrow", "morning"} <= words, heard.text
    assert 2 < heard.seconds < 6 and reports and reports[-1].startswith("Transcribing 0:0")
    assert whisper.duration(voice) == pytest.approx(heard.seconds, abs=0.2)


def test_a_forced_language_is_used(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    voice = speak(tmp_path / "nota.ogg", "Mañana comprar leche y huevos.", voice="es")
    heard = whisper.transcribe(voice, languages=("es",), fallback="en", max_seconds=600)
    assert heard.language == "es" and heard.text


def test_silence_and_broken_audio_are_refused(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        whisper.transcribe(
            make_wav(tmp_path / "quiet.wav", 2, silent=True),
            languages=OURS,
            fallback="en",
            max_seconds=600,
        )
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(speak(tmp_path / "whole.ogg", SAID).read_bytes()[:200])
    with pytest.raises((CorruptFile, EmptyFile)):
        whisper.transcribe(broken, languages=OURS, fallback="en", max_seconds=600)


@pytest.mark.e2e
def test_the_cli_keeps_a_voice_note_and_finds_it(run, tmp_path: Path) -> None:
    voice = speak(tmp_path / "groceries.ogg", SAID)
    assert "✓ groceries.ogg" in run("ingest", str(voice), "--user", "3").stdout
    found = run("search", "milk eggs", "--user", "3").stdout
    assert "voice note of" in found and "milk" in found.lower()
    assert "voice" in run("docs", "--user", "3").stdout


@pytest.mark.e2e
def test_the_cli_answers_a_spoken_question_and_keeps_nothing_of_it(run, tmp_path: Path) -> None:
    run("note", "The spare key is under the blue flower pot.", "--user", "4")
    question = speak(tmp_path / "question.ogg", "Where is the spare key?")
    said = run("ingest", str(question), "--user", "4").stdout
    assert said.startswith("🎙 “") and "spare key" in said.lower()
    assert "blue flower pot" in said  # the answer, or the nearest line of memory under it
    assert "voice" not in run("docs", "--user", "4").stdout  # a question: no voice note kept


def test_decoding_stops_at_the_limit_whatever_the_container_claims(
    whisper: WhisperTranscriber, tmp_path: Path
) -> None:
    """A WebM/Opus written as a live stream declares no length (the container says 0): 1.6
    MB of it is half an hour. Decoding stops as soon as it passes the limit."""
    bomb = tmp_path / "live.webm"
    source = ["-f", "lavfi", "-i", "sine=frequency=300:duration=1800"]
    encode = ["-ac", "1", "-c:a", "libopus", "-b:a", "6k", "-f", "webm", "-live", "1"]
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *source, *encode, str(bomb)], check=True)
    assert whisper.duration(bomb) == 0.0, "the container claims nothing"
    with pytest.raises(AudioTooLong) as refused:
        whisper.transcribe(bomb, languages=OURS, fallback="en", max_seconds=60)
    assert 60 <= float(refused.value.params["decoded_seconds"]) <= 61  # type: ignore[arg-type]
    assert len(decode(bomb, 2000)) / 16_000 == pytest.approx(1800, abs=1)
