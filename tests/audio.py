"""Test audio made here, never downloaded: tones and silence with `wave`, and speech from
espeak-ng, turned into Ogg/Opus by ffmpeg as Telegram sends voice messages."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

RATE = 16_000


def make_wav(path: Path, seconds: float, *, silent: bool = False, rate: int = RATE) -> Path:
    """A mono 16-bit WAV: a 440 Hz tone, or silence."""
    frames = int(seconds * rate)
    amplitude = 0 if silent else 8000
    samples = (int(amplitude * math.sin(2 * math.pi * 440 * n / rate)) for n in range(frames))
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def speak(path: Path, text: str, voice: str = "en") -> Path:
    """`text` spoken by espeak-ng in `voice`, as Ogg/Opus (path should end in .ogg)."""
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed: run scripts/setup.sh --dev")
    wav = path.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
    opus = ["-c:a", "libopus", "-b:a", "24k", "-ac", "1", "-ar", "48000"]
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), *opus, str(path)], check=True
    )
    wav.unlink()
    return path
